/**
 * Reads a pipeline execution's output (PipelineOutput in types/tasks.ts), the one shape the
 * pipeline's "Report deployed" and "Report superseded" states produce. Every consumer (notifier,
 * deployctl, scenarios) reads it here, so none of them depends on the working state of the run.
 */
import type { PipelineOutput } from './types/tasks';

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/** The output as PipelineOutput, or null when it is missing, not JSON or not of that shape. */
export function readPipelineOutput(json: string | null | undefined): PipelineOutput | null {
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const output = value as Record<string, unknown>;
  const pipeline = text(output.pipeline);
  const commitSha = text(output.commitSha);
  if (!pipeline || !commitSha) return null;
  if (output.outcome === 'superseded') {
    return {
      outcome: 'superseded',
      pipeline,
      commitSha,
      supersededBy: text(output.supersededBy) ?? '',
      supersededByCommitSha: text(output.supersededByCommitSha),
      reason: text(output.reason) ?? 'a newer commit took over the target',
    };
  }
  if (output.outcome === 'deployed') {
    const deployed = (output.deployed ?? {}) as Record<string, unknown>;
    return {
      outcome: 'deployed',
      pipeline,
      commitSha,
      deployed: {
        versionLabel: text(deployed.versionLabel),
        previousVersionLabel: text(deployed.previousVersionLabel),
        instanceIds: Array.isArray(deployed.instanceIds)
          ? deployed.instanceIds.filter((id): id is string => typeof id === 'string')
          : [],
      },
    };
  }
  return null;
}
