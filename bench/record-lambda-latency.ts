/**
 * `npm run bench:record-lambda`: measures the per-function figures the overhead model charges and
 * writes bench/model/lambda-latency.json (checked in, so `npm run bench` gives the same modelled
 * figures on every machine). Function init: the median CPU time of RUNS `require`s of the deployed
 * bundle in fresh Node processes (bundles.bench.ts `requireCpuMs`; wall time moves with the load). Handler time: the median real duration of that function's
 * invocations in sandbox scenarios (its AWS calls answered by the local endpoint).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../local/sandbox';
import { runScenario } from '../local/scenarios';
import { buildBundle, listFunctions } from './build-bundle';
import { requireCpuMs } from './bundles.bench';
import { LAMBDA_LATENCY_FILE, type FunctionLatency } from './model/latency';

const SCENARIOS = ['happy', 'verify-fails', 'approval-rejected', 'ssm-instance-fails'];
/** Fresh processes per bundle for the init figure. */
const RUNS = 9;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function handlerTimes(): Promise<Map<string, number[]>> {
  const sandbox = await startSandbox({
    sandboxPort: 0,
    port: 0,
    speedup: 300,
    log: false,
    random: () => 0.5,
  });
  try {
    for (const name of SCENARIOS) {
      await sandbox.reset();
      await runScenario(sandbox, name);
    }
    const times = new Map<string, number[]>();
    for (const { functionName, realMs } of sandbox.lambda.invocations)
      times.set(functionName, [...(times.get(functionName) ?? []), realMs]);
    return times;
  } finally {
    await sandbox.stop();
  }
}

async function main(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'lambda-latency-'));
  const functions: Record<string, FunctionLatency & { handlerSamples: number }> = {};
  try {
    const handlers = await handlerTimes();
    const all = [...handlers.values()].flat();
    for (const name of listFunctions()) {
      const bundle = await buildBundle(name, 'deployed', outdir);
      const init = median(Array.from({ length: RUNS }, () => requireCpuMs(bundle.file)));
      const samples = handlers.get(name) ?? [];
      functions[name] = {
        initMs: Math.max(0, Math.round(init)),
        // A function no scenario invoked is charged the median of all handlers.
        handlerMs: Math.round(median(samples.length ? samples : all)),
        handlerSamples: samples.length,
      };
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const recordedAt = new Date().toISOString().slice(0, 10);
  writeFileSync(
    LAMBDA_LATENCY_FILE,
    `${JSON.stringify({ recordedAt, node: process.version, functions }, null, 2)}\n`,
  );
  console.log(`written: bench/model/lambda-latency.json`);
  console.table(functions);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
