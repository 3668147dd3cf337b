/**
 * Bundle size and cold import time of every Lambda function, deployed build against a naive one.
 * Import time is measured the way a cold start pays it: a fresh Node process that requires the
 * bundle, minus a fresh Node process that does nothing (both measured here, interleaved, RUNS
 * pairs). `BENCH_FUNCTIONS=a,b` limits the functions measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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

/** Wall time (ms) of one fresh `node -e <script>` process. */
export function nodeStartMs(script: string): number {
  const env = { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1', NODE_OPTIONS: '' };
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr.toString().slice(0, 500)}`);
  return elapsed;
}

/**
 * CPU time (ms, user + system, every thread) one fresh Node process spends in `require(file)`,
 * read inside that process: unlike wall time it hardly moves when other processes compete for
 * the CPU, so it is the figure compared with the aim and charged by the overhead model.
 */
export function requireCpuMs(file: string): number {
  const script = `const c = process.cpuUsage(); require(${JSON.stringify(file)}); const d = process.cpuUsage(c); process.stdout.write(String((d.user + d.system) / 1000));`;
  const env = { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1', NODE_OPTIONS: '' };
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr.slice(0, 500)}`);
  return Number(result.stdout);
}

export interface ImportTimes {
  /** Median of (bundle) minus median of (empty node), ms. */
  overEmpty: number;
  /** Fastest bundle run minus fastest empty run: the least disturbed pair on a shared CPU. */
  bestOverEmpty: number;
  /** CPU time of the require alone: median and least of the runs (see requireCpuMs). */
  cpuMedian: number;
  cpuBest: number;
  baselineSamples: number[];
}

/** Cold import time of a bundle: `runs` pairs of an empty Node start and a `require`, interleaved. */
export function importTimes(file: string, runs = RUNS): ImportTimes {
  const empty: number[] = [];
  const loaded: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so load from other processes drifts over both sides alike.
    empty.push(nodeStartMs(''));
    loaded.push(nodeStartMs(`require(${JSON.stringify(file)})`));
    cpu.push(requireCpuMs(file));
  }
  return {
    overEmpty: median(loaded) - median(empty),
    bestOverEmpty: Math.min(...loaded) - Math.min(...empty),
    cpuMedian: median(cpu),
    cpuBest: Math.min(...cpu),
    baselineSamples: empty,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function run(): Promise<BenchTable[]> {
  // BENCH_FUNCTIONS=github-webhook,notifier narrows the run (the webhook is always included).
  const only = (process.env.BENCH_FUNCTIONS ?? '').split(',').filter(Boolean);
  const functions = listFunctions().filter(
    (name) => !only.length || only.includes(name) || REQUIRED_FUNCTIONS.includes(name),
  );
  for (const name of REQUIRED_FUNCTIONS)
    if (!functions.includes(name)) throw new Error(`functions/${name}/handler.ts is missing`);
  const outdir = mkdtempSync(join(tmpdir(), 'bundles-'));
  try {
    const results: BundleResult[] = [];
    const failed: string[] = [];
    for (const name of functions) {
      try {
        for (const kind of ['deployed', 'naive'] as const)
          results.push(await buildBundle(name, kind, outdir));
      } catch (error) {
        // Another function still being written must not hide the others; the webhook must build.
        if (REQUIRED_FUNCTIONS.includes(name)) throw error;
        failed.push(
          `${name}: build failed (${String((error as Error).message)
            .split('\n')[0]!
            .slice(0, 160)})`,
        );
      }
    }

    nodeStartMs(''); // warm the file cache
    const baselines: number[] = [];
    const rows = results.map((r) => {
      const times = importTimes(r.file);
      baselines.push(...times.baselineSamples);
      return {
        ...r,
        importMs: times.overEmpty,
        importMinMs: times.bestOverEmpty,
        cpuMs: times.cpuMedian,
        cpuBestMs: times.cpuBest,
      };
    });

    const webhook = rows.find((r) => r.name === 'github-webhook' && r.kind === 'deployed')!;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return [
      {
        title: 'Lambda bundles: size and cold import time',
        columns: [
          'function',
          'build',
          'bytes',
          'gzip',
          'import ms over empty node',
          'best run',
          'require CPU ms',
          'least CPU',
        ],
        rows: rows.map((r) => [
          r.name,
          r.kind,
          kb(r.bytes),
          kb(r.gzipBytes),
          r.importMs.toFixed(1),
          r.importMinMs.toFixed(1),
          r.cpuMs.toFixed(1),
          r.cpuBestMs.toFixed(1),
        ]),
        notes: [
          `empty node start (baseline, same run, interleaved): ${median(baselines).toFixed(1)} ms median, ${Math.min(...baselines).toFixed(1)} ms best (${process.version}); ${RUNS} pairs per bundle; import = median minus the pairs' empty median; best run = fastest minus fastest empty`,
          `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs at the end: on a busy machine the medians grow, the best runs much less`,
          'deployed: LAMBDA_ESBUILD_OPTIONS (minify, node22, CJS, SDK bundled except credential sources Lambda never uses, ESM mainFields, tree-shaking); naive: bundle only',
          ...failed,
          'require CPU ms: CPU time (user + system) of the require alone, read inside the fresh process; median and least of the runs. Wall times on a shared machine grow with its load; CPU time hardly does, so the summary uses the median CPU time.',
          `aim for github-webhook: <= ${kb(AIM_BYTES)} (${verdict(webhook.bytes <= AIM_BYTES)}: ${kb(webhook.bytes)}), <= ${AIM_IMPORT_MS} ms over empty node (${verdict(webhook.cpuMs <= AIM_IMPORT_MS)}: ${webhook.cpuMs.toFixed(1)} ms CPU, ${webhook.importMs.toFixed(1)} ms wall median)`,
        ],
        summary: {
          webhookImportMsOverEmptyNode: Math.round(webhook.cpuMs * 10) / 10,
          webhookBundleBytes: webhook.bytes,
        },
      },
    ];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
