/**
 * Produces the notifier's sample of a superseded run from a real one: the sandbox plays the
 * `superseded` scenario on the real pipeline state machine, and the "Step Functions Execution
 * Status Change" event the notifier received for the superseded run is returned, with the random
 * parts (commit shas, delivery ids, execution names, event id) replaced by stable ones so the
 * checked-in file only changes when the state machine's output does.
 */
import { readPipelineOutput } from '../functions/commons/pipeline-output';
import { startSandbox, type Sandbox } from '../local/sandbox';
import { runScenario } from '../local/scenarios';

/** Stable stand-ins, in the order the random values first appear. */
const STABLE_SHAS = [
  '9b1e4c7a2d5f8e0b3a6c9d2e5f8a1b4c7d0e3f6a',
  '4e8a1c0d7b2f5e9a3c6d0f1b4e7a2c5d8f0b3e6a',
  '2c7f0a3d6e9b1c4f7a0d3e6b9c2f5a8d1e4b7c0f',
  '7d0a3e6b9c2f5a8d1e4b7c0f3a6d9e2b5c8f1a4d',
];

function stabilise(text: string): string {
  const shas = new Map<string, string>();
  for (const sha of text.match(/\b[0-9a-f]{40}\b/g) ?? [])
    if (!shas.has(sha)) shas.set(sha, STABLE_SHAS[shas.size % STABLE_SHAS.length]!);
  // Short forms (sha12 in names and reasons) follow their full sha.
  const short = new Map([...shas].map(([sha, stable]) => [sha.slice(0, 12), stable.slice(0, 12)]));
  const names = new Map<string, string>();
  const uuids = new Map<string, string>();
  return text
    .replace(/\b[0-9a-f]{40}\b/g, (sha) => shas.get(sha)!)
    .replace(/\b[0-9a-f]{12}\b/g, (sha12) => short.get(sha12) ?? sha12)
    .replace(/(microblog-[0-9a-f]{12})-([0-9a-f]{16})\b/g, (_m, head: string, hash: string) => {
      if (!names.has(hash)) names.set(hash, `${String(names.size + 1).padStart(4, '0')}5f2e84a7c3d1`);
      return `${head}-${names.get(hash)!}`;
    })
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (uuid) => {
      if (!uuids.has(uuid))
        uuids.set(uuid, `c41d9e70-16f5-41f1-9a2b-${String(uuids.size + 1).padStart(12, '0')}`);
      return uuids.get(uuid)!;
    });
}

/** Plays the scenario and returns the status event of its superseded run (as EventBridge sent it). */
export async function supersededStatusEvent(existing?: Sandbox): Promise<Record<string, unknown>> {
  const sandbox = existing ?? (await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false }));
  try {
    const result = await runScenario(sandbox, 'superseded');
    if (!result.matches) throw new Error(`scenario superseded differs: ${result.mismatches.join('; ')}`);
    const delivery = sandbox.statusEvents.deliveries.find((d) => {
      const detail = d.event.detail as { status?: string; output?: string | null };
      return (
        detail.status === 'SUCCEEDED' && readPipelineOutput(detail.output ?? null)?.outcome === 'superseded'
      );
    });
    if (!delivery) throw new Error('the superseded scenario produced no superseded status event');
    return JSON.parse(stabilise(JSON.stringify(delivery.event))) as Record<string, unknown>;
  } finally {
    if (!existing) await sandbox.stop();
  }
}
