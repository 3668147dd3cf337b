/**
 * The names each project's buildspec lists under `env.exported-variables` ("Build specification
 * reference for CodeBuild"): the same files CDK deploys (infra/constructs/build-projects.ts), read
 * once, so the sandbox exports exactly what the real projects would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ProjectKind } from './model';

const BUILDSPECS: Record<ProjectKind, string> = {
  build: 'build-and-test.yml',
  scan: 'dependency-scan.yml',
};

let cached: Record<ProjectKind, readonly string[]> | undefined;

/** `env.exported-variables` of a buildspec's text; [] when it declares none. */
export function exportedVariablesOf(buildspec: string): string[] {
  const spec = parse(buildspec) as { env?: { 'exported-variables'?: unknown } } | null;
  const names = spec?.env?.['exported-variables'];
  if (names === undefined) return [];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    throw new Error('env.exported-variables must be a list of variable names');
  return names as string[];
}

/** Build kind -> exported variable names, from buildspecs/. */
export function exportedVariableNames(): Record<ProjectKind, readonly string[]> {
  cached ??= {
    build: exportedVariablesOf(
      readFileSync(join(__dirname, '../../../buildspecs', BUILDSPECS.build), 'utf8'),
    ),
    scan: exportedVariablesOf(readFileSync(join(__dirname, '../../../buildspecs', BUILDSPECS.scan), 'utf8')),
  };
  return cached;
}
