/**
 * Synthesizes the app offline for the infra tests: the real pipelines.yaml, the context of
 * cdk.json (same feature flags as `npx cdk synth`), a throwaway output directory, no credentials
 * (env-agnostic stacks), esbuild bundling locally. Each test file synthesizes once in beforeAll.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../../functions/commons/config/load-config';
import type { PipelinesConfig } from '../../../functions/commons/config/schema';
import { buildApp, type BuiltApp } from '../../../infra/build-app';

export const ROOT = resolve(__dirname, '../../..');

/** The context block of cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
}

export interface Synthesized extends BuiltApp {
  config: PipelinesConfig;
  outdir: string;
  template: Template;
  cleanup(): void;
}

/** Builds and synthesizes the app; nag runs separately (tests call the packs for a readable report). */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const config = loadConfig();
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  // No credentials or profile may leak into the synth.
  for (const key of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[key];
  const built = buildApp({
    config,
    nag: false,
    appProps: { outdir, context: { ...cdkJsonContext(), ...context } },
  });
  const template = Template.fromStack(built.controller);
  return {
    ...built,
    config,
    outdir,
    template,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Resources of one type as [logicalId, properties] pairs. */
export function resourcesOf(template: Template, type: string): [string, Record<string, any>][] {
  return Object.entries(template.findResources(type)).map(([id, r]) => [
    id,
    (r as { Properties: Record<string, any> }).Properties ?? {},
  ]);
}

/** Every IAM statement of the template, with the logical id of its policy or role. */
export function iamStatements(template: Template): { owner: string; statement: Record<string, any> }[] {
  const out: { owner: string; statement: Record<string, any> }[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'])
    for (const [id, props] of resourcesOf(template, type)) {
      for (const statement of props.PolicyDocument.Statement) out.push({ owner: id, statement });
    }
  for (const [id, props] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const policy of props.Policies ?? [])
      for (const statement of policy.PolicyDocument.Statement) out.push({ owner: id, statement });
  }
  return out;
}

/** A value that may be a string or a list, as a list. */
export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
