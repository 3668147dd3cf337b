/**
 * The sandbox's Step Functions runtime without the sandbox: tests and the benchmark register the
 * real ASL files and run executions on the same engine, integrations, task tokens and history the
 * sandbox's :4566 endpoint serves, against a world they script (Lambda answers, CodeBuild builds).
 * Time is virtual by default (clock.ts), so polls, waits and timeouts cost no real time.
 */
import { VirtualClock, type EngineClock } from './clock';
import { StepFunctionsEngine, type Execution, type StateMachineRecord } from './engine';
import type { AslDefinition } from './transform';
import type { IntegrationDeps } from './integrations';
import { TaskTokens } from './task-tokens';

/** What the scripted world supplies; integrations it leaves out fail the Task that needs them. */
export type LocalWorld = Pick<IntegrationDeps, 'invokeLambda'> &
  Partial<
    Pick<IntegrationDeps, 'lambdaServiceFault' | 'startBuild' | 'buildFinished' | 'dynamodb' | 'putEvents'>
  >;

export interface StandaloneOptions {
  world: LocalWorld;
  /** Default eu-west-1 / 123456789012. */
  region?: string;
  account?: string;
  /** Default: a fresh VirtualClock. */
  clock?: EngineClock;
}

const missing = (what: string) => (): never => {
  throw new Error(`this local world supplies no ${what}`);
};

/** One engine with its task tokens, for running executions to their end outside the sandbox. */
export class LocalStepFunctions {
  readonly engine: StepFunctionsEngine;
  readonly tokens = new TaskTokens();
  readonly clock: EngineClock;

  constructor(options: StandaloneOptions) {
    this.clock = options.clock ?? new VirtualClock();
    const { world } = options;
    this.engine = new StepFunctionsEngine({
      clock: this.clock,
      region: options.region ?? 'eu-west-1',
      account: options.account ?? '123456789012',
      tokens: this.tokens,
      invokeLambda: (name, payload) => world.invokeLambda(name, payload),
      ...(world.lambdaServiceFault && { lambdaServiceFault: world.lambdaServiceFault }),
      startBuild: world.startBuild ?? missing('CodeBuild builds'),
      buildFinished: world.buildFinished ?? missing('CodeBuild builds'),
      dynamodb: world.dynamodb ?? missing('DynamoDB'),
      putEvents: world.putEvents ?? missing('EventBridge'),
    });
  }

  /** Registers a state machine (validated as CreateStateMachine would). */
  register(name: string, definition: AslDefinition | string): StateMachineRecord {
    return this.engine.register(name, definition);
  }

  /** StartExecution, then waits for the execution's end (its history complete). */
  async run(stateMachineArn: string, input: unknown, name?: string): Promise<Execution> {
    const { execution } = this.engine.start(stateMachineArn, JSON.stringify(input ?? {}), name);
    await execution.done;
    return execution;
  }
}
