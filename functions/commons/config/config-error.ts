/**
 * The error every configuration problem becomes, and the lookup of one pipeline. No zod, no YAML:
 * Lambda bundles import this without the validator.
 */
import type { PipelineSettings, PipelinesConfig } from './schema';

/** A configuration that cannot be used; `problems` holds one line per broken rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/** `pipelines[1].target.canary.percent` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    '',
  );
}

/** One pipeline by name, or a ConfigError naming the ones that exist. */
export function findPipeline(config: PipelinesConfig, name: string): PipelineSettings {
  const pipeline = config.pipelines.find((p) => p.name === name);
  if (!pipeline) {
    throw new ConfigError('pipelines.yaml', [
      `no pipeline named "${name}"; known: ${config.pipelines.map((p) => p.name).join(', ')}`,
    ]);
  }
  return pipeline;
}
