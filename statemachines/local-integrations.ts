/**
 * AWS service-integration semantics for aws-local-stepfunctions, which runs only JSONPath states and
 * local handlers per Task state. The ASL reads these exact shapes, so the local sandbox and the
 * tests must produce them the way Step Functions does:
 * - `lambda:invoke`: result `{ Payload, StatusCode }`; a function error surfaces as its `name`
 *   with Cause `{"errorType","errorMessage","trace"}` as JSON.
 * - `lambda:invoke.waitForTaskToken`: result = the SendTaskSuccess output; SendTaskFailure's error and cause.
 * - `codebuild:startBuild.sync`: result `{ Build }`; a build that did not succeed fails with
 *   `States.TaskFailed` and Cause `{"Build": {...}}` as JSON (BuildStatus, Phases[].PhaseType/PhaseStatus).
 * - `states:startExecution.sync:2`: result `{ ExecutionArn, Status, Output (parsed) }`; a failed child
 *   fails with `States.TaskFailed` and Cause = its DescribeExecution (`Status`, `Error`, `Cause`) as JSON.
 */

/** Where a Task state's Resource points. */
export type IntegrationKind = 'lambda' | 'lambda-wait-for-token' | 'codebuild-sync' | 'start-execution-sync';

const RESOURCES: Record<string, IntegrationKind> = {
  'arn:aws:states:::lambda:invoke': 'lambda',
  'arn:aws:states:::lambda:invoke.waitForTaskToken': 'lambda-wait-for-token',
  'arn:aws:states:::codebuild:startBuild.sync': 'codebuild-sync',
  'arn:aws:states:::states:startExecution.sync:2': 'start-execution-sync',
};

/** A finished CodeBuild build as BatchGetBuilds returns it (the fields the ASL reads). */
export interface CodeBuildBuild {
  Id: string;
  BuildStatus: 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED';
  Phases: { PhaseType: string; PhaseStatus?: string }[];
  [field: string]: unknown;
}

/** Parameters the ASL passes to CodeBuild StartBuild. */
export interface StartBuildParams {
  ProjectName: string;
  SourceVersion: string;
  TimeoutInMinutesOverride?: number;
  EnvironmentVariablesOverride: { Name: string; Type: 'PLAINTEXT'; Value: string }[];
}

/** A finished child execution, as DescribeExecution reports it. */
export interface ChildExecution {
  executionArn: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** What the local runtime supplies for each kind of integration. */
export interface LocalIntegrations {
  /** Runs the function; resolves with its result or rejects with an Error whose `name` is the error name. */
  invokeLambda(functionArn: string, payload: unknown): Promise<unknown>;
  /** Invokes the function with the token in its payload and resolves with the SendTaskSuccess output, or rejects with the SendTaskFailure error. */
  waitForTaskToken(functionArn: string, payload: unknown): Promise<unknown>;
  /** Runs the build to its end; resolves with the build whatever its status (rejects only when it could not start). */
  startBuildSync(params: StartBuildParams): Promise<CodeBuildBuild>;
  /** Runs the child execution to its end. */
  startExecutionSync(stateMachineArn: string, input: unknown): Promise<ChildExecution>;
}

/** An error as Step Functions reports it: `name` is matched by ErrorEquals, `message` becomes the Cause. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Handler = (input: Json) => Promise<Json>;
const asJson = (value: unknown): Json =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
const errorName = (error: unknown) => (error instanceof Error ? error.name : 'Error');
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Every Task state of a definition (including Parallel branches and Map processors) with its Resource. */
export function taskStates(definition: unknown): { name: string; resource: string }[] {
  const found: { name: string; resource: string }[] = [];
  const walk = (machine: { States?: Record<string, Record<string, unknown>> }) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      if (state.Type === 'Task') found.push({ name, resource: String(state.Resource) });
      for (const branch of (state.Branches as object[] | undefined) ?? []) walk(branch);
      for (const key of ['ItemProcessor', 'Iterator']) if (state[key]) walk(state[key] as object);
    }
  };
  walk(definition as object);
  return found;
}

function handlerFor(kind: IntegrationKind, integrations: LocalIntegrations): Handler {
  switch (kind) {
    case 'lambda':
      return async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
        try {
          return {
            StatusCode: 200,
            ExecutedVersion: '$LATEST',
            Payload: asJson(await integrations.invokeLambda(FunctionName, Payload)),
          };
        } catch (error) {
          const name = errorName(error);
          // Lambda service errors (throttling, ...) keep their own shape; function errors carry the payload.
          if (name.startsWith('Lambda.') || name.startsWith('States.'))
            throw new TaskFailure(name, errorMessage(error));
          throw new TaskFailure(
            name,
            JSON.stringify({ errorType: name, errorMessage: errorMessage(error), trace: [] }),
          );
        }
      };
    case 'lambda-wait-for-token':
      return async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
        try {
          return asJson(await integrations.waitForTaskToken(FunctionName, Payload));
        } catch (error) {
          throw new TaskFailure(errorName(error), errorMessage(error));
        }
      };
    case 'codebuild-sync':
      return async (input) => {
        const build = await integrations.startBuildSync(input as unknown as StartBuildParams);
        if (build.BuildStatus !== 'SUCCEEDED')
          throw new TaskFailure('States.TaskFailed', JSON.stringify({ Build: build }));
        return asJson({ Build: build });
      };
    case 'start-execution-sync':
      return async (input) => {
        const { StateMachineArn, Input } = input as { StateMachineArn: string; Input: Json };
        const child = await integrations.startExecutionSync(StateMachineArn, Input);
        const described = {
          ExecutionArn: child.executionArn,
          StateMachineArn,
          Status: child.status,
          Input: JSON.stringify(Input),
        };
        if (child.status !== 'SUCCEEDED') {
          throw new TaskFailure(
            'States.TaskFailed',
            JSON.stringify({ ...described, Error: child.error, Cause: child.cause }),
          );
        }
        return asJson({ ...described, Output: child.output ?? null, OutputDetails: { Included: true } });
      };
  }
}

/**
 * `overrides.taskResourceLocalHandlers` for aws-local-stepfunctions: one handler per Task state of
 * the definition, by its Resource. Throws for a Resource this project does not use.
 */
export function localTaskHandlers(
  definition: unknown,
  integrations: LocalIntegrations,
): Record<string, Handler> {
  return Object.fromEntries(
    taskStates(definition).map(({ name, resource }) => {
      const kind = RESOURCES[resource];
      if (!kind)
        throw new Error(`Task state "${name}" uses ${resource}, which the local runtime does not emulate`);
      return [name, handlerFor(kind, integrations)];
    }),
  );
}
