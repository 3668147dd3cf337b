/**
 * Posts a Block Kit message to a Slack incoming webhook. The URL is a secret (SLACK_WEBHOOK_SECRET_ARN
 * in AWS, SLACK_WEBHOOK_URL locally: the sandbox points it at its own sink). Failures throw
 * SlackDeliveryError so the caller's retry / dead-letter path takes over; the URL never appears
 * in an error or a log line.
 */
import { IncomingWebhook, type IncomingWebhookSendArguments } from '@slack/webhook';
import { getSecret } from '../secrets';

export const SLACK_WEBHOOK_SECRET = {
  arnVariable: 'SLACK_WEBHOOK_SECRET_ARN',
  valueVariable: 'SLACK_WEBHOOK_URL',
};

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  /** HTTP status Slack answered with; undefined when no answer came (timeout, network error). */
  readonly status: number | undefined;
  constructor(message: string, options?: { status?: number | undefined }) {
    super(message);
    this.status = options?.status;
  }
}

export type SlackMessage = IncomingWebhookSendArguments;

export async function postSlackMessage(
  message: SlackMessage,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const url = await getSecret(SLACK_WEBHOOK_SECRET);
  const webhook = new IncomingWebhook(url, { timeout: options.timeoutMs ?? 5000 });
  try {
    await webhook.send(message);
  } catch (error) {
    // @slack/webhook errors may embed the request config (and so the URL): keep only the code.
    const code = (error as { code?: string }).code ?? 'unknown';
    // @slack/webhook 8 (fetch) puts the status on `statusCode`; older axios-based versions on `original.response`.
    const status =
      (error as { statusCode?: number }).statusCode ??
      (error as { original?: { response?: { status?: number } } }).original?.response?.status;
    throw new SlackDeliveryError(`Slack webhook failed (${code}${status ? `, HTTP ${status}` : ''})`, {
      status,
    });
  }
}
