/**
 * Bundle size and cold import time of every Lambda function, deployed build against a naive one.
 * Import time is measured the way a cold start pays it: a fresh Node process that requires the
 * bundle, minus a fresh Node process that does nothing (both measured here, median of RUNS).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, listFunctions, type BundleResult } from './build-bundle';
import type { BenchTable } from './table';

/** Required: the webhook is on GitHub's 10 s clock, so its cold start matters most. */
export const REQUIRED_FUNCTIONS = ['github-webhook'];
export const RUNS = 15;
/** Aims for the webhook's deployed bundle. */
export const AIM_BYTES = 350 * 1024;
export const AIM_IMPORT_MS = 45;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Median wall time (ms) of `node -e <script>` over `runs` fresh processes. */
export function nodeStartMs(script: string, runs = RUNS): number {
  const env = { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1', NODE_OPTIONS: '' };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr.toString().slice(0, 500)}`);
    times.push(elapsed);
  }
  return median(times);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function run(): Promise<BenchTable[]> {
  const functions = listFunctions();
  for (const name of REQUIRED_FUNCTIONS) if (!functions.includes(name)) throw new Error(`functions/${name}/handler.ts is missing`);
  const outdir = mkdtempSync(join(tmpdir(), 'bundles-'));
  try {
    const results: BundleResult[] = [];
    const failed: string[] = [];
    for (const name of functions) {
      try {
        for (const kind of ['deployed', 'naive'] as const) results.push(await buildBundle(name, kind, outdir));
      } catch (error) {
        // Another function still being written must not hide the others; the webhook must build.
        if (REQUIRED_FUNCTIONS.includes(name)) throw error;
        failed.push(`${name}: build failed (${String((error as Error).message).split('\n')[0]!.slice(0, 160)})`);
      }
    }

    // Warm the file cache once, then interleave so drift hits both sides alike.
    nodeStartMs('', 3);
    const baseline = nodeStartMs('');
    const rows = results.map((r) => {
      const importMs = nodeStartMs(`require(${JSON.stringify(r.file)})`) - baseline;
      return { ...r, importMs };
    });

    const webhook = rows.find((r) => r.name === 'github-webhook' && r.kind === 'deployed')!;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return [
      {
        title: 'Lambda bundles: size and cold import time',
        columns: ['function', 'build', 'bytes', 'gzip', 'import ms over empty node'],
        rows: rows.map((r) => [r.name, r.kind, kb(r.bytes), kb(r.gzipBytes), r.importMs.toFixed(1)]),
        notes: [
          `empty node start (baseline, same run): ${baseline.toFixed(1)} ms; median of ${RUNS} fresh processes each (${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end)`,
          'deployed: LAMBDA_ESBUILD_OPTIONS (minify, node22, CJS, SDK bundled except credential sources Lambda never uses, ESM mainFields, tree-shaking); naive: bundle only',
          ...failed,
          `aim for github-webhook: <= ${kb(AIM_BYTES)} (${verdict(webhook.bytes <= AIM_BYTES)}: ${kb(webhook.bytes)}), <= ${AIM_IMPORT_MS} ms over empty node (${verdict(webhook.importMs <= AIM_IMPORT_MS)}: ${webhook.importMs.toFixed(1)} ms)`,
        ],
      },
    ];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
