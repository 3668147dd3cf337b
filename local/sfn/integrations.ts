/**
 * The service integrations a Task state needs, supplied to aws-local-stepfunctions as local
 * handlers: Lambda (function ARN and `lambda:invoke`, `.waitForTaskToken`), CodeBuild
 * `startBuild(.sync)`, nested executions `states:startExecution(.sync, .sync:2)`, DynamoDB item
 * operations, EventBridge PutEvents, and the sandbox's own scaled Wait. Each records the task
 * events of AWS's history (TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded/Failed,
 * LambdaFunction*), and fails with the error names Step Functions uses.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { EngineClock } from './clock';
import type { Execution } from './engine';
import { payload } from './history';
import {
  DATA_LIMIT_EXCEEDED,
  limitCause,
  limitError,
  overPayloadLimit,
  resultTooLargeCause,
  TerminalDataLimitError,
} from './payload-limits';
import { functionNameOf, type TaskResource } from './resources';
import type { TaskTokens } from './task-tokens';
import { StateMachine } from 'aws-local-stepfunctions';
import { dynamicWaitMs, readPath, TIMEOUT_KEY, type AslState } from './transform';

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The engine's own States.Timeout error class (not exported): an error of that class is what
 * makes `States.TaskFailed` not match a timeout, as in Step Functions. Captured once from a
 * throwaway execution whose only Task times out at once.
 */
function statesTimeoutError(): Promise<new () => Error> {
  timeoutErrorClass ??= (async () => {
    const machine = new StateMachine(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:x',
            TimeoutSeconds: 0.001,
            End: true,
          },
        },
      } as never,
      { validationOptions: { noValidate: true } },
    );
    const run = machine.run(
      {},
      { overrides: { taskResourceLocalHandlers: { T: () => new Promise(() => undefined) } } },
    );
    try {
      await run.result;
    } catch (error) {
      const cause = (error as { cause?: object }).cause;
      if (cause && (cause as Error).name === 'States.Timeout') return cause.constructor as new () => Error;
    }
    return class extends Error {
      override name = 'States.Timeout';
      constructor() {
        super('States.Timeout');
      }
    };
  })();
  return timeoutErrorClass;
}

/**
 * What a Lambda invocation returned: a payload, or a function error; `serviceError` marks an error
 * of the Invoke call itself (Lambda answered with an HTTP error, e.g. RequestTooLargeException,
 * 413), which Step Functions reports as `Lambda.<exception name>`.
 */
export type LambdaResult =
  | { payload: unknown }
  | { errorType: string; errorMessage: string; trace?: string[]; serviceError?: { statusCode: number } };

/** A CodeBuild build as the CodeBuild API describes it (camelCase). */
export type BuildRecord = Record<string, unknown> & { id: string; buildStatus: string };

export interface IntegrationDeps {
  clock: EngineClock;
  region: string;
  account: string;
  tokens: TaskTokens;
  /**
   * Runs the function: resolves with its payload or its function error; rejects with a
   * `TaskFailure` for a Lambda service error (`Lambda.TooManyRequestsException`, ...).
   */
  invokeLambda(functionName: string, payload: unknown): Promise<LambdaResult>;
  /** A Lambda service-side fault to raise instead of invoking (throttling), if any. */
  lambdaServiceFault?(functionName: string, stateKey: string): { error: string; cause: string } | undefined;
  startBuild(params: Record<string, unknown>): BuildRecord;
  buildFinished(id: string): Promise<BuildRecord>;
  dynamodb(operation: string, params: Record<string, unknown>): Promise<unknown>;
  putEvents(params: Record<string, unknown>): unknown;
  startNested(stateMachineArn: string, input: string, name?: string): Execution;
  /**
   * Authorises a Task's calls with the state machine's role before they are made: an error name
   * and cause to fail the task with, or undefined (local/iam).
   */
  authorizeTask?(
    execution: Execution,
    resource: TaskResource,
    params: Record<string, unknown>,
  ): Promise<{ error: string; cause: string } | undefined>;
}

/** One run of a Task state (retries make new ones). */
export interface TaskInvocation {
  abandoned: boolean;
  resourceKind: TaskResource['kind'];
  resourceType: string;
  resource: string;
  onTimeout(): void;
}

/** The error of a `.waitForTaskToken` task whose heartbeat interval passed. */
const HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';

/**
 * A failed task as the engine sees it: `name` is the error, `message` the cause, each cut to what
 * Step Functions keeps (256 and 32,768 characters: payload-limits.ts).
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(limitCause(cause));
    this.name = limitError(error);
  }
}

export interface TaskContext {
  execution: Execution;
  stateName: string;
  state: AslState;
  resource: TaskResource;
  placeholderToken: string;
}

const SDK_METADATA = {
  SdkHttpMetadata: { HttpStatusCode: 200 },
  SdkResponseMetadata: { RequestId: 'sandbox' },
};

/** Deep-replaces one string in a JSON value (the context's token placeholder by a fresh token). */
function replaceString(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceString(v, from, to));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceString(v, from, to)]));
  return value;
}

/** camelCase API objects to the PascalCase Step Functions integrations return. */
export function pascalCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalCase);
  if (value instanceof Date) return value.getTime();
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), pascalCase(v)]),
    );
  return value;
}

const lambdaCause = (result: { errorType: string; errorMessage: string; trace?: string[] }) =>
  JSON.stringify({
    errorMessage: result.errorMessage,
    errorType: result.errorType,
    requestId: 'sandbox',
    stackTrace: result.trace ?? [],
  });

/** Runs one Task state's work and records its history events. */
export async function runTaskState(
  ctx: TaskContext,
  input: unknown,
  deps: IntegrationDeps,
): Promise<unknown> {
  // The attempt this task belongs to (a redrive starts the next one on the same execution).
  const attempt = ctx.execution.redriveCount;
  // Let the history consumer record `...StateEntered` (queued by the engine a moment ago) first.
  await nextMacrotask();
  await ctx.execution.entered(ctx.stateName);
  const { execution, stateName, resource } = ctx;
  // The engine stops a Parallel branch or Map iteration when another fails, but a handler it
  // already called still runs: one whose attempt ended does not start its work.
  const current = () => execution.status === 'RUNNING' && execution.redriveCount === attempt;
  if (!current())
    throw new TaskFailure('States.Runtime', 'the execution attempt ended before the task started');
  // The state's input after Parameters over 256 KiB: a terminal States.DataLimitExceeded.
  if (overPayloadLimit(input)) throw new TerminalDataLimitError(stateName);
  const resourceType =
    resource.kind === 'integration' ? resource.service : resource.kind === 'wait' ? 'sandbox' : 'lambda';
  const resourceName =
    resource.kind === 'integration' ? resource.resource : resource.kind === 'wait' ? 'wait' : resource.arn;
  let onTimeout = () => undefined as void;
  const invocation: TaskInvocation = {
    abandoned: false,
    resourceKind: resource.kind,
    resourceType,
    resource: resourceName,
    onTimeout: () => onTimeout(),
  };
  execution.activeTasks.set(stateName, invocation);
  const record = (type: string, details: Record<string, unknown>) => {
    const { causality } = execution.history;
    const chain = causality.chainOfState(stateName);
    // A stopped Parallel branch or Map iteration records nothing more (causality.ts).
    if (!invocation.abandoned && current() && !causality.isCancelled(chain))
      execution.history.add(type, details, { chain });
  };
  const done = () => {
    if (execution.activeTasks.get(stateName) === invocation) execution.activeTasks.delete(stateName);
  };

  if (resource.kind === 'wait') {
    try {
      await deps.clock.sleep(dynamicWaitMs(ctx.state, input, deps.clock.now()));
      return input;
    } finally {
      done();
    }
  }

  if (resource.kind === 'lambda-arn') {
    record('LambdaFunctionScheduled', {
      resource: resource.arn,
      input: payload(input),
      inputDetails: { truncated: false },
    });
    record('LambdaFunctionStarted', {});
    try {
      let result: LambdaResult;
      try {
        const denied = await deps.authorizeTask?.(execution, resource, {});
        if (denied) throw new TaskFailure(denied.error, denied.cause);
        result = await invoke(deps, resource.functionName, input, `${execution.arn}#${stateName}`);
      } catch (error) {
        if (error instanceof TaskFailure)
          record('LambdaFunctionStartFailed', { error: error.name, cause: error.message });
        throw error;
      }
      if ('errorType' in result) {
        const failure = new TaskFailure(result.errorType, lambdaCause(result));
        record('LambdaFunctionFailed', { error: failure.name, cause: failure.message });
        throw failure;
      }
      // A result over 256 KiB fails the task, named by the function's ARN; unlike a state's output
      // over the limit it is an ordinary task failure that a States.ALL catcher catches, as AWS
      // recorded (payload-limits.ts; test_states_errors.snapshot.json,
      // test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response).
      if (overPayloadLimit(result.payload)) {
        const cause = resultTooLargeCause(resource.arn);
        record('LambdaFunctionFailed', { error: DATA_LIMIT_EXCEEDED, cause });
        throw new TaskFailure(DATA_LIMIT_EXCEEDED, cause);
      }
      record('LambdaFunctionSucceeded', {
        output: payload(result.payload),
        outputDetails: { truncated: false },
      });
      return result.payload;
    } finally {
      done();
    }
  }

  const base = { resourceType, resource: resourceName };
  const { [TIMEOUT_KEY]: pathTimeout, ...params } = (input ?? {}) as Record<string, unknown>;
  const timeoutSeconds = taskTimeoutSeconds(ctx.state, pathTimeout, params);
  const timeout = timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {};
  const heartbeat =
    typeof ctx.state.HeartbeatSeconds === 'number' ? { heartbeatInSeconds: ctx.state.HeartbeatSeconds } : {};
  // A `.waitForTaskToken` task gets its token before it is scheduled: the history shows it.
  let token: string | undefined;
  let settled: Promise<unknown> | undefined;
  let heartbeatTimer: object | undefined;
  if (resource.kind === 'integration' && resource.pattern === 'token') {
    let resolve!: (value: unknown) => void;
    let reject!: (reason: { error: string; cause: string }) => void;
    settled = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    settled.catch(() => undefined);
    const issued = deps.tokens.issue(execution.arn, stateName, resolve, reject);
    token = issued;
    onTimeout = () => {
      deps.clock.cancel(heartbeatTimer);
      deps.tokens.finish(issued, 'timed-out');
    };
    // HeartbeatSeconds: with no SendTaskHeartbeat (or result) for that long the state fails with
    // States.HeartbeatTimeout, recorded as TaskTimedOut (Step Functions developer guide, "Wait for
    // a Callback with Task Token": "Configure a Heartbeat Timeout for a Waiting Task"; error names
    // in "Error handling in Step Functions").
    const heartbeatSeconds = ctx.state.HeartbeatSeconds;
    if (typeof heartbeatSeconds === 'number') {
      const arm = () => {
        deps.clock.cancel(heartbeatTimer);
        heartbeatTimer = deps.clock.after(heartbeatSeconds * 1000, () => {
          // Settled meanwhile, or its run was stopped: nothing waits any more.
          if (!deps.tokens.isPending(issued)) return;
          deps.tokens.finish(issued, 'timed-out');
          reject({
            error: HEARTBEAT_TIMEOUT,
            cause: `The task sent no heartbeat within its ${heartbeatSeconds} s heartbeat interval`,
          });
        });
      };
      arm();
      deps.tokens.onHeartbeat(issued, arm);
    }
    Object.assign(params, replaceString(params, ctx.placeholderToken, issued));
  }
  record('TaskScheduled', {
    ...base,
    region: deps.region,
    parameters: payload(params),
    ...timeout,
    ...heartbeat,
  });
  record('TaskStarted', base);
  const fail = (error: string, cause: string): never => {
    record('TaskFailed', { ...base, error, cause });
    throw new TaskFailure(error, cause);
  };
  const request = async (p: Record<string, unknown>) => {
    try {
      return await startRequest(ctx, p, deps);
    } catch (error) {
      if (error instanceof TaskFailure) fail(error.name, error.message);
      throw error;
    }
  };
  const succeed = (output: unknown) => {
    // A connector's output over 256 KiB fails the task, named by its resource type ('lambda'), as
    // AWS recorded for lambda:invoke (payload-limits.ts).
    if (overPayloadLimit(output)) return fail(DATA_LIMIT_EXCEEDED, resultTooLargeCause(resourceType));
    record('TaskSucceeded', { ...base, output: payload(output), outputDetails: { truncated: false } });
    return output;
  };

  const TimeoutError = await statesTimeoutError();
  let timer: object | undefined;
  // A plain Lambda invocation's duration is the handler's own compute time, which passes in real
  // time: its timeout is real seconds. Everything else (builds, nested runs, a person deciding)
  // happens in the simulated world and times out on the simulated clock.
  const realTime =
    resource.kind === 'integration' && resource.service === 'lambda' && resource.pattern === 'request';
  const after = (ms: number, fn: () => void) => {
    if (!realTime) return deps.clock.after(ms, fn);
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  };
  const timedOut =
    timeoutSeconds === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = after(timeoutSeconds * 1000, () => {
            record('TaskTimedOut', {
              ...base,
              error: 'States.Timeout',
              cause: `The task did not complete within its ${timeoutSeconds} s timeout`,
            });
            invocation.abandoned = true;
            invocation.onTimeout();
            reject(new TimeoutError());
          });
        });
  const work = perform();
  try {
    return await (timedOut ? Promise.race([work, timedOut]) : work);
  } finally {
    if (realTime) clearTimeout(timer as NodeJS.Timeout | undefined);
    else deps.clock.cancel(timer);
    done();
  }

  async function perform(): Promise<unknown> {
    const resource = ctx.resource as Extract<TaskResource, { kind: 'integration' }>;
    const denied = await deps.authorizeTask?.(execution, resource, params);
    if (denied) {
      if (resource.pattern === 'token' && token) deps.tokens.finish(token, 'settled');
      return fail(denied.error, denied.cause);
    }
    // ------------------------------------------------------------ .waitForTaskToken
    if (resource.pattern === 'token') {
      if (!token || !settled || !JSON.stringify(params).includes(token)) {
        if (token) deps.tokens.finish(token, 'settled');
        return fail(
          'States.Runtime',
          `Task state "${stateName}" uses .waitForTaskToken but does not pass $$.Task.Token in its Parameters`,
        );
      }
      const withToken = params;
      const submitted = await request(withToken);
      record('TaskSubmitted', { ...base, output: payload(submitted), outputDetails: { truncated: false } });
      try {
        return succeed(await settled);
      } catch (error) {
        const { error: name, cause } = error as { error: string; cause: string };
        if (name !== HEARTBEAT_TIMEOUT) return fail(name, cause);
        record('TaskTimedOut', { ...base, error: name, cause });
        throw new TaskFailure(name, cause);
      } finally {
        deps.clock.cancel(heartbeatTimer);
      }
    }
    // ------------------------------------------------------------ .sync / .sync:2
    if (resource.pattern === 'sync' || resource.pattern === 'sync2') {
      if (resource.service === 'codebuild') {
        const build = deps.startBuild(params);
        record('TaskSubmitted', {
          ...base,
          output: payload({ Build: pascalCase(build), ...SDK_METADATA }),
          outputDetails: { truncated: false },
        });
        const finished = await deps.buildFinished(build.id);
        const described = { Build: pascalCase(finished) };
        if (finished.buildStatus !== 'SUCCEEDED') return fail('States.TaskFailed', JSON.stringify(described));
        return succeed({ ...described, ...SDK_METADATA });
      }
      // states:startExecution.sync(:2)
      const child = deps.startNested(
        String(params.StateMachineArn),
        typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {}),
        typeof params.Name === 'string' ? params.Name : undefined,
      );
      record('TaskSubmitted', {
        ...base,
        output: payload({ ExecutionArn: child.arn, StartDate: child.startDate.getTime(), ...SDK_METADATA }),
        outputDetails: { truncated: false },
      });
      await child.done;
      const parse = (text: string | undefined) =>
        resource.pattern === 'sync2' && text !== undefined ? JSON.parse(text) : text;
      const described = {
        ExecutionArn: child.arn,
        Input: parse(child.input),
        InputDetails: { Included: true },
        Name: child.name,
        ...(child.output !== undefined && { Output: parse(child.output), OutputDetails: { Included: true } }),
        StartDate: child.startDate.getTime(),
        StateMachineArn: child.stateMachine.arn,
        Status: child.status,
        StopDate: child.stopDate?.getTime(),
        ...(child.error !== undefined && { Error: child.error }),
        ...(child.cause !== undefined && { Cause: child.cause }),
      };
      if (child.status !== 'SUCCEEDED') return fail('States.TaskFailed', JSON.stringify(described));
      return succeed({ ...described, ...SDK_METADATA });
    }
    // ------------------------------------------------------------ request-response
    return succeed(await request(params));
  }
}

/** The Task's timeout in simulated seconds: TimeoutSeconds, or the TimeoutSecondsPath value. */
function taskTimeoutSeconds(state: AslState, pathValue: unknown, input: unknown): number | undefined {
  if (typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
  if (typeof state.TimeoutSecondsPath !== 'string') return undefined;
  const value = pathValue ?? readPath(input, state.TimeoutSecondsPath);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TaskFailure(
      'States.Runtime',
      `TimeoutSecondsPath '${state.TimeoutSecondsPath}' evaluated to ${JSON.stringify(value)}, but expected an integer >= 1`,
    );
  }
  return value;
}

/** The request part of an integration (for `.waitForTaskToken`, the call that hands the token out). */
async function startRequest(
  ctx: TaskContext,
  params: Record<string, unknown>,
  deps: IntegrationDeps,
): Promise<unknown> {
  const resource = ctx.resource as Extract<TaskResource, { kind: 'integration' }>;
  switch (`${resource.service}:${resource.action}`) {
    case 'lambda:invoke': {
      const functionName = functionNameOf(params.FunctionName);
      if (!functionName)
        throw new TaskFailure(
          'States.Runtime',
          `Task state "${ctx.stateName}": Parameters.FunctionName must name a Lambda function`,
        );
      const result = await invoke(
        deps,
        functionName,
        params.Payload ?? {},
        `${ctx.execution.arn}#${ctx.stateName}`,
      );
      if ('errorType' in result) throw new TaskFailure(result.errorType, lambdaCause(result));
      return { ExecutedVersion: '$LATEST', Payload: result.payload, StatusCode: 200, ...SDK_METADATA };
    }
    case 'codebuild:startBuild':
      return { Build: pascalCase(deps.startBuild(params)), ...SDK_METADATA };
    case 'states:startExecution': {
      const child = deps.startNested(
        String(params.StateMachineArn),
        typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {}),
        typeof params.Name === 'string' ? params.Name : undefined,
      );
      return { ExecutionArn: child.arn, StartDate: child.startDate.getTime(), ...SDK_METADATA };
    }
    case 'events:putEvents':
      return { ...(deps.putEvents(params) as object), ...SDK_METADATA };
    default: {
      // dynamodb:getItem / putItem / updateItem / deleteItem
      const operation = resource.action[0]!.toUpperCase() + resource.action.slice(1);
      try {
        return { ...((await deps.dynamodb(operation, params)) as object), ...SDK_METADATA };
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'InternalServerError';
        throw new TaskFailure(`DynamoDB.${code}`, (error as Error).message);
      }
    }
  }
}

async function invoke(
  deps: IntegrationDeps,
  functionName: string,
  input: unknown,
  stateKey: string,
): Promise<LambdaResult> {
  const fault = deps.lambdaServiceFault?.(functionName, stateKey);
  if (fault) throw new TaskFailure(fault.error, fault.cause);
  const result = await deps.invokeLambda(functionName, input);
  // An error of the Invoke call itself is a Lambda service exception to Step Functions, named
  // `Lambda.<exception>` as its Lambda.ServiceException and Lambda.TooManyRequestsException are
  // (Step Functions developer guide, "Invoke an AWS Lambda function with Step Functions" and
  // "Handling transient Lambda service exceptions").
  if ('errorType' in result && result.serviceError)
    throw new TaskFailure(`Lambda.${result.errorType}`, result.errorMessage);
  return result;
}
