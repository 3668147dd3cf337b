/**
 * Signed GitHub deliveries from the samples in events/github/, for tests and `deployctl push`.
 * Signs the exact body string it returns, the way GitHub does (HMAC over the bytes sent), with
 * node:crypto rather than the webhook's own verifier so the two cross-check each other.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sample delivery as stored: GitHub's headers and the payload object. */
export interface DeliverySample {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export type DeliveryEncoding = 'json' | 'form';

export interface SignOptions {
  secret: string;
  /** New head commit sha (sets `after`, `head_commit.id` and the last commit). */
  sha?: string;
  /** New head commit message. */
  message?: string;
  /**
   * When the pushed commits were made: sets `head_commit.timestamp` and every `commits[].timestamp`
   * (ISO 8601 to the second, as GitHub writes them). Lead time counts from here, so a sample pushed
   * now should say now (the sandbox's simulated now), not the sample's recorded date.
   */
  committedAt?: Date;
  /** New `X-GitHub-Delivery` (redeliveries keep the same one). */
  deliveryId?: string;
  /** Body encoding; default follows the sample's Content-Type. */
  encoding?: DeliveryEncoding;
  /** Last say over the payload (e.g. change the repository or ref). */
  edit?: (body: Record<string, unknown>) => void;
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Folder of the GitHub samples. */
export const SAMPLES_DIR = join(__dirname, 'github');

/** Loads `events/github/<name>.json` (a fresh copy each call). */
export function loadSample(name: string): DeliverySample {
  const sample = JSON.parse(
    readFileSync(join(SAMPLES_DIR, `${name.replace(/\.json$/, '')}.json`), 'utf8'),
  ) as DeliverySample;
  if (typeof sample.headers !== 'object' || typeof sample.body !== 'object')
    throw new Error(`sample ${name} needs "headers" and "body" objects`);
  return sample;
}

/** `sha256=<hex>` over the body, as in X-Hub-Signature-256. */
export function signatureFor(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function setHeadCommit(
  body: Record<string, unknown>,
  sha: string | undefined,
  message: string | undefined,
): void {
  const head = body.head_commit as Record<string, unknown> | null | undefined;
  const commits = Array.isArray(body.commits) ? (body.commits as Record<string, unknown>[]) : [];
  const last = commits[commits.length - 1];
  if (sha !== undefined) {
    body.after = sha;
    for (const commit of [head, last]) {
      if (!commit) continue;
      const url = commit.url;
      if (typeof url === 'string' && typeof commit.id === 'string') commit.url = url.replace(commit.id, sha);
      commit.id = sha;
    }
    // GitHub's `compare` names the pushed range as <before 12>...<after 12>: keep it true to the new head.
    const before = typeof body.before === 'string' ? body.before : '';
    if (typeof body.compare === 'string' && /^[0-9a-f]{40}$/.test(before))
      body.compare = body.compare.replace(
        /\/compare\/.*$/,
        `/compare/${before.slice(0, 12)}...${sha.slice(0, 12)}`,
      );
  }
  if (message !== undefined) for (const commit of [head, last]) if (commit) commit.message = message;
}

/** GitHub's push payload timestamps: ISO 8601 to the second (GitHub docs, "push" webhook payload). */
export function githubTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function setCommitTime(body: Record<string, unknown>, at: Date): void {
  const stamp = githubTimestamp(at);
  const head = body.head_commit as Record<string, unknown> | null | undefined;
  if (head) head.timestamp = stamp;
  if (Array.isArray(body.commits))
    for (const commit of body.commits as Record<string, unknown>[]) if (commit) commit.timestamp = stamp;
}

/** Applies the overrides, encodes the body and signs it. */
export function signDelivery(sample: DeliverySample | string, options: SignOptions): SignedDelivery {
  const { headers, body } = structuredClone(typeof sample === 'string' ? loadSample(sample) : sample);
  setHeadCommit(body, options.sha, options.message);
  if (options.committedAt) setCommitTime(body, options.committedAt);
  options.edit?.(body);
  const sampleType =
    Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  const encoding =
    options.encoding ?? (sampleType.startsWith('application/x-www-form-urlencoded') ? 'form' : 'json');
  const json = JSON.stringify(body);
  const text = encoding === 'form' ? new URLSearchParams({ payload: json }).toString() : json;

  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!/^(content-type|x-hub-signature(-256)?)$/i.test(name)) out[name] = value;
  out['Content-Type'] = encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  if (options.deliveryId !== undefined) out['X-GitHub-Delivery'] = options.deliveryId;
  out['X-Hub-Signature'] = `sha1=${createHmac('sha1', options.secret).update(text).digest('hex')}`;
  out['X-Hub-Signature-256'] = signatureFor(options.secret, text);
  return { headers: out, body: text };
}
