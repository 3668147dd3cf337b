/**
 * The webhook secret: Secrets Manager in AWS (`GITHUB_WEBHOOK_SECRET_ARN`), a plain value
 * locally (`GITHUB_WEBHOOK_SECRET`). Cached by commons/secrets.ts; after a signature mismatch the
 * webhook may ask for a fresh read so a rotated secret is picked up without a cold start.
 */
import type { SecretSource } from '../commons/secrets';

export const WEBHOOK_SECRET: SecretSource = {
  arnVariable: 'GITHUB_WEBHOOK_SECRET_ARN',
  valueVariable: 'GITHUB_WEBHOOK_SECRET',
};

/** A mismatch re-reads the secret only when the cached value is older than this (limits reads). */
export const REFRESH_AFTER_MS = 60_000;

/** Where the webhook gets its secret; injectable for tests and the sandbox. */
export interface SecretProvider {
  /** The secret; `refresh` forces a re-read. Throws SecretUnavailableError when not configured. */
  get(refresh: boolean): Promise<string>;
  /** Milliseconds since the value was read (Infinity for plain values that are not cached). */
  ageMs(): number;
}

// Loaded on first use: the Secrets Manager command and its schemas are then evaluated once per
// process, after the cold start, instead of on every import of the bundle.
let secrets: typeof import('../commons/secrets') | undefined;

/** The default provider over commons/secrets.ts, with an injectable clock. */
export function webhookSecretProvider(clock: () => number = Date.now): SecretProvider {
  return {
    get: async (refresh) =>
      (secrets ??= await import('../commons/secrets')).getSecret(WEBHOOK_SECRET, { refresh, now: clock() }),
    ageMs: () => (secrets ? secrets.secretAgeMs(WEBHOOK_SECRET, clock()) : Number.POSITIVE_INFINITY),
  };
}
