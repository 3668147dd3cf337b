/**
 * Webhook warm path under autocannon on loopback: the webhook's plain handler behind node:http
 * (signature check, parsing, routing, StartExecution against an in-memory Step Functions) against
 * a bare node:http server that only checks the HMAC. Two warm paths that grow no state: a
 * redelivered push (StartExecution answers ExecutionAlreadyExists) and a push to an ignored branch.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { signDelivery, type SignedDelivery } from '../events/sign-delivery';
import { MemoryStepFunctions } from './support/memory-sfn';
import { startWebhookServer } from './support/webhook-server';
import type { BenchTable } from './table';

const SECRET = 'bench-webhook-secret-0c3a';
export const CONNECTIONS = 20;
export const DURATION_SECONDS = 8;
export const WARMUP_SECONDS = 2;
/**
 * Each row's measured seconds are split into ROUNDS slices taken in turn (bare, duplicate,
 * ignored, bare, ...): load from other processes then falls on every row alike, and each ratio is
 * the median of the per-round ratios.
 */
export const ROUNDS = 4;

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships no types; a non-literal specifier keeps the compiler from asking for them.
const AUTOCANNON = 'autocannon';
const loadAutocannon = async () => ((await import(AUTOCANNON)) as { default: Autocannon }).default;

/** The baseline: read the body, HMAC-SHA256 it, compare in constant time, answer 202. */
async function startBareServer(secret: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(Buffer.concat(chunks)).digest('hex')}`,
      );
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"status":"accepted"}' : '{"error":"invalid signature"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/github`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function load(
  autocannon: Autocannon,
  url: string,
  delivery: SignedDelivery,
  seconds: number,
): Promise<AutocannonResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.errors || result.timeouts)
    throw new Error(`autocannon saw ${result.errors} errors and ${result.timeouts} timeouts against ${url}`);
  return result;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One row's rounds merged: summed requests, mean of the means, worst p99, median p50. */
function merge(rounds: AutocannonResult[]): AutocannonResult {
  return {
    latency: {
      p50: median(rounds.map((r) => r.latency.p50)),
      p99: Math.max(...rounds.map((r) => r.latency.p99)),
      average: rounds.reduce((n, r) => n + r.latency.average, 0) / rounds.length,
    },
    requests: {
      average: rounds.reduce((n, r) => n + r.requests.average, 0) / rounds.length,
      total: rounds.reduce((n, r) => n + r.requests.total, 0),
    },
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: 0,
    timeouts: 0,
  };
}

export async function run(): Promise<BenchTable[]> {
  const autocannon = await loadAutocannon();
  const sfn = new MemoryStepFunctions();
  const webhook = await startWebhookServer({ sfn: sfn.client(), secret: SECRET });
  const bare = await startBareServer(SECRET);
  try {
    const duplicate = signDelivery('push-retail-bank-main', {
      secret: SECRET,
      deliveryId: 'bench-redelivered-0001',
    });
    const ignored = signDelivery('push-feature-branch', { secret: SECRET, deliveryId: 'bench-ignored-0001' });
    // The first delivery starts the one execution every later request finds.
    const first = await fetch(webhook.url, {
      method: 'POST',
      headers: duplicate.headers,
      body: duplicate.body,
    });
    if (first.status !== 202) throw new Error(`the first delivery was answered ${first.status}`);

    const targets = [
      { url: bare.url, delivery: duplicate },
      { url: webhook.url, delivery: duplicate },
      { url: webhook.url, delivery: ignored },
    ];
    for (const t of targets) await load(autocannon, t.url, t.delivery, WARMUP_SECONDS);
    const rounds: AutocannonResult[][] = targets.map(() => []);
    for (let round = 0; round < ROUNDS; round++)
      for (const [i, t] of targets.entries())
        rounds[i]!.push(await load(autocannon, t.url, t.delivery, DURATION_SECONDS / ROUNDS));
    const [baseline, duplicates, ignores] = rounds.map(merge) as [
      AutocannonResult,
      AutocannonResult,
      AutocannonResult,
    ];
    /** Median over the rounds of (webhook req/s / bare req/s in the same round). */
    const ratio = (row: number) =>
      Math.round(
        100 * median(rounds[row]!.map((r, k) => r.requests.average / rounds[0]![k]!.requests.average)),
      ) / 100;
    const rows: (string | number)[][] = [];
    const row = (name: string, r: AutocannonResult, index: number) =>
      rows.push([
        name,
        r.latency.p50.toFixed(2),
        r.latency.p99.toFixed(2),
        r.latency.average.toFixed(2),
        Math.round(r.requests.average),
        r.requests.total,
        r.non2xx,
        index ? `${ratio(index).toFixed(2)}x` : '1.00x',
        index ? `${(r.latency.average / Math.max(baseline.latency.average, 0.001)).toFixed(2)}x` : '1.00x',
      ]);
    row('bare node:http, HMAC check only (baseline)', baseline, 0);
    row('webhook: redelivered push (duplicate)', duplicates, 1);
    row('webhook: push to an ignored branch', ignores, 2);
    if (sfn.executions.size !== 1)
      throw new Error(`the warm path started ${sfn.executions.size} executions, expected 1`);

    return [
      {
        title: 'Webhook warm path on loopback (autocannon): latency and throughput vs a bare HMAC server',
        columns: [
          'server',
          'p50 ms',
          'p99 ms',
          'mean ms',
          'req/s',
          'requests',
          'non-2xx',
          'req/s vs bare',
          'mean latency vs bare',
        ],
        rows,
        notes: [
          `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, then ${DURATION_SECONDS} s per row measured in ${ROUNDS} rounds taken in turn; req/s vs bare is the median of the per-round ratios. Client and servers share one Node ${process.version} process on 127.0.0.1 (load average ${loadavg()[0]!.toFixed(1)}).`,
          'Webhook: signature (octokit, constant time), strict UTF-8, JSON parse, routing, StartExecution on an in-memory Step Functions (no network), JSON answer; Powertools logger at SILENT.',
          'autocannon reports p50/p99 in whole milliseconds; the latency ratio uses the mean, which it reports exactly.',
          `Duplicate path: every request is a redelivery of one push (${sfn.counts.calls} StartExecution calls, 1 execution). Baseline: body read + HMAC-SHA256 + timingSafeEqual only.`,
        ],
        summary: { warmRatioDuplicate: ratio(1), warmRatioIgnored: ratio(2) },
      },
    ];
  } finally {
    await webhook.close();
    await bare.close();
  }
}
