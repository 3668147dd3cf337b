/**
 * Loads and validates `pipelines.yaml`. The same loader feeds `cdk synth`, the local sandbox
 * and the tests, so a mistake is caught before anything is deployed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type PipelineSettings, type PipelinesConfig } from './schema';

/** Where the configuration lives unless `PIPELINES_FILE` says otherwise. */
export const DEFAULT_CONFIG_PATH = resolve(__dirname, '../../../pipelines.yaml');

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

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value at the issue's path; a discriminated union reports its whole object, so pick the key. */
function offendingValue(issue: z.core.$ZodIssue): unknown {
  const input = 'input' in issue ? issue.input : undefined;
  const last = issue.path.at(-1);
  if (
    issue.code === 'invalid_union' &&
    typeof last === 'string' &&
    input &&
    typeof input === 'object' &&
    last in input
  ) {
    return (input as Record<string, unknown>)[last];
  }
  return input;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path) || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove it or check its spelling`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `${where}: required field is missing`;
  const got = describeValue(offendingValue(issue));
  return `${where} = ${got}: ${issue.message}`;
}

/** Validates an already-parsed document; throws ConfigError listing every problem. */
export function parseConfig(document: unknown, source = 'pipelines.yaml'): PipelinesConfig {
  const result = configSchema.safeParse(document, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.map(describeIssue));
  return result.data;
}

/** Parses YAML text and validates it. */
export function parseConfigText(text: string, source = 'pipelines.yaml'): PipelinesConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`], {
      cause: error,
    });
  }
  return parseConfig(document, source);
}

/** Reads the configuration file (default: `PIPELINES_FILE`, then the repository's pipelines.yaml). */
export function loadConfig(path = process.env.PIPELINES_FILE ?? DEFAULT_CONFIG_PATH): PipelinesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      path,
      [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`],
      { cause: error },
    );
  }
  return parseConfigText(text, path);
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
