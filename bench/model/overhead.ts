/**
 * A deterministic overhead model of one deployment. The real ASL files run on the local engine
 * against the scripted world (bench/support/pipeline-harness.ts): that gives every state transition and
 * every Lambda call, in order. Time is then charged only by the latency model (bench/model/latency.ts)
 * and by the documented stage durations below, never by this machine's clock, so the same
 * scenario gives the same figures on every run and every machine.
 *
 * Lead time (push to a verified release) = service + policy + poll lag + Lambda + transitions +
 * event deliveries, all on the critical path; overhead is everything but service and policy.
 * Transitions inside the build ║ scan Parallel are all charged, as if serial (an upper bound).
 */
import type { PipelineSettings } from '../../functions/commons/config/schema';
import { runPipeline, transitions, type Scenario, type WorldRun } from '../support/pipeline-harness';
import { lambdaMs, type LatencyModel } from './latency';

/** Stage durations, minutes: what CodeBuild, Beanstalk and SSM take, and a person's approval. */
export const STAGE_MINUTES = {
  build: 4,
  scan: 2,
  health: 0.5,
  approval: 10,
  versionProcessing: 0.5,
  deployEb: 8,
  deploySsm: 6,
  rollback: 4,
};

/** Poll intervals (s) the task functions answer with while a stage runs (only the version still polls). */
export const POLL_SECONDS = { version: 10 };
/**
 * The SSM release and rollback waits are event-driven (deploy-ssm.asl.json: wait-router resumes
 * the task on SSM's final-status event); this is their safety poll (HeartbeatSeconds), which only
 * a lost event makes them wait out.
 */
export const SSM_SAFETY_POLL_SECONDS = 300;
/**
 * The Beanstalk canary and rollback waits are event-driven too (deploy-beanstalk.asl.json:
 * wait-router resumes the task on Beanstalk's "resource status change" event); their safety polls.
 */
export const EB_SAFETY_POLL_SECONDS = { deploy: 600, rollback: 300 };

/** Waits needed to see a stage of `seconds` finish when polled every `interval` s. */
export const pollsFor = (seconds: number, interval: number) => Math.ceil(seconds / interval);
/**
 * Expected time between a stage finishing and the poll that notices it, s: a service's end falls
 * anywhere within a poll interval (uniformly), so on average half an interval passes. A wait with
 * a known end (the bake window: it times out when the window is over) or ended by an event has no
 * lag.
 */
export const pollLagSeconds = (interval: number) => interval / 2;

/** Per-scenario figures, milliseconds (share: 0..1). */
export interface ModelledRun {
  status: string;
  leadMs: number;
  serviceMs: number;
  policyMs: number;
  pollLagMs: number;
  lambdaMs: number;
  lambdaCalls: number;
  transitionMs: number;
  transitions: number;
  eventMs: number;
  overheadMs: number;
  overheadShare: number;
}

/** What a scenario asks of the world; poll counts follow from the stage durations. */
export interface ModelScenario {
  settings: PipelineSettings;
  /** Scripted-world overrides (failures); polls are set from STAGE_MINUTES unless given. */
  world?: Scenario;
  /** The stages that run: a failed build stops before the deploy, a rollback adds one. */
  stages: { deploy: boolean; bake: boolean; rollback: boolean };
}

const MIN = 60_000;

/** Runs the scenario on the local engine and charges its critical path. */
export async function modelRun(scenario: ModelScenario, model: LatencyModel): Promise<ModelledRun> {
  const { settings, stages } = scenario;
  const eb = settings.target.kind === 'elastic-beanstalk';
  const deploySeconds = (eb ? STAGE_MINUTES.deployEb : STAGE_MINUTES.deploySsm) * 60;
  const deployInterval = eb ? EB_SAFETY_POLL_SECONDS.deploy : SSM_SAFETY_POLL_SECONDS;
  const world: Scenario = {
    versionPolls: pollsFor(STAGE_MINUTES.versionProcessing * 60, POLL_SECONDS.version),
    // The deploy and rollback waits end on their events; these counts only matter when one is lost.
    deployPolls: pollsFor(deploySeconds, deployInterval),
    rollbackPolls: pollsFor(
      STAGE_MINUTES.rollback * 60,
      eb ? EB_SAFETY_POLL_SECONDS.rollback : SSM_SAFETY_POLL_SECONDS,
    ),
    ...scenario.world,
  };
  const run = await runPipeline(settings, world);
  return charge(run, settings, stages, model);
}

/** The figures of a finished run (pure: same run, same figures). */
export function charge(
  run: WorldRun,
  settings: PipelineSettings,
  stages: ModelScenario['stages'],
  model: LatencyModel,
): ModelledRun {
  const eb = settings.target.kind === 'elastic-beanstalk';
  const deploySeconds = (eb ? STAGE_MINUTES.deployEb : STAGE_MINUTES.deploySsm) * 60;
  const approval = settings.approval.required;

  let service = Math.max(STAGE_MINUTES.build, STAGE_MINUTES.scan) * MIN;
  let policy = 0;
  let lag = 0;
  // The deploy and rollback waits end on the service's event (SSM's final status, Beanstalk's
  // update outcome): an EventBridge delivery each, no poll lag.
  let serviceEvents = 0;
  if (stages.deploy) {
    service += STAGE_MINUTES.health * MIN + deploySeconds * 1000;
    serviceEvents += 1;
    if (eb) {
      service += STAGE_MINUTES.versionProcessing * MIN;
      lag += pollLagSeconds(POLL_SECONDS.version) * 1000;
    }
    if (approval) policy += STAGE_MINUTES.approval * MIN;
  }
  if (stages.bake) policy += settings.verify.bakeMinutes * MIN;
  if (stages.rollback) {
    service += STAGE_MINUTES.rollback * MIN;
    serviceEvents += 1;
  }

  // Lambda: the webhook that started the run, every task call in order (first call of a function
  // in the run is cold), and the approval callback when a person approves through a link.
  const seen = new Set<string>();
  const charged = (fn: string) => {
    const cold = !seen.has(fn);
    seen.add(fn);
    return lambdaMs(model, fn, cold);
  };
  let lambda = charged('github-webhook');
  let lambdaCalls = 1;
  for (const call of run.calls) {
    lambda += charged(call.fn);
    lambdaCalls += 1;
    if (call.fn === 'approval-request' && call.action === 'request') {
      lambda += charged('approval-callback');
      lambdaCalls += 1;
    }
  }
  const count = transitions(run);
  const transitionMs = count * model.transitionMs;
  // Events on the critical path: the longer CodeBuild build's completion (".sync" integrations
  // learn of completion through EventBridge managed rules), the deploy sub-workflow's end, and
  // the service events that end the deploy and rollback waits (wait-router's calls are in
  // run.calls).
  const eventMs = (1 + (stages.deploy ? 1 : 0) + serviceEvents) * model.eventDeliveryMs;

  const overhead = lag + lambda + transitionMs + eventMs;
  const lead = service + policy + overhead;
  return {
    status: run.error ?? run.status,
    leadMs: lead,
    serviceMs: service,
    policyMs: policy,
    pollLagMs: lag,
    lambdaMs: lambda,
    lambdaCalls,
    transitionMs,
    transitions: count,
    eventMs,
    overheadMs: overhead,
    overheadShare: overhead / lead,
  };
}
