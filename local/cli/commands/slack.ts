/** `deployctl slack`: the messages the sandbox's Slack stand-in received (approvals, failure notices). */
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { SANDBOX_PATHS } from '../sandbox-api';

/** A message as the sandbox's Slack sink keeps it. */
export interface SlackMessage {
  receivedAt: string;
  text: string;
  kind: 'approval' | 'notification';
  body?: unknown;
}

export interface SlackOptions {
  limit?: string | number;
  json?: boolean;
}

/** The sink's messages, oldest first. */
export async function slackMessages(ctx: CliContext): Promise<SlackMessage[]> {
  const answer = await ctx
    .sandbox()
    .request<{ messages?: SlackMessage[] } | SlackMessage[]>('GET', SANDBOX_PATHS.slack);
  const messages = Array.isArray(answer) ? answer : answer.messages;
  if (!Array.isArray(messages))
    throw new CliError('The sandbox answered the Slack messages request without a "messages" list.');
  return messages;
}

/** Buttons of a Block Kit message as [label, url] (approval requests carry Approve and Reject). */
export function messageButtons(body: unknown): [string, string][] {
  const blocks = (body as { blocks?: unknown })?.blocks;
  if (!Array.isArray(blocks)) return [];
  const out: [string, string][] = [];
  for (const block of blocks as { type?: string; elements?: unknown }[]) {
    if (block?.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements as { url?: unknown; text?: { text?: unknown } }[])
      if (typeof element?.url === 'string')
        out.push([typeof element.text?.text === 'string' ? element.text.text : 'link', element.url]);
  }
  return out;
}

export async function slackCommand(ctx: CliContext, options: SlackOptions = {}): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit must be a whole number from 1 to 1000, got "${options.limit}".`);
  const messages = (await slackMessages(ctx)).slice(-limit);
  const { out } = ctx;
  if (options.json) {
    out.line(JSON.stringify(messages, null, 2));
    return 0;
  }
  if (!messages.length) {
    out.line('No Slack messages yet (approval requests and failure notices land here).');
    return 0;
  }
  for (const message of messages) {
    const kind =
      message.kind === 'approval' ? out.paint('yellow', 'approval    ') : out.paint('red', 'notification');
    out.line(`${out.paint('dim', message.receivedAt)}  ${kind}  ${message.text.split('\n')[0]}`);
    for (const line of message.text.split('\n').slice(1, 8))
      if (line.trim()) out.line(`${' '.repeat(40)}${line}`);
    for (const [label, url] of messageButtons(message.body))
      out.line(`${' '.repeat(40)}${`${label}:`.padEnd(9)} ${url}`);
  }
  return 0;
}
