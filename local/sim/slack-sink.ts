/**
 * A Slack incoming-webhook stand-in served by the local AWS endpoint under
 * `/_sandbox/slack/<anything>`: stores each message and answers `ok`, 400 `invalid_payload` /
 * `invalid_blocks` for a message Slack would refuse (block-kit.ts), or 500 `internal_error` while
 * the scenario says Slack is down.
 */
import { SLACK_BLOCK_IDS } from '../../functions/commons/slack/message-kinds';
import type { RawRequest, RawResponse } from '../aws/server';
import { blockKitProblems, hasLoneSurrogate } from './block-kit';

/**
 * Which function posted: the controller marks its messages with the first block's `block_id`
 * (functions/commons/slack/message-kinds.ts). Only a message without that mark falls back to the
 * function running now and then to its text; neither is certain when the notifier and an
 * approval function run at once (a notice about a run stopped while waiting for approval names
 * the approval).
 */
function kindOf(body: unknown, sender: 'notification' | 'approval' | undefined): SlackMessageRecord['kind'] {
  const blocks = (body as { blocks?: unknown }).blocks;
  const blockId = Array.isArray(blocks)
    ? (blocks[0] as { block_id?: unknown } | undefined)?.block_id
    : undefined;
  if (blockId === SLACK_BLOCK_IDS.notice) return 'notification';
  if (blockId === SLACK_BLOCK_IDS.approvalRequest || blockId === SLACK_BLOCK_IDS.approvalDecided)
    return 'approval';
  return sender ?? (/\/approvals\/|approv|reject/i.test(JSON.stringify(body)) ? 'approval' : 'notification');
}

export interface SlackMessageRecord {
  receivedAt: string;
  /** `text` of the message (Block Kit text flattened when there is no text). */
  text: string;
  body: unknown;
  /** `notification`: sent by the notifier (execution status); `approval`: approval request or decision follow-up. */
  kind: 'approval' | 'notification';
}

export class SlackSink {
  readonly messages: SlackMessageRecord[] = [];
  refused = 0;
  /** Messages refused as Slack refuses them (`invalid_payload`, `invalid_blocks`), with why. */
  readonly rejected: { error: 'invalid_payload' | 'invalid_blocks'; problems: string[] }[] = [];
  constructor(
    private readonly isDown: () => boolean,
    /** Which function is posting (the one running now), when the runtime can tell. */
    private readonly sender: () => 'notification' | 'approval' | undefined = () => undefined,
  ) {}

  handle(request: RawRequest): RawResponse {
    if (request.method !== 'POST')
      return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'invalid_method' };
    if (this.isDown()) {
      this.refused++;
      return { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal_error' };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return this.reject('invalid_payload', ['the body is not JSON']);
    }
    const topText = (body as { text?: unknown }).text;
    if (typeof topText === 'string' && hasLoneSurrogate(topText))
      return this.reject('invalid_payload', ['text: not well-formed UTF-16 (a lone surrogate)']);
    const problems = blockKitProblems((body as { blocks?: unknown }).blocks);
    if (problems.length > 0) return this.reject('invalid_blocks', problems);
    const text =
      typeof (body as { text?: unknown }).text === 'string'
        ? (body as { text: string }).text
        : JSON.stringify((body as { blocks?: unknown }).blocks ?? body).slice(0, 2000);
    this.messages.push({
      receivedAt: new Date().toISOString(),
      text,
      body,
      kind: kindOf(body, this.sender()),
    });
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  }

  /** Slack's answer to a message it cannot take: HTTP 400 and the error name as the body. */
  private reject(error: 'invalid_payload' | 'invalid_blocks', problems: string[]): RawResponse {
    this.rejected.push({ error, problems });
    return { status: 400, headers: { 'content-type': 'text/plain' }, body: error };
  }

  reset(): void {
    this.messages.length = 0;
    this.rejected.length = 0;
    this.refused = 0;
  }
}
