/**
 * The load test's burst: distinct pushes, each delivered several times with the same
 * X-GitHub-Delivery (GitHub's redeliveries), plus forged deliveries of many kinds, shuffled with a
 * seeded generator so a failure can be replayed. Plain data: the test and the bench both use it.
 */
import { createHash } from 'node:crypto';
import { signatureFor, signDelivery, type SignedDelivery } from '../../../events/sign-delivery';
import { executionName } from '../../../functions/github-webhook/execution-name';

/** How a forged delivery was made; each must be answered 401 and start nothing. */
export const FORGERY_KINDS = [
  'wrong-secret',
  'body-changed-after-signing',
  'signature-of-another-body',
  'missing-signature',
  'malformed-signature',
  'sha1-only',
  'empty-secret',
  'truncated-signature',
] as const;
export type ForgeryKind = (typeof FORGERY_KINDS)[number];

export interface Push {
  index: number;
  pipeline: 'retail-bank' | 'microblog';
  commitSha: string;
  deliveryId: string;
  /** The execution the webhook must start (and name on every redelivery). */
  executionName: string;
  delivery: SignedDelivery;
}

export type BurstItem =
  | { kind: 'genuine'; push: Push; delivery: SignedDelivery }
  | { kind: 'forged'; push: Push; forgery: ForgeryKind; delivery: SignedDelivery };

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same burst. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/** `uuid`-shaped delivery id, deterministic per index. */
const deliveryIdFor = (index: number) => {
  const h = hex(`delivery-${index}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** One distinct push: alternating apps and body encodings. */
export function makePush(index: number, secret: string): Push {
  const pipeline = index % 2 === 0 ? 'retail-bank' : 'microblog';
  const commitSha = hex(`commit-${index}`, 40);
  const deliveryId = deliveryIdFor(index);
  const delivery = signDelivery(`push-${pipeline}-main`, {
    secret,
    sha: commitSha,
    deliveryId,
    message: `Change ${index}: "quotes", $(subshell) and \`backticks\``,
    encoding: index % 4 === 3 ? 'form' : 'json',
  });
  return {
    index,
    pipeline,
    commitSha,
    deliveryId,
    executionName: executionName(pipeline, commitSha, deliveryId),
    delivery,
  };
}

const withHeaders = (
  delivery: SignedDelivery,
  edit: (headers: Record<string, string>) => void,
): SignedDelivery => {
  const headers = { ...delivery.headers };
  edit(headers);
  return { headers, body: delivery.body };
};

/** A forged variant of a push's delivery. `other` is another push (for replayed signatures). */
export function forge(push: Push, other: Push, kind: ForgeryKind, secret: string): SignedDelivery {
  const genuine = push.delivery;
  switch (kind) {
    case 'wrong-secret':
      return signDelivery(`push-${push.pipeline}-main`, {
        secret: `${secret}-guess`,
        sha: push.commitSha,
        deliveryId: push.deliveryId,
      });
    case 'body-changed-after-signing': {
      // A new commit sha in the body under the genuine signature: accepted, it would start an extra execution.
      const body = genuine.body.replace(push.commitSha, hex(`forged-${push.index}`, 40));
      return { headers: { ...genuine.headers }, body };
    }
    case 'signature-of-another-body':
      return withHeaders(
        genuine,
        (h) => (h['X-Hub-Signature-256'] = other.delivery.headers['X-Hub-Signature-256']!),
      );
    case 'missing-signature':
      return withHeaders(genuine, (h) => {
        delete h['X-Hub-Signature-256'];
        delete h['X-Hub-Signature'];
      });
    case 'malformed-signature':
      return withHeaders(genuine, (h) => (h['X-Hub-Signature-256'] = `sha256=${'z'.repeat(64)}`));
    case 'sha1-only':
      return withHeaders(genuine, (h) => delete h['X-Hub-Signature-256']);
    case 'empty-secret':
      return withHeaders(genuine, (h) => (h['X-Hub-Signature-256'] = signatureFor('', genuine.body)));
    case 'truncated-signature':
      return withHeaders(genuine, (h) => (h['X-Hub-Signature-256'] = h['X-Hub-Signature-256']!.slice(0, 40)));
  }
}

export interface BurstPlan {
  pushes: Push[];
  items: BurstItem[];
}

/**
 * `pushes` distinct pushes, `total` deliveries: `forgedShare` of them forged (spread over the
 * pushes and forgery kinds), the rest genuine deliveries and redeliveries, shuffled.
 */
export function planBurst(options: {
  pushes: number;
  total: number;
  forgedShare: number;
  secret: string;
  seed: number;
}): BurstPlan {
  const { total, secret } = options;
  const random = seeded(options.seed);
  const pushes = Array.from({ length: options.pushes }, (_, i) => makePush(i, secret));
  const forged = Math.round(total * options.forgedShare);
  const genuine = total - forged;
  if (genuine < pushes.length) throw new RangeError('every push needs at least one genuine delivery');
  const items: BurstItem[] = [];
  for (let i = 0; i < genuine; i++) {
    const push = pushes[i % pushes.length]!;
    items.push({ kind: 'genuine', push, delivery: push.delivery });
  }
  for (let i = 0; i < forged; i++) {
    const push = pushes[i % pushes.length]!;
    const other = pushes[(i + 1) % pushes.length]!;
    const forgery = FORGERY_KINDS[i % FORGERY_KINDS.length]!;
    items.push({ kind: 'forged', push, forgery, delivery: forge(push, other, forgery, secret) });
  }
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return { pushes, items };
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in item order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
