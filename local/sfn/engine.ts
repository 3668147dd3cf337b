/**
 * Step Functions executions on aws-local-stepfunctions: the sandbox registers state machines
 * (validated by the engine, planned for the speed-up), starts executions with a context object
 * (`$$.Execution.Id`, `$$.StateMachine.Id`, `$$.Task.Token`), supplies every Task state through
 * `taskResourceLocalHandlers` (see integrations.ts), and turns the engine's event log into AWS's
 * execution history.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { ServiceError } from '../aws/service-error';
import { Causality, ROOT_CHAIN } from './causality';
import { EventOrder } from './event-order';
import { History, payload, type HistoryEvent } from './history';
import { runTaskState, TaskFailure, type IntegrationDeps, type TaskInvocation } from './integrations';
import {
  DATA_LIMIT_EXCEEDED,
  limitCause,
  limitError,
  overPayloadLimit,
  PAYLOAD_LIMIT_BYTES,
  resultTooLargeCause,
} from './payload-limits';
import { notRedrivableReason, rememberRedriveToken, redriveTokenAnswer, type RedriveToken } from './redrive';
import { isRedriveState, redriveDefinition, StateProgress } from './redrive-plan';
import { classifyResource, type TaskResource } from './resources';
import { allStates, planForEngine, type AslDefinition, type AslState, type EnginePlan } from './transform';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StateMachineRecord {
  name: string;
  arn: string;
  definition: AslDefinition;
  definitionText: string;
  plan: EnginePlan;
  engine: StateMachine;
  roleArn: string;
  createdAt: Date;
  /** Type of each state by name (the history names events after the original type). */
  stateTypes: Map<string, string>;
  /** Task resources by state name. */
  tasks: Map<string, { state: AslState; resource: TaskResource }>;
}

export interface Execution {
  arn: string;
  name: string;
  stateMachine: StateMachineRecord;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  history: History;
  parentArn?: string;
  children: Execution[];
  /** Resolves when the execution has ended and its history is complete. */
  done: Promise<void>;
  /** Tasks running now, by state name (so a timed-out one stops writing history). */
  activeTasks: Map<string, TaskInvocation>;
  /**
   * Names of the states retried, one entry per retry (Step Functions bills each retry as a state
   * transition; the history shows it as a new TaskScheduled without a new TaskStateEntered).
   */
  retries: string[];
  /** Resolves once the history holds the latest `…StateEntered` of this state (event-order.ts). */
  entered(stateName: string): Promise<void>;
  abort(error?: string, cause?: string): void;
  /** Successful RedriveExecution calls so far (DescribeExecution `redriveCount`). */
  redriveCount: number;
  /** When the latest redrive started. */
  redriveDate?: Date;
  /** What each state did in the attempts so far: where a redrive starts (redrive-plan.ts). */
  progress: StateProgress;
  /** Client tokens of the latest successful redrives (idempotency, redrive.ts). */
  redriveTokens: RedriveToken[];
  /** Map iterations the current attempt answers from an earlier one: no history of their own. */
  skippedIterations: Map<string, Set<number>>;
}

export interface EngineOptions extends Omit<IntegrationDeps, 'startNested'> {
  /** Called when an execution starts (RUNNING) and when it ends. */
  onStatusChange?: (execution: Execution) => void;
  /** Called for every history event of every execution (live log). */
  onHistoryEvent?: (execution: Execution, event: HistoryEvent) => void;
}

const NAME = /^[0-9A-Za-z_-]{1,80}$/;
/** Definition texts the engine has validated already. */
const validDefinitions = new Set<string>();

export class StepFunctionsEngine {
  readonly stateMachines = new Map<string, StateMachineRecord>();
  readonly executions = new Map<string, Execution>();
  private readonly roleArn: string;

  constructor(private readonly options: EngineOptions) {
    this.roleArn = `arn:aws:iam::${options.account}:role/deploy-controller-sandbox-states`;
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.account}:stateMachine:${name}`;
  }

  /** Registers (or replaces) a state machine; throws with the engine's validation messages or an unsupported Resource. */
  register(name: string, definition: AslDefinition | string, roleArn?: string): StateMachineRecord {
    if (!NAME.test(name)) throw new ServiceError('InvalidName', `Invalid State Machine Name: '${name}'`);
    const text = typeof definition === 'string' ? definition : JSON.stringify(definition, null, 2);
    let parsed: AslDefinition;
    try {
      parsed = JSON.parse(text) as AslDefinition;
    } catch (error) {
      throw new ServiceError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${(error as Error).message}'`,
      );
    }
    if (/"\$\{[A-Za-z0-9_:.]+\}"|\$\{[A-Za-z0-9_]+\}/.test(text)) {
      const missing = [...new Set(text.match(/\$\{[A-Za-z0-9_:.]+\}/g) ?? [])].join(', ');
      throw new ServiceError(
        'InvalidDefinition',
        `Invalid State Machine Definition: unsubstituted placeholders ${missing}`,
      );
    }
    try {
      // Validates with the engine's own rules (asl-validator), ARNs and paths included; once per
      // definition text in this process (validation takes about a second; tests register often).
      if (!validDefinitions.has(text)) new StateMachine(parsed as never);
      validDefinitions.add(text);
    } catch (error) {
      throw new ServiceError(
        'InvalidDefinition',
        `Invalid State Machine Definition: ${(error as Error).message}`,
      );
    }
    const tasks = new Map<string, { state: AslState; resource: TaskResource }>();
    const stateTypes = new Map<string, string>();
    for (const { name: stateName, state } of allStates(parsed)) {
      stateTypes.set(stateName, state.Type);
      if (state.Type === 'Task') {
        try {
          tasks.set(stateName, { state, resource: classifyResource(String(state.Resource), stateName) });
        } catch (error) {
          throw new ServiceError('InvalidDefinition', (error as Error).message);
        }
      }
    }
    const plan = planForEngine(parsed, this.options.clock.speedup);
    for (const [stateName, state] of plan.dynamicWaits)
      tasks.set(stateName, { state, resource: { kind: 'wait' } });
    const record: StateMachineRecord = {
      name,
      arn: this.stateMachineArn(name),
      definition: parsed,
      definitionText: text,
      plan,
      engine: new StateMachine(plan.definition, { validationOptions: { noValidate: true } }),
      roleArn: roleArn ?? this.roleArn,
      createdAt: new Date(),
      stateTypes,
      tasks,
    };
    this.stateMachines.set(record.arn, record);
    return record;
  }

  stateMachine(arn: unknown): StateMachineRecord {
    const record = typeof arn === 'string' ? this.stateMachines.get(arn) : undefined;
    if (!record)
      throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return record;
  }

  execution(arn: unknown): Execution {
    const execution = typeof arn === 'string' ? this.executions.get(arn) : undefined;
    if (!execution)
      throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return execution;
  }

  /** StartExecution semantics: a running execution with the same name and input is returned as is. */
  start(
    stateMachineArn: string,
    input: string | undefined,
    name?: string,
    parent?: Execution,
  ): { execution: Execution; existing: boolean } {
    const machine = this.stateMachine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!NAME.test(executionName))
      throw new ServiceError(
        'InvalidName',
        `Invalid Name: '${executionName}' (1-80 characters of 0-9A-Za-z_-)`,
      );
    const text = input ?? '{}';
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(text);
    } catch {
      throw new ServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is not valid JSON',
      );
    }
    // "Maximum input or output size for a task, state, or execution: 256 KiB" (Step Functions
    // service quotas). AWS refuses it as a request constraint (SensitiveData, bytes in UTF-8),
    // ValidationException without echoing the input, as recorded from StartExecution; the request
    // pipeline answers so on :4566 (local/limits/constraints.ts), this answers nested starts.
    if (Buffer.byteLength(text) > PAYLOAD_LIMIT_BYTES)
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to ${PAYLOAD_LIMIT_BYTES} bytes in UTF-8 encoding`,
      );
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:execution:${machine.name}:${executionName}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === text)
        return { execution: existing, existing: true };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.run(machine, arn, executionName, text, parsedInput, parent);
    return { execution, existing: false };
  }

  private run(
    machine: StateMachineRecord,
    arn: string,
    name: string,
    text: string,
    input: unknown,
    parent?: Execution,
  ): Execution {
    const history = new History(new Causality(machine.definition));
    const execution: Execution = {
      arn,
      name,
      stateMachine: machine,
      input: text,
      status: 'RUNNING',
      startDate: new Date(),
      history,
      ...(parent && { parentArn: parent.arn }),
      children: [],
      done: Promise.resolve(),
      activeTasks: new Map(),
      retries: [],
      entered: () => Promise.resolve(),
      abort: () => undefined,
      redriveCount: 0,
      progress: new StateProgress(),
      redriveTokens: [],
      skippedIterations: new Map(),
    };
    parent?.children.push(execution);
    this.executions.set(arn, execution);
    history.subscribe((event) => {
      this.options.clock.touch?.();
      this.options.onHistoryEvent?.(execution, event);
    });
    // The first state's event follows event 0, not ExecutionStarted (causality.ts).
    history.add(
      'ExecutionStarted',
      {
        input: text,
        inputDetails: { truncated: false },
        roleArn: machine.roleArn,
        stateMachineArn: machine.arn,
      },
      { advance: false },
    );
    this.options.onStatusChange?.(execution);
    this.attempt(execution, machine.engine, machine.plan, input);
    return execution;
  }

  /**
   * RedriveExecution: restarts a FAILED, TIMED_OUT or ABORTED execution from the states that did
   * not succeed, with the same input and ARN (redrive-plan.ts). Returns the redrive date; a client
   * token already used for a successful redrive of this execution answers that redrive again.
   * Throws ExecutionDoesNotExist, or ExecutionNotRedrivable with the documented reason (redrive.ts).
   */
  redrive(executionArn: unknown, clientToken?: string): { redriveDate: Date } {
    const execution = this.execution(executionArn);
    const now = Date.now();
    const repeated = redriveTokenAnswer(execution, clientToken, now);
    if (repeated) return { redriveDate: repeated };
    const reason = notRedrivableReason(execution, now);
    if (reason) throw new ServiceError('ExecutionNotRedrivable', reason);
    const machine = execution.stateMachine;
    const redriveDate = new Date(now);
    execution.redriveCount += 1;
    execution.redriveDate = redriveDate;
    execution.status = 'RUNNING';
    delete execution.stopDate;
    delete execution.output;
    delete execution.error;
    delete execution.cause;
    rememberRedriveToken(execution, clientToken, now);
    // "ExecutionRedriven": the redrive attempt of an execution, with its redriveCount (Step
    // Functions API reference, HistoryEvent `executionRedrivenEventDetails`,
    // ExecutionRedrivenEventDetails). It follows the event that ended the previous attempt, and
    // the first redriven state follows it.
    execution.history.add(
      'ExecutionRedriven',
      { redriveCount: execution.redriveCount },
      { chain: ROOT_CHAIN, previous: execution.history.events.length },
    );
    this.options.onStatusChange?.(execution);
    const redrive = redriveDefinition(machine.definition, execution.progress);
    execution.skippedIterations = redrive.skippedIterations;
    const plan = planForEngine(redrive.definition, this.options.clock.speedup);
    const engine = new StateMachine(plan.definition, { validationOptions: { noValidate: true } });
    this.attempt(execution, engine, plan, JSON.parse(execution.input) as unknown);
    return { redriveDate };
  }

  /** One attempt of an execution on the engine: the first run, or a redrive. */
  private attempt(execution: Execution, engine: StateMachine, plan: EnginePlan, input: unknown): void {
    const machine = execution.stateMachine;
    const { arn, name, history } = execution;
    let settle!: () => void;
    execution.done = new Promise<void>((resolve) => (settle = resolve));
    const placeholderToken = `sandbox-task-token-placeholder:${randomUUID()}`;
    const deps: IntegrationDeps = {
      ...this.options,
      startNested: (smArn, childInput, childName) =>
        this.start(smArn, childInput, childName, execution).execution,
    };
    // When the attempt ends (stopped, timed out, finished), every task still in flight is settled
    // too: the engine library clears a task's own timer (TimeoutSeconds, or its default of about
    // 23 days of real time) only when the task settles, and that timer would keep the process alive.
    let endAttempt!: (reason: TaskFailure) => void;
    const attemptEnded = new Promise<never>((_, reject) => (endAttempt = reject));
    attemptEnded.catch(() => undefined);
    const handlers: Record<string, (input: never) => Promise<never>> = {} as never;
    for (const [stateName, task] of machine.tasks) {
      handlers[stateName] = ((taskInput: unknown) =>
        Promise.race([
          runTaskState({ execution, stateName, ...task, placeholderToken }, taskInput, deps),
          attemptEnded,
        ])) as never;
    }
    const run = engine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        waitTimeOverrides: plan.waitTimeOverrides,
      },
      context: {
        Execution: { Id: arn, Name: name, RoleArn: machine.roleArn, RedriveCount: execution.redriveCount },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: placeholderToken },
        State: {
          // Parameters are evaluated as the state is entered, so "now" is the entered time.
          get EnteredTime() {
            return new Date().toISOString();
          },
        },
      },
    });
    let stopRequest: StopRequest | undefined;
    execution.abort = (error?: string, cause?: string) => {
      if (execution.status !== 'RUNNING' || stopRequest) return;
      stopRequest = {
        status: 'ABORTED',
        ...(error !== undefined && { error }),
        ...(cause !== undefined && { cause }),
      };
      for (const child of execution.children)
        child.abort('States.Aborted', 'the parent execution was stopped');
      run.abort();
    };
    // The state machine's TimeoutSeconds runs on the simulated clock (the engine's own timer would
    // count real seconds). "TimeoutSeconds: the maximum time an execution of the state machine can
    // run; if it runs longer, the execution fails with a States.Timeout error" (Amazon States
    // Language specification, "Top-level fields"); the execution ends TIMED_OUT.
    const limit = machine.definition.TimeoutSeconds;
    const timeoutTimer =
      typeof limit === 'number'
        ? this.options.clock.after(limit * 1000, () => {
            if (execution.status !== 'RUNNING' || stopRequest) return;
            stopRequest = {
              status: 'TIMED_OUT',
              error: 'States.Timeout',
              cause: 'The execution did not complete within its TimeoutSeconds',
            };
            for (const child of execution.children)
              child.abort('States.Aborted', 'the parent execution timed out');
            run.abort();
          })
        : undefined;
    // A state's input or output over 256 KiB is a terminal States.DataLimitExceeded: no catcher
    // (States.ALL included) sees it and the execution fails (payload-limits.ts). The engine has
    // moved on by the time its event arrives here, so the run is stopped and nothing after the
    // state is recorded.
    const dataLimitExceeded = (stateName: string) => {
      if (execution.status !== 'RUNNING' || stopRequest) return;
      const failure = { error: DATA_LIMIT_EXCEEDED, cause: resultTooLargeCause(stateName) };
      stopRequest = { status: 'FAILED', ...failure };
      this.finish(execution, 'FAILED', failure);
      for (const child of execution.children) child.abort('States.Aborted', 'the parent execution failed');
      run.abort();
    };
    const order = new EventOrder<EngineEvent>(
      history.causality,
      (state) => machine.stateTypes.get(state) ?? 'Task',
      (event) => this.convert(execution, event, stopRequest, dataLimitExceeded),
    );
    execution.entered = (stateName) => order.entered(stateName);
    const consume = async () => {
      for await (const event of run.eventLogs) order.push(event as unknown as EngineEvent);
      order.flush();
    };
    void Promise.allSettled([consume(), run.result]).then(() => {
      this.options.clock.cancel(timeoutTimer);
      if (execution.status === 'RUNNING') {
        // The engine ended without a terminal event (should not happen): record it as failed.
        this.finish(execution, 'FAILED', {
          error: 'States.Runtime',
          cause: 'the local engine ended the execution without a result',
        });
      }
      this.options.tokens.finishExecution(arn);
      execution.activeTasks.clear();
      endAttempt(new TaskFailure('States.Runtime', 'the execution attempt ended'));
      settle();
    });
  }

  private finish(
    execution: Execution,
    status: ExecutionStatus,
    details: { output?: string; error?: string; cause?: string },
  ): void {
    execution.status = status;
    execution.stopDate = new Date();
    // Error and cause as Step Functions keeps them: 256 and 32,768 characters (payload-limits.ts).
    if (details.error !== undefined) details = { ...details, error: limitError(details.error) };
    if (details.cause !== undefined) details = { ...details, cause: limitCause(details.cause) };
    if (details.output !== undefined) execution.output = details.output;
    if (details.error !== undefined) execution.error = details.error;
    if (details.cause !== undefined) execution.cause = details.cause;
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      TIMED_OUT: 'ExecutionTimedOut',
      ABORTED: 'ExecutionAborted',
      RUNNING: '',
    }[status];
    const eventDetails =
      status === 'SUCCEEDED'
        ? { output: details.output, outputDetails: { truncated: false } }
        : {
            ...(details.error !== undefined && { error: details.error }),
            ...(details.cause !== undefined && { cause: details.cause }),
          };
    // The end follows the last top-level event: the Fail state, or the failure nothing caught.
    execution.history.add(type, eventDetails, { chain: ROOT_CHAIN });
    this.options.tokens.finishExecution(execution.arn);
    for (const task of execution.activeTasks.values()) task.abandoned = true;
    this.options.onStatusChange?.(execution);
  }

  /** One engine event into AWS history events, each placed in its causal chain (causality.ts). */
  private convert(
    execution: Execution,
    event: EngineEvent,
    stopRequest: StopRequest | undefined,
    dataLimitExceeded: (stateName: string) => void,
  ): void {
    // Failed on a payload over the limit: the execution has ended, nothing more is recorded.
    if (stopRequest?.status === 'FAILED') return;
    const { history } = execution;
    const { causality } = history;
    const typeOf = (name: string) => execution.stateMachine.stateTypes.get(name) ?? 'Task';
    // The states a redrive inserts stand for work an earlier attempt did: no history of their own.
    if (event.state && isRedriveState(event.state.name)) return;
    switch (event.type) {
      case 'StateEntered': {
        const name = event.state.name;
        const type = typeOf(name);
        const chain = causality.chainFor(name, event.index);
        if (causality.isCancelled(chain)) return;
        if (overPayloadLimit(event.state.input)) return dataLimitExceeded(name);
        execution.progress.entered(name, event.state.input);
        history.add(
          `${type}StateEntered`,
          { name, input: payload(event.state.input), inputDetails: { truncated: false } },
          { chain },
        );
        if (type === 'Parallel') {
          const started = history.add('ParallelStateStarted', undefined, { chain });
          causality.startBranches(name, started.id);
        }
        if (type === 'Map') {
          const length = mapLength(execution.stateMachine, name, event.state.input);
          const started = history.add('MapStateStarted', { length }, { chain });
          causality.startMap(name, started.id, length);
        }
        return;
      }
      case 'StateExited': {
        const name = event.state.name;
        const type = typeOf(name);
        const chain = causality.chainOfState(name);
        if (causality.isCancelled(chain)) return;
        if (overPayloadLimit(event.state.output)) return dataLimitExceeded(name);
        // A Parallel or Map ends when its last branch or iteration does: both events follow that
        // one. One whose failure was caught exits right after its …StateFailed.
        execution.progress.exited(name, event.state.output);
        const map = causality.mapOf(name);
        if (map !== undefined && event.index !== undefined)
          execution.progress.iterationOutput(map, event.index, event.state.output);
        const succeeded = (type === 'Parallel' || type === 'Map') && !causality.hasFailed(name);
        const inner = succeeded ? { previous: causality.joined(name) } : {};
        if (succeeded) history.add(`${type}StateSucceeded`, undefined, { ...inner, advance: false });
        history.add(
          `${type}StateExited`,
          { name, output: payload(event.state.output), outputDetails: { truncated: false } },
          { chain, ...inner },
        );
        return;
      }
      case 'StateFailed': {
        const name = event.state.name;
        const type = typeOf(name);
        const chain = causality.chainOfState(name);
        if (causality.isCancelled(chain)) return;
        if (type === 'Task' && event.Error === 'States.Timeout') {
          const invocation = execution.activeTasks.get(name);
          if (invocation && !invocation.abandoned) {
            invocation.abandoned = true;
            invocation.onTimeout();
            history.add(
              invocation.resourceKind === 'lambda-arn' ? 'LambdaFunctionTimedOut' : 'TaskTimedOut',
              {
                ...(invocation.resourceKind === 'lambda-arn'
                  ? {}
                  : { resourceType: invocation.resourceType, resource: invocation.resource }),
                error: 'States.Timeout',
                cause: 'The task did not complete within its TimeoutSeconds',
              },
              { chain },
            );
          }
        }
        if (type === 'Parallel' || type === 'Map') {
          history.add(
            `${type}StateFailed`,
            { error: event.Error, cause: causeText(event.Cause) },
            { chain, previous: causality.failedInner(name, (id) => history.typeOf(id)) },
          );
          causality.cancelInner(name);
        }
        return;
      }
      case 'StateRetried':
        execution.retries.push(event.state.name);
        return;
      case 'MapIterationStarted': {
        const index = event.index ?? 0;
        if (execution.skippedIterations.get(event.parentState.name)?.has(index)) return;
        const link = causality.startIteration(event.parentState.name, index);
        history.add(event.type, { name: event.parentState.name, index }, link);
        return;
      }
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        if (event.type === 'MapIterationSucceeded')
          execution.progress.iterationSucceeded(event.parentState.name, event.index ?? 0);
        if (execution.skippedIterations.get(event.parentState.name)?.has(event.index ?? 0)) return;
        history.add(
          event.type,
          { name: event.parentState.name, index: event.index },
          { chain: `${event.parentState.name}[${event.index}]`, advance: false },
        );
        return;
      case 'ExecutionSucceeded':
        return this.finish(execution, 'SUCCEEDED', { output: payload(event.output) });
      case 'ExecutionFailed':
        return this.finish(execution, 'FAILED', { error: event.Error, cause: causeText(event.Cause) });
      case 'ExecutionAborted': {
        const { status, ...details } = stopRequest ?? { status: 'ABORTED' as const };
        return this.finish(execution, status, details);
      }
      case 'ExecutionTimeout':
        return this.finish(execution, 'TIMED_OUT', {
          error: 'States.Timeout',
          cause: 'The execution did not complete within its TimeoutSeconds',
        });
      default:
        // ParallelBranch*, StateCaught: AWS records no event of its own for these.
        return;
    }
  }

  /** Stops everything (sandbox shutdown): running executions are aborted. */
  stopAll(): void {
    for (const execution of this.executions.values())
      execution.abort('Sandbox.Stopped', 'the sandbox is shutting down');
  }

  /** Forgets executions (reset). Running ones are aborted first. */
  clearExecutions(): void {
    this.stopAll();
    this.executions.clear();
  }
}

/**
 * Why the engine was told to abort: StopExecution, the execution's TimeoutSeconds, or a state's
 * payload over the limit (FAILED, recorded at once).
 */
interface StopRequest {
  status: 'ABORTED' | 'TIMED_OUT' | 'FAILED';
  error?: string;
  cause?: string;
}

interface EngineEvent {
  type: string;
  timestamp: number;
  state: { name: string; type: string; input: unknown; output?: unknown };
  parentState: { name: string };
  /** The Map iteration an event belongs to (events forwarded from a Map iteration carry it). */
  index?: number;
  Error: string;
  Cause: unknown;
  output: unknown;
}

const causeText = (cause: unknown): string =>
  limitCause(typeof cause === 'string' ? cause : cause === undefined ? '' : JSON.stringify(cause));

function mapLength(machine: StateMachineRecord, name: string, input: unknown): number {
  const state = allStates(machine.definition).find((s) => s.name === name)?.state;
  const path = typeof state?.ItemsPath === 'string' ? state.ItemsPath : '$';
  let items: unknown = input;
  if (path !== '$')
    for (const part of path.replace(/^\$\.?/, '').split('.'))
      items = (items as Record<string, unknown> | undefined)?.[part];
  return Array.isArray(items) ? items.length : 0;
}
