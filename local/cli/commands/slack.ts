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
  }
  return 0;
}
