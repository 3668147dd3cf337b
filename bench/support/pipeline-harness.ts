/**
 * Runs the real ASL files (placeholders filled by pipelineSubstitutions with fake ARNs) on the
 * sandbox's Step Functions runtime (local/sfn, the same engine, integrations and history as
 * :4566) against a scripted world: fake task functions that answer with the contract shapes of
 * functions/commons/types/tasks.ts, a fake CodeBuild, a person who approves or not. Jest-free: the
 * state machine tests (test/statemachines) and the benchmarks run the same scenarios.
 */
import { join } from 'node:path';
import { findPipeline, loadConfig } from '../../functions/commons/config/load-config';
import type { PipelineSettings } from '../../functions/commons/config/schema';
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';
import type { Execution } from '../../local/sfn/engine';
import type { HistoryEvent } from '../../local/sfn/history';
import { TaskFailure, type BuildRecord, type LambdaResult } from '../../local/sfn/integrations';
import { LocalStepFunctions } from '../../local/sfn/standalone';
import {
  deploySubstitutions,
  pipelineSubstitutions,
  renderDefinition,
  type DefinitionName,
  type PipelineResources,
} from '../../statemachines/definitions';
const ACCOUNT = 'arn:aws:%s:eu-west-1:123456789012';
const arn = (service: string, rest: string) => `${ACCOUNT.replace('%s', service)}:${rest}`;

/** Fake resource names and ARNs, shaped like the real ones. */
export const fakeResources: PipelineResources = {
  functionArn: (name) => arn('lambda', `function:deploy-controller-${name}`),
  buildProjectName: 'deploy-controller-build',
  scanProjectName: 'deploy-controller-scan',
  artifactsBucket: 'deploy-controller-artifacts-123456789012',
  deployStateMachineArn: (kind) =>
    arn('states', `stateMachine:${kind === 'elastic-beanstalk' ? 'deploy-beanstalk' : 'deploy-ssm'}`),
};

/** The application and environment a Beanstalk pipeline deploys to (empty names for others). */
function beanstalkTarget(settings: PipelineSettings): { application: string; environment: string } {
  const t = settings.target;
  return t.kind === 'elastic-beanstalk'
    ? { application: t.application, environment: t.environment }
    : { application: '', environment: '' };
}

/** The sample pipelines of pipelines.yaml. */
export function samplePipeline(name: 'retail-bank' | 'microblog'): PipelineSettings {
  return findPipeline(loadConfig(join(__dirname, '..', '..', 'pipelines.yaml')), name);
}

/** What the scripted world does. Every field has a happy default. */
export interface Scenario {
  build?: 'ok' | 'tests-fail' | 'install-fail';
  scan?: 'ok' | 'vulnerable';
  /** Lock answers in order; the last one repeats. */
  lock?: ('acquired' | 'waiting' | 'superseded')[];
  health?: 'ok' | 'unhealthy';
  approval?: 'approve' | 'reject' | 'expire';
  versionPolls?: number;
  deployPolls?: number;
  beanstalk?: 'succeeded' | 'reverted' | 'failed';
  ssm?: 'succeeded' | 'failed-one-of-three';
  /** fail: the deploy's smoke test fails, the rollback's passes; fail-always: both fail. */
  smoke?: 'ok' | 'fail' | 'fail-always';
  bakePolls?: number;
  alarm?: boolean;
  rollbackPolls?: number;
  lastGood?: { found: boolean; versionLabel: string | null; commitSha: string | null };
  /** Throttling errors a function answers before it works, by `<function>.<action>`. */
  throttle?: Record<string, number>;
  /** Told of every task call the world answers (after it is recorded in `calls`). */
  onCall?: (call: TaskCall) => void;
  /**
   * SSM's final-status and Beanstalk's update-outcome events: `delivered` (default) resumes each
   * wait when its command or update ends; `lost` never arrives, so each wait ends by its safety
   * poll (HeartbeatSeconds).
   */
  events?: 'delivered' | 'lost';
}

export interface TaskCall {
  fn: string;
  action: string;
  payload: Record<string, unknown>;
}

/** Parameters the ASL passes to CodeBuild StartBuild. */
export interface StartBuildParams {
  ProjectName: string;
  SourceVersion: string;
  TimeoutInMinutesOverride?: number;
  EnvironmentVariablesOverride: { Name: string; Type: 'PLAINTEXT'; Value: string }[];
}

/** How an execution ended, as DescribeExecution and GetExecutionHistory report it. */
export interface RunResult {
  status: Execution['status'];
  /** The output, parsed. */
  output?: unknown;
  error?: string;
  cause?: string;
  /** The execution history (GetExecutionHistory's events). */
  events: HistoryEvent[];
  /** States entered, in history order (including Parallel branches). */
  visited: string[];
  /** One entry per retry, by state name. */
  retried: string[];
}

export interface WorldRun extends RunResult {
  calls: TaskCall[];
  /** Lambda invocations including throttled attempts (each is billed as a request). */
  invocations: number;
  builds: StartBuildParams[];
  children: (RunResult & { definition: DefinitionName; input: unknown })[];
}

/** The names of the states entered, in history order. */
export function statesEntered(events: HistoryEvent[]): string[] {
  return events.flatMap((e) =>
    e.type.endsWith('StateEntered') ? [(e.stateEnteredEventDetails as { name: string }).name] : [],
  );
}

/** An ended execution as a RunResult. */
export function runResult(execution: Execution): RunResult {
  const events = [...execution.history.events];
  return {
    status: execution.status,
    ...(execution.output !== undefined && { output: JSON.parse(execution.output) as unknown }),
    ...(execution.error !== undefined && { error: execution.error }),
    ...(execution.cause !== undefined && { cause: execution.cause }),
    events,
    visited: statesEntered(events),
    retried: [...execution.retries],
  };
}

export const COMMIT = '4c5e2f1a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e';
/** The pipeline execution's name (its ARN: `…:execution:deploy-<pipeline>:<name>`). */
export const EXECUTION_NAME = '4c5e2f1a-delivery';

/** A pipeline input as the webhook starts it. */
export function pipelineInput(pipeline: string): PipelineInput {
  return {
    pipeline,
    repository: `example-org/${pipeline}`,
    commitSha: COMMIT,
    ref: 'refs/heads/main',
    branch: 'main',
    commitMessage: 'Fix the "; rm -rf /" bug $(whoami)',
    commitAuthor: 'Ada',
    commitTimestamp: '2026-11-20T10:00:00Z',
    pusher: 'ada',
    compareUrl: `https://github.com/example-org/${pipeline}/compare/a...b`,
    deliveryId: '6f1c2d3e-0000-4000-8000-000000000001',
    receivedAt: '2026-11-20T10:00:01Z',
  };
}

/** A function error (`name` is the errorType) or, named `Lambda.*`, a Lambda service error. */
class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** CodeBuild's build phases (BatchGetBuilds `phases`), the failed one marked FAILED. */
const phases = (failed?: string): { phaseType: string; phaseStatus?: string }[] => {
  const order = [
    'SUBMITTED',
    'QUEUED',
    'PROVISIONING',
    'DOWNLOAD_SOURCE',
    'INSTALL',
    'PRE_BUILD',
    'BUILD',
    'POST_BUILD',
    'UPLOAD_ARTIFACTS',
    'FINALIZING',
  ];
  return [
    ...order.map((phaseType) => ({ phaseType, phaseStatus: phaseType === failed ? 'FAILED' : 'SUCCEEDED' })),
    { phaseType: 'COMPLETED' },
  ];
};

/** A pipeline execution started in the scripted world, and what the world saw so far. */
export interface StartedPipeline {
  sfn: LocalStepFunctions;
  execution: Execution;
  calls: TaskCall[];
  builds: StartBuildParams[];
  /** The run as it is now (call after `execution.done`). */
  result(): WorldRun;
}

/** Runs a pipeline execution of `settings` in the scripted world to its end. */
export async function runPipeline(settings: PipelineSettings, scenario: Scenario = {}): Promise<WorldRun> {
  const started = startPipeline(settings, scenario);
  await started.execution.done;
  return started.result();
}

/**
 * Starts a pipeline execution of `settings` in the scripted world. The scenario is read as the
 * run goes, so a test can change it (end an outage) before a redrive.
 */
export function startPipeline(settings: PipelineSettings, scenario: Scenario = {}): StartedPipeline {
  const values = { ...pipelineSubstitutions(settings, fakeResources), ...deploySubstitutions(fakeResources) };
  const definitions = {
    pipeline: renderDefinition('pipeline', values),
    'deploy-beanstalk': renderDefinition('deploy-beanstalk', values),
    'deploy-ssm': renderDefinition('deploy-ssm', values),
  };
  const calls: TaskCall[] = [];
  const builds: StartBuildParams[] = [];
  const counters = new Map<string, number>();
  const next = (key: string) => {
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return n;
  };
  const polls = (key: string, inProgress: number) => next(key) < inProgress;

  let invocations = 0;
  const answer = (fn: string, payload: Record<string, unknown>): unknown => {
    invocations += 1;
    const action = String(payload.action ?? 'check');
    const throttled = scenario.throttle?.[`${fn}.${action}`] ?? 0;
    if (next(`throttle:${fn}.${action}`) < throttled)
      throw new NamedError('Lambda.TooManyRequestsException', 'Rate exceeded');
    calls.push({ fn, action, payload });
    scenario.onCall?.({ fn, action, payload });
    switch (`${fn}.${action}`) {
      case 'deploy-history.recordStart':
      case 'deploy-history.recordOutcome':
        return { recorded: true };
      case 'deploy-history.lastGood':
        return (
          scenario.lastGood ?? { found: true, versionLabel: 'v-previous-good', commitSha: 'a'.repeat(40) }
        );
      case 'deploy-lock.acquire': {
        const answers = scenario.lock ?? ['acquired'];
        const status = answers[Math.min(next('lock'), answers.length - 1)];
        if (status === 'acquired')
          return { status, targetKey: 'target', leaseExpiresAt: '2026-11-20T12:00:00Z', waitSeconds: 0 };
        if (status === 'waiting')
          return { status, targetKey: 'target', heldBy: 'arn:other', waitSeconds: 30 };
        return {
          status,
          targetKey: 'target',
          supersededBy: 'arn:newer',
          supersededByCommitSha: 'b'.repeat(40),
          reason: `older than ${'b'.repeat(12)}, which is waiting to deploy`,
          waitSeconds: 0,
        };
      }
      case 'deploy-lock.release':
        return { released: true, targetKey: 'target' };
      case 'health-gate.check':
        if (scenario.health === 'unhealthy')
          throw new NamedError('TargetUnhealthyError', 'retail-bank-prod health is Red');
        return { healthy: true, findings: [{ resource: 'env', check: 'health', ok: true, detail: 'Green' }] };
      case 'approval-request.prepare':
        return {
          approvalId: 'ap-1',
          approveUrl: 'https://ctl.example.com/approve?t=x',
          rejectUrl: 'https://ctl.example.com/reject?t=x',
          expiresAt: '2026-11-20T11:00:00Z',
        };
      case 'approval-request.request':
        return { posted: true };
      case 'verify.smokeTest': {
        const afterRollback = calls.filter((c) => c.action === 'smokeTest').length > 1;
        if ((scenario.smoke === 'fail' && !afterRollback) || scenario.smoke === 'fail-always')
          throw new NamedError('SmokeTestFailedError', 'GET /health answered 502 three times');
        return {
          passed: true,
          url: settings.verify.smokeTest.url,
          attempts: [{ status: 200, latencyMs: 40 }],
        };
      }
      case 'verify.alarmCheck':
        if (scenario.alarm && next('alarm') >= 1)
          throw new NamedError('AlarmTriggeredError', 'retail-bank-5xx is in ALARM');
        return {
          status: polls('bake', scenario.bakePolls ?? 1) ? 'baking' : 'passed',
          alarmsChecked: settings.verify.alarms,
          waitSeconds: 60,
        };
      case 'beanstalk-deploy.createVersion':
        return { versionLabel: `v-${String(payload.commitSha).slice(0, 12)}` };
      case 'beanstalk-deploy.versionStatus':
        return {
          status: polls('version', scenario.versionPolls ?? 1) ? 'processing' : 'processed',
          waitSeconds: 5,
        };
      case 'beanstalk-deploy.startDeploy':
        return {
          versionLabel: payload.versionLabel,
          previousVersionLabel: 'v-previous-good',
          startedAt: '2026-11-20T10:20:00Z',
          ...beanstalkTarget(settings),
        };
      case 'beanstalk-deploy.rollback':
        return {
          versionLabel: payload.versionLabel,
          previousVersionLabel: 'v-new',
          startedAt: '2026-11-20T10:40:00Z',
          ...beanstalkTarget(settings),
        };
      case 'beanstalk-deploy.deployStatus': {
        const rollingBack =
          payload.versionLabel === 'v-previous-good' || payload.startedAt === '2026-11-20T10:40:00Z';
        const key = rollingBack ? 'rollback' : 'deploy';
        const inProgress = polls(
          key,
          rollingBack ? (scenario.rollbackPolls ?? 1) : (scenario.deployPolls ?? 2),
        );
        const status = inProgress
          ? 'in-progress'
          : rollingBack
            ? 'succeeded'
            : (scenario.beanstalk ?? 'succeeded');
        return {
          status,
          deployedVersionLabel: payload.versionLabel,
          environmentStatus: 'Ready',
          health: status === 'succeeded' ? 'Green' : 'Red',
          events: ['Environment update completed'],
          waitSeconds: 30,
        };
      }
      case 'ssm-deploy.startRelease':
        return { commandId: 'cmd-release', startedAt: '2026-11-20T10:20:00Z' };
      case 'ssm-deploy.rollback':
        return { commandId: 'cmd-rollback', startedAt: '2026-11-20T10:40:00Z' };
      case 'wait-router.register': {
        if (payload.kind === 'cloudwatch-alarms') {
          // The bake window: an alarm that fires sends CloudWatch's state change event to
          // wait-router (one more invocation), which resumes the token at once; otherwise the task
          // times out at the end of the window (TimeoutSecondsPath) and the bake is over.
          const waitKey = (payload.alarms as string[]).map((a) => `cloudwatch-alarm/${a}`).join(',');
          if (scenario.alarm && scenario.events !== 'lost') {
            invocations += 1;
            const event = { fn: 'wait-router', action: 'event', payload: { waitKey } };
            calls.push(event);
            scenario.onCall?.(event);
            const token = String(payload.taskToken);
            setImmediate(() => sfn.tokens.succeed(token, { waitKey, status: 'ALARM' }));
          } else {
            counters.set('bake', Number.MAX_SAFE_INTEGER);
          }
          return { waitKey, resumed: false };
        }
        if (payload.kind === 'eb-environment') {
          // The update runs to its end; Beanstalk's "resource status change" event reaches
          // wait-router (one more Lambda invocation), which resumes the token. A lost event
          // leaves the safety poll (HeartbeatSeconds).
          const rollback = payload.since === '2026-11-20T10:40:00Z';
          const waitKey = `eb-environment/${String(payload.application)}/${String(payload.environment)}`;
          if (scenario.events !== 'lost') {
            counters.set(rollback ? 'rollback' : 'deploy', Number.MAX_SAFE_INTEGER);
            invocations += 1;
            const event = { fn: 'wait-router', action: 'event', payload: { waitKey } };
            calls.push(event);
            scenario.onCall?.(event);
            const token = String(payload.taskToken);
            const status =
              rollback || (scenario.beanstalk !== 'reverted' && scenario.beanstalk !== 'failed')
                ? 'Environment update successful'
                : 'Environment update failed';
            setImmediate(() => sfn.tokens.succeed(token, { waitKey, status }));
          }
          return { waitKey, resumed: false };
        }
        // The command runs to its end; SSM's final-status event reaches wait-router (one more
        // Lambda invocation), which resumes the token. A lost event leaves the safety poll.
        const rollback = payload.id === 'cmd-rollback';
        if (scenario.events !== 'lost') {
          counters.set(rollback ? 'rollback' : 'release', Number.MAX_SAFE_INTEGER);
          invocations += 1;
          const event = { fn: 'wait-router', action: 'event', payload: { id: payload.id } };
          calls.push(event);
          scenario.onCall?.(event);
          const token = String(payload.taskToken);
          setImmediate(() =>
            sfn.tokens.succeed(token, { waitKey: `ssm-command/${String(payload.id)}`, status: 'Success' }),
          );
        }
        return { waitKey: `ssm-command/${String(payload.id)}`, resumed: false };
      }
      case 'ssm-deploy.releaseStatus': {
        const rollback = payload.commandId === 'cmd-rollback';
        const inProgress = polls(
          rollback ? 'rollback' : 'release',
          rollback ? (scenario.rollbackPolls ?? 1) : (scenario.deployPolls ?? 2),
        );
        const ids = ['i-0aaa', 'i-0bbb', 'i-0ccc'];
        if (inProgress)
          return {
            status: 'in-progress',
            instances: [],
            updatedInstanceIds: ids.slice(0, 1),
            failedInstanceIds: [],
            waitSeconds: 20,
          };
        if (!rollback && scenario.ssm === 'failed-one-of-three') {
          return {
            status: 'failed',
            instances: ids.map((instanceId, i) => ({
              instanceId,
              status: i < 2 ? 'Success' : 'Failed',
              outputTail: i < 2 ? 'healthy' : 'health check failed',
            })),
            updatedInstanceIds: ids.slice(0, 2),
            failedInstanceIds: ids.slice(2),
            waitSeconds: 0,
          };
        }
        return {
          status: 'succeeded',
          instances: [],
          updatedInstanceIds: rollback ? ((payload.instanceIds as string[]) ?? ids.slice(0, 2)) : ids,
          failedInstanceIds: [],
          waitSeconds: 0,
        };
      }
      default:
        throw new Error(`The scripted world has no answer for ${fn}.${action}`);
    }
  };

  const fnName = (functionName: string) => functionName.replace(/^(.*:function:)?deploy-controller-/, '');
  const decide = (token: string) => {
    // The person decides a moment after the request was posted.
    if (scenario.approval === 'expire') return;
    setImmediate(() => {
      if (scenario.approval === 'reject')
        sfn.tokens.fail(token, 'ApprovalRejected', 'Rejected by bob: not during the freeze');
      else sfn.tokens.succeed(token, { decision: 'approved', by: 'bob', at: '2026-11-20T10:15:00Z' });
    });
  };
  const finished = new Map<string, BuildRecord>();
  const sfn = new LocalStepFunctions({
    world: {
      invokeLambda: async (functionName, raw): Promise<LambdaResult> => {
        const payload = raw as Record<string, unknown>;
        try {
          const result = answer(fnName(functionName), payload);
          if (fnName(functionName) === 'approval-request' && payload.action === 'request')
            decide(String(payload.taskToken));
          return { payload: result };
        } catch (error) {
          const { name, message } = error as Error;
          // Lambda service errors are the integration's own; function errors carry the payload.
          if (name.startsWith('Lambda.')) throw new TaskFailure(name, message);
          return { errorType: name, errorMessage: message };
        }
      },
      startBuild: (raw) => {
        const params = raw as unknown as StartBuildParams;
        builds.push(params);
        const scan = params.ProjectName === fakeResources.scanProjectName;
        const failed = scan
          ? scenario.scan === 'vulnerable'
            ? 'BUILD'
            : undefined
          : { ok: undefined, 'tests-fail': 'BUILD', 'install-fail': 'INSTALL' }[scenario.build ?? 'ok'];
        const id = `${params.ProjectName}:${scan ? 'scan' : 'build'}-1`;
        finished.set(id, {
          id,
          projectName: params.ProjectName,
          sourceVersion: params.SourceVersion,
          buildStatus: failed ? 'FAILED' : 'SUCCEEDED',
          phases: phases(failed),
        });
        return { id, projectName: params.ProjectName, buildStatus: 'IN_PROGRESS', phases: [] };
      },
      buildFinished: async (id) => finished.get(id)!,
    },
  });
  for (const name of ['pipeline', 'deploy-beanstalk', 'deploy-ssm'] as const)
    sfn.register(name === 'pipeline' ? `deploy-${settings.name}` : name, JSON.stringify(definitions[name]));

  const { execution } = sfn.engine.start(
    sfn.engine.stateMachineArn(`deploy-${settings.name}`),
    JSON.stringify(pipelineInput(settings.name)),
    EXECUTION_NAME,
  );
  const result = (): WorldRun => {
    const children = execution.children.map((child) => ({
      ...runResult(child),
      definition: child.stateMachine.name as DefinitionName,
      input: JSON.parse(child.input) as unknown,
    }));
    return { ...runResult(execution), calls, invocations, builds, children };
  };
  return { sfn, execution, calls, builds, result };
}

/** State transitions as AWS bills them: every state entered (and every retry), in the pipeline and its sub-workflows. */
export function transitions(run: WorldRun): number {
  const billed = (r: RunResult) => r.visited.length + r.retried.length;
  return billed(run) + run.children.reduce((sum, child) => sum + billed(child), 0);
}
