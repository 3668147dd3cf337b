/**
 * Step Functions in the sandbox: the engine wired to the world (Lambda in-process, CodeBuild,
 * DynamoDB and EventBridge integrations, fault hooks, the live log, status events) and the
 * project's state machines registered from statemachines/ with the substitutions CDK uses.
 */
import type { PipelineSettings, PipelinesConfig } from '../functions/commons/config/schema';
import { stateMachineName } from '../functions/commons/types/pipeline-input';
import {
  DEPLOY_DEFINITION,
  deploySubstitutions,
  loadDefinition,
  pipelineSubstitutions,
  substitute,
  type TargetKind,
} from '../statemachines/definitions';
import type { SimClock } from './clock';
import type { FaultBook } from './faults';
import type { LiveLog } from './live-log';
import { StepFunctionsEngine, type EngineOptions, type Execution } from './sfn/engine';
import type { TaskTokens } from './sfn/task-tokens';
import type { PutEventsEntry } from './services/events/model';
import type { LambdaRuntime } from './services/lambda/runtime';
import type { World } from './world';

export interface EngineWiring {
  clock: SimClock;
  region: string;
  account: string;
  tokens: TaskTokens;
  world: World;
  faults: FaultBook;
  lambda: LambdaRuntime;
  config: PipelinesConfig;
  live?: LiveLog;
  /** Every execution status change (status events to the notifier). */
  onStatusChange: (execution: Execution) => void;
  /** Each task's call authorised with the state machine's role (IAM enforcement). */
  authorizeTask?: EngineOptions['authorizeTask'];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The engine, its integrations served by the world's services. */
export function createEngine(w: EngineWiring): StepFunctionsEngine {
  const { world, faults } = w;
  const byPipeline = new Map(w.config.pipelines.map((p) => [p.name, p]));
  return new StepFunctionsEngine({
    clock: w.clock,
    region: w.region,
    account: w.account,
    tokens: w.tokens,
    invokeLambda: (name, payload) => w.lambda.invoke(name, payload),
    lambdaServiceFault: (name, key) => faults.lambdaServiceFault(name, key),
    startBuild: (params) => world.codebuild.start(params),
    buildFinished: (id) => world.codebuild.finished(id),
    dynamodb: async (operation, params) => {
      try {
        return await world.dynamodb.call(operation, params);
      } catch (error) {
        // The integration reports DynamoDB's error name as the task's error (DynamoDB.<Name>).
        throw Object.assign(new Error((error as Error).message), { code: (error as { code?: string }).code });
      }
    },
    putEvents: (params) => world.events.put((params as { Entries?: PutEventsEntry[] }).Entries),
    onStatusChange: (execution: Execution) => {
      if (execution.status === 'RUNNING' && !execution.parentArn) {
        const input = safeJson(execution.input) as { commitSha?: unknown; pipeline?: unknown };
        if (typeof input?.commitSha === 'string' && typeof input.pipeline === 'string') {
          faults.noteCommit(input.commitSha, input.pipeline);
          // Health faults show before the health gate looks: apply them as the run starts.
          world.fleet.applyHealthFault(input.commitSha);
          const health = faults.faultsFor(input.commitSha).environmentHealth;
          const settings = byPipeline.get(input.pipeline);
          if (health && settings?.target.kind === 'elastic-beanstalk')
            world.beanstalk.setHealth(settings.target.environment, health, [
              `${health === 'Red' ? '3 of 3' : '1 of 3'} instances are failing the ELB health check.`,
            ]);
        }
      }
      w.onStatusChange(execution);
    },
    onHistoryEvent: (execution, event) => w.live?.onEvent(execution, event),
    ...(w.authorizeTask && { authorizeTask: w.authorizeTask }),
  });
}

/** Registers `deploy-<pipeline>` per pipeline and the deploy sub-workflows the pipelines use. */
export function registerProjectMachines(
  engine: StepFunctionsEngine,
  config: PipelinesConfig,
  resources: {
    functionArn: (name: string) => string;
    artifactsBucket: string;
    /** The role each state machine runs as (IAM enforcement); the engine's default otherwise. */
    roleOf?: (stateMachineName: string) => string | undefined;
  },
): void {
  const { functionArn } = resources;
  const deployArn = (kind: TargetKind) => engine.stateMachineArn(DEPLOY_DEFINITION[kind]);
  const resourcesFor = (settings: PipelineSettings) => ({
    functionArn,
    buildProjectName: `deploy-${settings.name}-build`,
    scanProjectName: `deploy-${settings.name}-scan`,
    artifactsBucket: resources.artifactsBucket,
    deployStateMachineArn: deployArn,
  });
  for (const kind of new Set(config.pipelines.map((p) => p.target.kind))) {
    const name = DEPLOY_DEFINITION[kind];
    engine.register(
      name,
      substitute(loadDefinition(name), deploySubstitutions({ functionArn })),
      resources.roleOf?.(name),
    );
  }
  for (const settings of config.pipelines)
    engine.register(
      stateMachineName(settings.name),
      substitute(loadDefinition('pipeline'), pipelineSubstitutions(settings, resourcesFor(settings))),
      resources.roleOf?.(stateMachineName(settings.name)),
    );
}
