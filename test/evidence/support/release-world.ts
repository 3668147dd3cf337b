/**
 * Runs a pipeline execution of the real ASL files on the local engine where the ssm-deploy task is
 * the real function (its SSM client mocked by the caller) and everything else answers the happy
 * contract shapes of functions/commons/types/tasks.ts. Records every Lambda payload and CodeBuild
 * StartBuild, so a test can follow a value from the execution input to what reaches SSM.
 */
import type { PipelineSettings } from '../../../functions/commons/config/schema';
import { ssmDeploy } from '../../../functions/ssm-deploy/handler';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { LockStore } from '../../../functions/deploy-lock/lock-store';
import {
  deploySubstitutions,
  pipelineSubstitutions,
  renderDefinition,
} from '../../../statemachines/definitions';
import type { LambdaResult } from '../../../local/sfn/integrations';
import { LocalStepFunctions } from '../../../local/sfn/standalone';
import {
  fakeResources,
  runResult,
  type RunResult,
  type StartBuildParams,
} from '../../../bench/support/pipeline-harness';

export interface LambdaCall {
  fn: string;
  payload: Record<string, unknown>;
}

export interface ReleaseRun extends RunResult {
  lambdaCalls: LambdaCall[];
  builds: StartBuildParams[];
}

const INSTANCES = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'i-0a1b2c3d4e5f60003'];

/** Happy answers for the task functions other than ssm-deploy's start and rollback. */
function scripted(settings: PipelineSettings, fn: string, payload: Record<string, unknown>): unknown {
  const action = String(payload.action ?? 'check');
  switch (`${fn}.${action}`) {
    case 'deploy-history.recordStart':
    case 'deploy-history.recordOutcome':
      return { recorded: true };
    case 'deploy-history.lastGood':
      return { found: true, versionLabel: null, commitSha: 'b'.repeat(40) };
    case 'deploy-lock.acquire':
      return {
        status: 'acquired',
        targetKey: 'ec2-ssm#App=microblog',
        leaseExpiresAt: '2026-11-20T12:00:00Z',
        waitSeconds: 0,
      };
    case 'deploy-lock.release':
      return { released: true, targetKey: 'ec2-ssm#App=microblog' };
    case 'health-gate.check':
      return { healthy: true, findings: [] };
    case 'verify.smokeTest':
      return { passed: true, url: settings.verify.smokeTest.url, attempts: [{ status: 200, latencyMs: 12 }] };
    case 'verify.alarmCheck':
      return { status: 'passed', alarmsChecked: settings.verify.alarms, waitSeconds: 0 };
    case 'ssm-deploy.releaseStatus':
      return {
        status: 'succeeded',
        instances: [],
        updatedInstanceIds: INSTANCES,
        failedInstanceIds: [],
        waitSeconds: 0,
      };
    default:
      throw new Error(`the release world has no answer for ${fn}.${action}`);
  }
}

/**
 * The DeployLocks item as the scripted "Acquire deploy lock" left it: held by the run that started
 * the sub-workflow (its `lock`), so ssm-deploy's lock guard lets the release and rollback go on.
 */
function heldLock(payload: Record<string, unknown>): LockStore {
  const holder = (payload.startedWith as { lock?: { executionArn?: string } } | undefined)?.lock;
  return {
    get: async (targetKey) =>
      holder?.executionArn
        ? {
            targetKey,
            version: 1,
            holderExecutionArn: holder.executionArn,
            leaseExpiresAt: '2999-01-01T00:00:00.000Z',
            updatedAt: '2026-11-20T10:00:00.000Z',
          }
        : undefined,
    put: async () => false,
  };
}

/** Runs one execution of `settings`' pipeline with `input` (as StartExecution received it). */
export async function runRelease(
  settings: PipelineSettings,
  input: unknown,
  ssm: SSMClient,
): Promise<ReleaseRun> {
  const values = { ...pipelineSubstitutions(settings, fakeResources), ...deploySubstitutions(fakeResources) };
  const lambdaCalls: LambdaCall[] = [];
  const builds: StartBuildParams[] = [];
  const fnName = (name: string) => name.replace(/^(.*:function:)?deploy-controller-/, '');

  const sfn = new LocalStepFunctions({
    world: {
      invokeLambda: async (functionName, raw): Promise<LambdaResult> => {
        const fn = fnName(functionName);
        const payload = raw as Record<string, unknown>;
        lambdaCalls.push({ fn, payload });
        try {
          // The real ssm-deploy for what reaches SSM; its status polling is scripted.
          if (fn === 'ssm-deploy' && payload.action !== 'releaseStatus')
            return { payload: await ssmDeploy(payload, ssm, heldLock(payload)) };
          return { payload: scripted(settings, fn, payload) };
        } catch (error) {
          return { errorType: (error as Error).name, errorMessage: (error as Error).message };
        }
      },
      startBuild: (raw) => {
        const params = raw as unknown as StartBuildParams;
        builds.push(params);
        return { id: `${params.ProjectName}:1`, buildStatus: 'IN_PROGRESS', phases: [] };
      },
      buildFinished: async (id) => ({
        id,
        buildStatus: 'SUCCEEDED',
        phases: [{ phaseType: 'BUILD', phaseStatus: 'SUCCEEDED' }, { phaseType: 'COMPLETED' }],
      }),
    },
  });
  sfn.register(`deploy-${settings.name}`, JSON.stringify(renderDefinition('pipeline', values)));
  sfn.register('deploy-ssm', JSON.stringify(renderDefinition('deploy-ssm', values)));
  const execution = await sfn.run(sfn.engine.stateMachineArn(`deploy-${settings.name}`), input, 'evidence');
  return { ...runResult(execution), lambdaCalls, builds };
}
