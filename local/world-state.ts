/**
 * The world as `GET /_sandbox/state` shows it (fields are a contract: extend, never rename).
 * Locks are read through DynamoDB Scan, like any other client would.
 */
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { DeployLocksTable } from '../functions/commons/tables';
import { stateMachineName } from '../functions/commons/types/pipeline-input';
import type { SimClock } from './clock';
import type { FaultBook } from './faults';
import type { StepFunctionsEngine } from './sfn/engine';
import type { TaskTokens } from './sfn/task-tokens';
import type { RuleTargetDelivery } from './services/events/rule-delivery';
import type { StatusEventBus } from './services/events/status-events';
import type { LambdaRuntime } from './services/lambda/runtime';
import type { SandboxIam } from './iam/sandbox-iam';
import type { World } from './world';

/** What the state view reads. */
export interface StateSources {
  clock: SimClock;
  speedup: number;
  config: PipelinesConfig;
  faults: FaultBook;
  world: World;
  engine: StepFunctionsEngine;
  tokens: TaskTokens;
  statusEvents: StatusEventBus;
  /** Service events to rule targets (optional for callers that do not route them). */
  serviceEvents?: RuleTargetDelivery;
  lambda: LambdaRuntime;
  /** The IAM enforcement, when on. */
  iam?: SandboxIam;
  /** Functions whose invocation counts are reported. */
  functionNames: readonly string[];
}

/** The world's current state (JSON-ready). */
export async function worldState(s: StateSources): Promise<Record<string, unknown>> {
  const { world } = s;
  const locks = await world.dynamodb.scan(DeployLocksTable.localName);
  return {
    now: s.clock.date().toISOString(),
    speedup: s.speedup,
    scenario: s.faults.activeScenario.name,
    pipelines: s.config.pipelines.map((p) => ({
      name: p.name,
      target: p.target.kind,
      stateMachineArn: s.engine.stateMachineArn(stateMachineName(p.name)),
      liveCommit: world.liveCommit(p.name),
    })),
    environments: [...world.beanstalk.environments.values()].map((e) => ({
      name: e.name,
      application: e.application,
      status: e.status,
      health: e.health,
      healthStatus: e.healthStatus,
      versionLabel: e.versionLabel,
      previousVersionLabel: e.previousVersionLabel,
      deployment: e.deployment ?? null,
      recentEvents: world.beanstalk.events
        .filter((ev) => ev.EnvironmentName === e.name)
        .slice(-8)
        .map((ev) => `${ev.EventDate.toISOString()} ${ev.Severity} ${ev.Message}`),
    })),
    versions: [...world.beanstalk.applications].flatMap(([application, versions]) =>
      [...versions.values()].map((v) => ({
        application,
        label: v.label,
        status: v.status,
        commitSha: v.commitSha,
      })),
    ),
    instances: world.fleet.list().map((i) => ({
      id: i.id,
      name: i.name,
      tags: i.tags,
      pingStatus: i.pingStatus,
      cpuPercent: i.cpuPercent,
      memoryPercent: i.memoryPercent,
      diskPercent: i.diskPercent,
      currentRelease: i.currentRelease,
      previousRelease: i.previousRelease,
      service: i.service,
    })),
    locks: locks.map((item) =>
      Object.fromEntries(Object.entries(item).map(([k, v]) => [k, Object.values(v)[0]])),
    ),
    alarms: [...world.alarms.alarms.values()].map((a) => ({ name: a.AlarmName, state: a.StateValue })),
    pendingTasks: s.tokens
      .list()
      .map((t) => ({ executionArn: t.executionArn, stateName: t.stateName, taskToken: t.token })),
    executions: [...s.engine.executions.values()].map((e) => ({
      executionArn: e.arn,
      stateMachine: e.stateMachine.name,
      status: e.status,
      error: e.error ?? null,
      startDate: e.startDate.toISOString(),
      stopDate: e.stopDate?.toISOString() ?? null,
    })),
    notifications: {
      delivered: s.statusEvents.deliveries.filter((d) => d.state === 'delivered').length,
      deadLetters: s.statusEvents.deadLetters.length,
    },
    serviceEvents: {
      delivered: (s.serviceEvents?.deliveries ?? []).filter((d) => d.state === 'delivered').length,
      lost: (s.serviceEvents?.deliveries ?? []).filter((d) => d.state === 'dropped').length,
      failed: (s.serviceEvents?.deliveries ?? []).filter((d) => d.state === 'failed').length,
    },
    faultsInjected: { ...s.faults.injected },
    iam: {
      enforced: Boolean(s.iam),
      accessDenied: (s.iam?.authorizer.denials ?? []).map((d) => ({
        principal: d.principal,
        action: d.action,
        resource: d.resource,
        via: d.via,
      })),
    },
    functions: Object.fromEntries(
      s.functionNames.map((name) => [
        name,
        s.lambda.invocations.filter((i) => i.functionName === name).length,
      ]),
    ),
  };
}
