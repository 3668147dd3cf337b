/**
 * Every Lambda function of the controller: one manifest per folder (`functions/<name>/manifest.ts`,
 * shape in functions/commons/manifest.ts), listed here once. The CDK stack deploys exactly these
 * (infra/constructs/functions.ts, function-wiring.ts), the state machine definitions fill one ARN
 * placeholder per function a definition invokes (statemachines/definitions.ts), and the sandbox
 * runs exactly these (local/services/lambda/runtime.ts). Adding a function: its folder with
 * `handler.ts` and `manifest.ts`, and one line below.
 */
import { manifest as approvalCallback } from './approval-callback/manifest';
import { manifest as approvalRequest } from './approval-request/manifest';
import { manifest as beanstalkDeploy } from './beanstalk-deploy/manifest';
import { manifest as deployHistory } from './deploy-history/manifest';
import { manifest as deployLock } from './deploy-lock/manifest';
import { manifest as githubWebhook } from './github-webhook/manifest';
import { manifest as healthGate } from './health-gate/manifest';
import { manifest as notifier } from './notifier/manifest';
import { manifest as ssmDeploy } from './ssm-deploy/manifest';
import { manifest as verify } from './verify/manifest';
import { manifest as waitRouter } from './wait-router/manifest';
import type { FunctionManifest, StateMachineDefinition } from './commons/manifest';

const MANIFESTS = [
  githubWebhook,
  deployLock,
  healthGate,
  beanstalkDeploy,
  ssmDeploy,
  verify,
  waitRouter,
  approvalRequest,
  approvalCallback,
  deployHistory,
  notifier,
] as const satisfies readonly FunctionManifest[];

type Manifests = (typeof MANIFESTS)[number];
type TaskManifests = Extract<
  Manifests,
  { invokedBy: readonly [StateMachineDefinition, ...StateMachineDefinition[]] }
>;

/** A function's folder name under functions/. */
export type FunctionName = Manifests['name'];

/** Functions some state machine invokes (a Task state with `${<PascalName>FunctionArn}`). */
export type TaskFunctionName = TaskManifests['name'];

/** The manifests, in deployment order. */
export const FUNCTION_MANIFESTS: readonly FunctionManifest<FunctionName>[] = MANIFESTS;

/** Every function name, in deployment order. */
export const FUNCTION_NAMES: readonly FunctionName[] = MANIFESTS.map((m) => m.name);

/** The functions the state machines invoke. */
export const TASK_FUNCTIONS: readonly TaskFunctionName[] = MANIFESTS.filter(
  (m): m is TaskManifests => m.invokedBy.length > 0,
).map((m) => m.name);

/** The functions a state machine definition invokes, in deployment order. */
export function functionsInvokedBy(definition: StateMachineDefinition): TaskFunctionName[] {
  return MANIFESTS.filter((m): m is TaskManifests =>
    m.invokedBy.some((invoker: StateMachineDefinition) => invoker === definition),
  ).map((m) => m.name);
}

const BY_NAME: ReadonlyMap<string, FunctionManifest<FunctionName>> = new Map(
  FUNCTION_MANIFESTS.map((m) => [m.name, m]),
);

/** The manifest of a function; throws naming the known functions when there is none. */
export function manifestOf(name: string): FunctionManifest<FunctionName> {
  const manifest = BY_NAME.get(name);
  if (!manifest)
    throw new Error(`no function "${name}" in functions/manifest.ts (known: ${FUNCTION_NAMES.join(', ')})`);
  return manifest;
}
