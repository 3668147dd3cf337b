/**
 * Secret values for handlers: from Secrets Manager in AWS (by ARN or name in `<NAME>_SECRET_ARN`),
 * from a plain environment variable locally. Values are cached for `ttlMs` so a rotated secret is
 * picked up without a cold start; `refresh: true` forces a re-read (e.g. after a signature
 * mismatch right after rotation). Values are never logged or put in errors.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretSource {
  /** Environment variable holding the Secrets Manager ARN or name (AWS). */
  arnVariable: string;
  /** Environment variable holding the value itself (local sandbox, tests). */
  valueVariable: string;
}

/** The secret is not configured, or Secrets Manager has no value for it. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

interface CacheEntry {
  value: string;
  fetchedAt: number;
}

const cache = new Map<string, CacheEntry>();

/** Milliseconds since the cached value was read, or Infinity when nothing is cached. */
export function secretAgeMs(source: SecretSource, now = Date.now()): number {
  const entry = cache.get(source.arnVariable);
  return entry ? now - entry.fetchedAt : Number.POSITIVE_INFINITY;
}

export async function getSecret(
  source: SecretSource,
  options: { client?: SecretsManagerClient; ttlMs?: number; refresh?: boolean; now?: number } = {},
): Promise<string> {
  const now = options.now ?? Date.now();
  const secretId = process.env[source.arnVariable];
  if (!secretId) {
    const local = process.env[source.valueVariable];
    if (local) return local;
    throw new SecretUnavailableError(`neither ${source.arnVariable} nor ${source.valueVariable} is set`);
  }
  const entry = cache.get(source.arnVariable);
  if (entry && !options.refresh && now - entry.fetchedAt < (options.ttlMs ?? 300_000)) return entry.value;

  // Imported lazily: a process that only reads local values never evaluates the SDK.
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = options.client ?? (await import('./clients/secrets-manager')).secretsManager;
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!result.SecretString)
    throw new SecretUnavailableError(`secret ${source.arnVariable} has no string value yet`);
  cache.set(source.arnVariable, { value: result.SecretString, fetchedAt: now });
  return result.SecretString;
}

/** Empties the cache (tests). */
export function clearSecretCache(): void {
  cache.clear();
}
