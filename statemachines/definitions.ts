/**
 * The ASL files in this folder and the values that fill their `${Placeholder}`s. The CDK stack
 * passes `pipelineSubstitutions(...)` as `definitionSubstitutions`; the local sandbox and the tests
 * call `renderDefinition(...)` with the same record, so the very same files deploy and run locally.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployTarget, PipelineSettings } from '../functions/commons/config/schema';
import { pascalCase, type StateMachineDefinition } from '../functions/commons/manifest';
import { functionsInvokedBy, TASK_FUNCTIONS, type TaskFunctionName } from '../functions/manifest';

export { TASK_FUNCTIONS, type TaskFunctionName } from '../functions/manifest';

/** The state machine files: one pipeline per configured pipeline, one deploy sub-workflow per target kind. */
export const DEFINITION_FILES = {
  pipeline: 'pipeline.asl.json',
  'deploy-beanstalk': 'deploy-beanstalk.asl.json',
  'deploy-ssm': 'deploy-ssm.asl.json',
} as const satisfies Record<StateMachineDefinition, string>;
export type DefinitionName = keyof typeof DEFINITION_FILES;
export type TargetKind = DeployTarget['kind'];

/** The deploy sub-workflow that serves a target kind. */
export const DEPLOY_DEFINITION: Record<TargetKind, DefinitionName> = {
  'elastic-beanstalk': 'deploy-beanstalk',
  'ec2-ssm': 'deploy-ssm',
};

/**
 * `deploy-lock` -> `DeployLockFunctionArn`: the placeholder of a task function's ARN. Which
 * definitions invoke which function is declared in the functions' manifests (`invokedBy`).
 */
export function functionArnPlaceholder(name: string): string {
  return `${pascalCase(name)}FunctionArn`;
}

/** Placeholder values for the ARNs of the functions the given definitions invoke. */
function functionArnValues(
  functions: readonly TaskFunctionName[],
  resources: Pick<PipelineResources, 'functionArn'>,
): Record<string, string> {
  return Object.fromEntries(
    functions.map((name) => [functionArnPlaceholder(name), resources.functionArn(name)]),
  );
}

/** What the caller (CDK stack or local sandbox) knows about the deployed resources. */
export interface PipelineResources {
  functionArn(name: TaskFunctionName): string;
  buildProjectName: string;
  scanProjectName: string;
  artifactsBucket: string;
  deployStateMachineArn(kind: TargetKind): string;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
/** Characters that would break the JSON string or the '...' literal of an intrinsic function. */
const UNSAFE_VALUE = /["'\\]|\p{Cc}/u;

/** The raw text of a definition file, placeholders and all. */
export function loadDefinition(name: DefinitionName): string {
  return readFileSync(join(__dirname, DEFINITION_FILES[name]), 'utf8');
}

/** Every distinct placeholder name in a definition text, in order of first use. */
export function placeholdersIn(definitionText: string): string[] {
  return [...new Set([...definitionText.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills `${Name}` placeholders. Throws one error naming every placeholder that is malformed or has
 * no value, and every value that cannot be placed inside a JSON string or an intrinsic '...' literal.
 */
export function substitute(definitionText: string, values: Readonly<Record<string, string>>): string {
  const names = placeholdersIn(definitionText);
  const malformed = names.filter((n) => !NAME.test(n));
  const missing = names.filter((n) => NAME.test(n) && !Object.hasOwn(values, n));
  const unsafe = names.filter((n) => Object.hasOwn(values, n) && UNSAFE_VALUE.test(values[n]!));
  const problems = [
    ...(malformed.length ? [`malformed placeholder(s): ${malformed.map((n) => `\${${n}}`).join(', ')}`] : []),
    ...(missing.length ? [`no value for: ${missing.join(', ')}`] : []),
    ...(unsafe.length
      ? [`value must not contain quotes, backslashes or control characters: ${unsafe.join(', ')}`]
      : []),
  ];
  if (problems.length) throw new Error(`Cannot fill the state machine definition: ${problems.join('; ')}`);
  return definitionText.replace(PLACEHOLDER, (_, name: string) => values[name]!);
}

/** A definition with its placeholders filled, parsed. */
export function renderDefinition(
  name: DefinitionName,
  values: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return JSON.parse(substitute(loadDefinition(name), values)) as Record<string, unknown>;
}

/** Values for the deploy sub-workflows (shared by all pipelines of a kind): the functions they invoke. */
export function deploySubstitutions(
  resources: Pick<PipelineResources, 'functionArn'>,
): Record<string, string> {
  return functionArnValues(
    [...functionsInvokedBy('deploy-beanstalk'), ...functionsInvokedBy('deploy-ssm')],
    resources,
  );
}

/** Seconds the Deploy task may take: the canary's evaluation on top of an hour for versions, updates and rollback. */
function deployTimeoutSeconds(target: DeployTarget): number {
  return target.kind === 'elastic-beanstalk' ? (60 + target.canary.evaluationMinutes) * 60 : 60 * 60;
}

/** Every placeholder value of the pipeline state machine of `settings` (and of the deploy sub-workflows). */
export function pipelineSubstitutions(
  settings: PipelineSettings,
  resources: PipelineResources,
): Record<string, string> {
  return {
    ...functionArnValues(TASK_FUNCTIONS, resources),
    PipelineName: settings.name,
    TargetKind: settings.target.kind,
    ArtifactsBucket: resources.artifactsBucket,
    ArtifactFileName: settings.target.kind === 'elastic-beanstalk' ? 'app.zip' : 'release.tar.gz',
    BuildProjectName: resources.buildProjectName,
    ScanProjectName: resources.scanProjectName,
    PythonVersion: settings.build.pythonVersion,
    RequirementsFile: settings.build.requirementsFile,
    TestPath: settings.build.testPath,
    ScanFailOn: settings.scan.failOn,
    BuildTimeoutMinutes: String(settings.build.timeoutMinutes),
    // The task waits for queueing and provisioning on top of the build's own timeout.
    BuildTaskTimeoutSeconds: String((settings.build.timeoutMinutes + 15) * 60),
    ScanTimeoutMinutes: String(settings.scan.timeoutMinutes),
    ScanTaskTimeoutSeconds: String((settings.scan.timeoutMinutes + 15) * 60),
    ApprovalRequired: String(settings.approval.required),
    ApprovalTimeoutSeconds: String(settings.approval.timeoutMinutes * 60),
    DeployTimeoutSeconds: String(deployTimeoutSeconds(settings.target)),
    DeployStateMachineArn: resources.deployStateMachineArn(settings.target.kind),
  };
}
