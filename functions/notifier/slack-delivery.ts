/**
 * Sends a Slack message with a few quick retries inside one invocation, for the failures that heal
 * by themselves (Slack 5xx, 429, timeouts, connection errors). A 4xx such as `invalid_token` or
 * `no_service` will not heal: it fails at once so the event goes to Lambda's retries and then the
 * dead-letter queue, where the alarm tells a person to fix the webhook.
 */
import { SlackDeliveryError, type SlackMessage } from '../commons/slack/post-message';

export interface SlackDeliveryOptions {
  /** Attempts in this invocation (default 3). */
  attempts?: number;
  /** Wait before the second attempt; doubled after each (default 300 ms). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type PostFn = (message: SlackMessage) => Promise<void>;

/** True for errors worth another try right away. */
export function isRetryableSlackError(error: unknown): boolean {
  if (!(error instanceof SlackDeliveryError)) return false;
  if (error.status === undefined) return true; // no answer: timeout or network
  return error.status >= 500 || error.status === 429;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Posts, retrying transient failures; rethrows the last error. Returns the number of attempts made. */
export async function deliverToSlack(
  post: PostFn,
  message: SlackMessage,
  options: SlackDeliveryOptions = {},
): Promise<number> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? defaultSleep;
  let wait = options.backoffMs ?? 300;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await post(message);
      return attempt;
    } catch (error) {
      if (attempt >= attempts || !isRetryableSlackError(error)) throw error;
      // Full jitter keeps two notifiers from hammering Slack in step.
      await sleep(Math.round(wait / 2 + Math.random() * (wait / 2)));
      wait *= 2;
    }
  }
}
