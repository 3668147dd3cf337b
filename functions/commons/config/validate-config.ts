/**
 * Validation of an already-parsed pipelines document: zod only, no file or YAML access, so Lambda
 * bundles that receive the configuration inlined stay small.
 */
import type { z } from 'zod';
import { ConfigError, formatPath } from './config-error';
import { cutText } from '../text';
import { configSchema, type PipelinesConfig } from './schema';

export { ConfigError, findPipeline, formatPath } from './config-error';

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return cutText(text, 60, { ellipsis: '...' });
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
