/**
 * Runs a pipeline execution of the real ASL files on the local engine where the ssm-deploy task is
 * the real function (its SSM client mocked by the caller) and everything else answers the happy
 * contract shapes of functions/commons/types/tasks.ts. Records every Lambda payload and CodeBuild
 * StartBuild, so a test can follow a value from the execution input to what reaches SSM.
 */
import type { PipelineSettings } from '../../../functions/commons/config/schema';
import { ssmDeploy } from '../../../functions/ssm-deploy/handler';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  deploySubstitutions,
  pipelineSubstitutions,
  renderDefinition,
} from '../../../statemachines/definitions';
import type {
  ChildExecution,
  LocalIntegrations,
  StartBuildParams,
} from '../../../statemachines/local-integrations';
import { runLocal, type LocalRunResult } from '../../../statemachines/local-run';
import { fakeResources } from '../../statemachines/harness';

export interface LambdaCall {
  fn: string;
  payload: Record<string, unknown>;
}

export interface ReleaseRun extends LocalRunResult {
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

/** Runs one execution of `settings`' pipeline with `input` (as StartExecution received it). */
export async function runRelease(
  settings: PipelineSettings,
  input: unknown,
  ssm: SSMClient,
): Promise<ReleaseRun> {
  const values = { ...pipelineSubstitutions(settings, fakeResources), ...deploySubstitutions(fakeResources) };
  const pipeline = renderDefinition('pipeline', values);
  const deploySsm = renderDefinition('deploy-ssm', values);
  const lambdaCalls: LambdaCall[] = [];
  const builds: StartBuildParams[] = [];
  const fnName = (arn: string) => arn.replace(/^.*:function:deploy-controller-/, '');

  const integrations: LocalIntegrations = {
    invokeLambda: async (functionArn, raw) => {
      const fn = fnName(functionArn);
      const payload = raw as Record<string, unknown>;
      lambdaCalls.push({ fn, payload });
      // The real ssm-deploy for what reaches SSM; its status polling is scripted.
      if (fn === 'ssm-deploy' && payload.action !== 'releaseStatus') return ssmDeploy(payload, ssm);
      return scripted(settings, fn, payload);
    },
    waitForTaskToken: async () => {
      throw new Error('the release world has no approvals (microblog needs none)');
    },
    startBuildSync: async (params) => {
      builds.push(params);
      return {
        Id: `${params.ProjectName}:1`,
        BuildStatus: 'SUCCEEDED',
        Phases: [{ PhaseType: 'BUILD', PhaseStatus: 'SUCCEEDED' }, { PhaseType: 'COMPLETED' }],
      };
    },
    startExecutionSync: async (stateMachineArn, childInput): Promise<ChildExecution> => {
      if (!stateMachineArn.endsWith(':deploy-ssm'))
        throw new Error(`unexpected child state machine ${stateMachineArn}`);
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:child`;
      const run = await runLocal(deploySsm, childInput, { executionArn, integrations });
      return {
        executionArn,
        status: run.status,
        output: run.output,
        ...(run.error ? { error: run.error } : {}),
        ...(run.cause !== undefined ? { cause: run.cause } : {}),
      };
    },
  };
  const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:deploy-microblog:evidence';
  const run = await runLocal(pipeline, input, { executionArn, integrations });
  return { ...run, lambdaCalls, builds };
}
