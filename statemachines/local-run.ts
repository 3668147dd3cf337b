/**
 * Runs a rendered definition on aws-local-stepfunctions with the project's integration semantics
 * (local-integrations.ts) and returns what DescribeExecution and GetExecutionHistory would: status,
 * output or error and cause, and the event log. Used by the tests, the benchmark and the sandbox.
 */
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from 'aws-local-stepfunctions';
import { localTaskHandlers, type LocalIntegrations } from './local-integrations';

type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'];
type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type Definition = ConstructorParameters<typeof StateMachine>[0];

export interface LocalRunOptions {
  executionArn: string;
  /** Token handed to `.waitForTaskToken` states as `$$.Task.Token`. */
  taskToken?: string;
  integrations: LocalIntegrations;
  /**
   * Milliseconds every Wait state pauses instead of its seconds (0 in tests; the sandbox picks a
   * short pause). The engine overrides waits per state name only, so SecondsPath cannot be scaled.
   */
  waitMs?: number;
  /** Milliseconds before each retry instead of the Retry backoff (0 in tests). */
  retryMs?: number;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
  events: EventLog[];
}

/** The names of every state of a given type, including those inside Parallel branches. */
export function statesOfType(definition: unknown, type: string): string[] {
  const names: string[] = [];
  const walk = (machine: {
    States?: Record<string, { Type: string; Branches?: object[]; Retry?: unknown }>;
  }) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      if (state.Type === type || (type === 'retryable' && state.Retry)) names.push(name);
      for (const branch of state.Branches ?? []) walk(branch);
    }
  };
  walk(definition as object);
  return names;
}

/**
 * The context object: Execution.Id, Task.Token, and State.EnteredTime read at the moment a state
 * evaluates it (the engine has no per-state context of its own).
 */
export function localContext(executionArn: string, taskToken: string): NonNullable<RunOptions['context']> {
  return {
    Execution: { Id: executionArn, Name: executionArn.split(':').pop() },
    Task: { Token: taskToken },
    State: {
      get EnteredTime() {
        return new Date().toISOString();
      },
    },
  };
}

const validated = new Set<string>();
const LOCAL_TIMEOUT_KEY = '__localTimeoutSeconds';

/**
 * The engine evaluates `TimeoutSecondsPath` against the Parameters output, Step Functions against
 * the state input. Locally, each such Task gets the value copied into its Parameters under a private
 * key (stripped again before the integration sees it), so the same file times out the same way.
 */
function shimTimeoutPaths(machine: { States?: Record<string, Record<string, unknown>> }): Set<string> {
  const shimmed = new Set<string>();
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    if (
      state.Type === 'Task' &&
      typeof state.TimeoutSecondsPath === 'string' &&
      state.Parameters &&
      typeof state.Parameters === 'object'
    ) {
      state.Parameters = {
        ...(state.Parameters as object),
        [`${LOCAL_TIMEOUT_KEY}.$`]: state.TimeoutSecondsPath,
      };
      state.TimeoutSecondsPath = `$.${LOCAL_TIMEOUT_KEY}`;
      shimmed.add(name);
    }
    for (const branch of (state.Branches as object[] | undefined) ?? [])
      for (const n of shimTimeoutPaths(branch)) shimmed.add(n);
  }
  return shimmed;
}

/** Runs one execution to its end. Never throws for a failed execution: the result says how it ended. */
export async function runLocal(
  definition: object,
  input: unknown,
  options: LocalRunOptions,
): Promise<LocalRunResult> {
  // JSON round trip, not structuredClone: the engine checks `Object.getPrototypeOf(v) === Object.prototype`,
  // which fails for objects from another realm (jest runs tests in a vm context).
  const text = JSON.stringify(definition);
  const local = JSON.parse(text) as Definition;
  const shimmed = shimTimeoutPaths(local as never);
  // The engine validates (asl-validator) on construction; once per definition is enough.
  const machine = new StateMachine(local, { validationOptions: { noValidate: validated.has(text) } });
  validated.add(text);
  const handlers = localTaskHandlers(definition, options.integrations);
  for (const name of shimmed) {
    const handler = handlers[name]!;
    handlers[name] = (input) => {
      const parameters = { ...(input as Record<string, never>) };
      delete parameters[LOCAL_TIMEOUT_KEY];
      return handler(parameters);
    };
  }
  const waitTimeOverrides = Object.fromEntries(
    statesOfType(definition, 'Wait').map((name) => [name, options.waitMs ?? 0]),
  );
  const retryIntervalOverrides = Object.fromEntries(
    statesOfType(definition, 'retryable').map((name) => [name, options.retryMs ?? 0]),
  );
  const execution = machine.run(JSON.parse(JSON.stringify(input ?? null)), {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides,
      retryIntervalOverrides,
    },
    context: localContext(options.executionArn, options.taskToken ?? `${options.executionArn}#token`),
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  const ended = await execution.result.then(
    (output): Omit<LocalRunResult, 'events'> => ({ status: 'SUCCEEDED', output }),
    (error: unknown): Omit<LocalRunResult, 'events'> => describeFailure(error),
  );
  await collecting;
  return { ...ended, events };
}

function describeFailure(error: unknown): Omit<LocalRunResult, 'events'> {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT' };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  const cause =
    error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
  return { status: 'FAILED', error: cause.name, cause: cause.message };
}
