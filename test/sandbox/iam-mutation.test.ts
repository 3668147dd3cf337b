/**
 * Every Allow statement of every role the controller runs as is needed, proven on the sandbox
 * with enforcement on:
 * - the cheapest scenario set that runs every role (microblog end to end and its SSM rollback,
 *   retail-bank with approval, canary, verify failure, rollback and notice, a failing build with
 *   its JUnit report) is played once and every request the roles made is recorded; then each
 *   statement is removed in turn and the recorded requests are decided again: at least one of
 *   them must be refused, naming an action of that statement. A statement no scenario needs is a
 *   finding: it is listed below with the reason it stays, and a listed statement that becomes
 *   needed fails the test too (the list stays true);
 * - end to end, for one statement of each kind of principal, the sandbox runs with that statement
 *   removed and the scenario fails with AccessDenied naming the action.
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import type { PolicyModel, PolicyStatementJson, RoleModel } from '../../local/iam/model';
import type { IamRequest } from '../../local/iam/operations';
import { describeUse } from '../../local/iam/probes';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { runScenario } from '../../local/scenarios';

/** The scenarios that, together, run every role of the controller. */
const SCENARIOS = ['happy', 'ssm-instance-fails', 'verify-fails', 'approval-rejected', 'tests-fail'];

const DLQ =
  'Lambda\'s asynchronous invocation sends the events it could not deliver to this dead-letter queue with the function\'s role (Lambda developer guide, "Dead-letter queues"); the sandbox keeps its dead-letter list without a queue';
const SECRET =
  'on AWS the function reads this secret by ARN (<NAME>_SECRET_ARN, functions/commons/secrets); the sandbox passes the value in the environment, so no sandbox call needs it';
const STREAMS =
  "added by CDK's Table.grantReadData / grantReadWriteData for the table's stream; the tables have none, so it grants nothing";
const CDK_CODEBUILD_LOGS =
  "added by CDK's Project for CodeBuild's default log group /aws/codebuild/<project>; the project writes to its own log group (LogsConfig), granted by the statement before it";
const CDK_REPORT_GROUPS =
  "added by CDK's Project for report groups CodeBuild creates itself (<project>-*); the build's report group is a ReportGroup of the stack with a grant of its own";
const VENDED_LOGS =
  'Step Functions uses these when the logging configuration of the state machine is created or updated (CloudWatch Logs vended log delivery, Step Functions developer guide "Logging using CloudWatch Logs"), never during an execution';
const BEANSTALK =
  'AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy grants it for an environment update; the sandbox models the update by its stack, launch template, security group, Auto Scaling group, target group, PassRole, log group and bucket calls, not each Describe, alarm or bucket read';

/** Statements no scenario needs, by `<use>: <actions> on <resources>`, and why they stay. */
const KEPT: [RegExp, string][] = [
  [/: secretsmanager:GetSecretValue secretsmanager:DescribeSecret on /, SECRET],
  [/: dynamodb:GetRecords dynamodb:GetShardIterator on /, STREAMS],
  [/^function notifier: sqs:SendMessage sqs:GetQueueAttributes sqs:GetQueueUrl on /, DLQ],
  [
    /^CodeBuild project [a-z-]+: logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents on \S+:log-group:\/aws\/codebuild\//,
    CDK_CODEBUILD_LOGS,
  ],
  [
    /^CodeBuild project [a-z-]+: codebuild:CreateReportGroup .* on \S+:report-group\/deploy-[a-z-]+-\*$/,
    CDK_REPORT_GROUPS,
  ],
  [/^state machine [a-z-]+: logs:CreateLogDelivery .* on \*$/, VENDED_LOGS],
  [
    /^instances tagged App=microblog: logs:DescribeLogGroups on \*$/,
    'the SSM agent calls DescribeLogGroups only when CreateLogGroup is refused, to see whether the output group exists (amazon-ssm-agent cloudwatchlogsservice.go); kept so streaming survives a group created outside the stack',
  ],
  [/^function beanstalk-deploy: s3:ListBucket s3:GetBucketLocation s3:GetBucketPolicy on /, BEANSTALK],
  [/^function beanstalk-deploy: ec2:RunInstances on \S+:network-interface\//, BEANSTALK],
  [/^function beanstalk-deploy: ec2:CreateSecurityGroup on \S+:vpc\//, BEANSTALK],
  [/^function beanstalk-deploy: cloudwatch:PutMetricAlarm cloudwatch:DeleteAlarms on /, BEANSTALK],
  [/^function beanstalk-deploy: ec2:DescribeInstances .* on \*$/, BEANSTALK],
];

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statementKey = (role: RoleModel, statement: PolicyStatementJson) =>
  `${describeUse(role)}: ${list(statement.Action).join(' ')} on ${list(statement.Resource).join(' ')}`;
const keptReason = (key: string) => KEPT.find(([pattern]) => pattern.test(key))?.[1];

let model: PolicyModel;
let sandbox: Sandbox;
let recorded: { roleArn: string; request: IamRequest; via: string }[];

beforeAll(async () => {
  model = await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
  for (const name of SCENARIOS) {
    const result = await runScenario(sandbox, name);
    expect({ name, mismatches: result.mismatches }).toEqual({ name, mismatches: [] });
  }
  expect(sandbox.iam!.authorizer.denials).toEqual([]);
  recorded = [...sandbox.iam!.authorizer.granted.values()];
}, 900_000);
afterAll(() => sandbox?.stop());

test('each Allow statement is needed by a recorded call, or is a finding with a reason', async () => {
  const unneeded: string[] = [];
  const staleFindings: string[] = [];
  for (const role of model.roles.filter((r) => r.uses.length)) {
    const requests = recorded.filter((r) => r.roleArn === role.arn);
    // The findings go first: a statement that overlaps one of them must be needed on its own.
    const base: RoleModel = structuredClone(role);
    for (const policy of base.policies)
      policy.document.Statement = policy.document.Statement.filter((s) => !keptReason(statementKey(role, s)));
    for (const [p, policy] of base.policies.entries())
      for (const [i, statement] of policy.document.Statement.entries()) {
        if (statement.Effect !== 'Allow') continue;
        const mutant: RoleModel = structuredClone(base);
        mutant.policies[p]!.document.Statement.splice(i, 1);
        const evaluator = new PolicyEvaluator();
        const actions = new Set(list(statement.Action));
        let needed = false;
        for (const { request } of requests) {
          if (!actions.has(request.action)) continue;
          if ((await evaluator.decide(mutant, request)) !== 'Allowed') {
            needed = true;
            break;
          }
        }
        if (!needed) unneeded.push(statementKey(role, statement));
      }
    // A finding that the scenarios do need is stale.
    for (const policy of role.policies)
      for (const statement of policy.document.Statement) {
        const key = statementKey(role, statement);
        if (!keptReason(key)) continue;
        const evaluator = new PolicyEvaluator();
        const actions = new Set(list(statement.Action));
        for (const { request } of requests)
          if (actions.has(request.action) && (await evaluator.decide(base, request)) !== 'Allowed') {
            staleFindings.push(key);
            break;
          }
      }
  }
  expect({ unneeded, staleFindings }).toEqual({ unneeded: [], staleFindings: [] });
}, 600_000);

/** The model without the statements of one role that grant `action`. */
function without(match: (role: RoleModel) => boolean, action: string): PolicyModel {
  const mutant = structuredClone(model);
  const role = mutant.roles.find(match);
  if (!role) throw new Error('no such role');
  let removed = 0;
  for (const policy of role.policies) {
    const before = policy.document.Statement.length;
    policy.document.Statement = policy.document.Statement.filter((s) => !list(s.Action).includes(action));
    removed += before - policy.document.Statement.length;
  }
  if (!removed) throw new Error(`no statement grants ${action}`);
  return mutant;
}

const uses =
  (kind: string, name: string) =>
  (role: RoleModel): boolean =>
    role.uses.some((u) => Object.values(u).includes(kind) && Object.values(u).includes(name));

test.each([
  ['function verify', uses('lambda', 'verify'), 'cloudwatch:DescribeAlarms'],
  ['state machine deploy-microblog', uses('states', 'deploy-microblog'), 'events:PutRule'],
  ['CodeBuild project deploy-microblog-build', uses('codebuild', 'deploy-microblog-build'), 's3:PutObject'],
  ['the microblog instances', (r: RoleModel) => r.uses.some((u) => u.kind === 'ec2'), 's3:GetObject'],
])(
  'end to end: without the statement of %s that grants %s, happy fails with AccessDenied naming it',
  async (_, match, action) => {
    const authorizer = sandbox.iam!.authorizer;
    sandbox.reset();
    authorizer.useModel(without(match, action));
    const before = authorizer.denials.length;
    try {
      const result = await runScenario(sandbox, 'happy');
      expect(result.matches).toBe(false);
      expect(result.actual.pushes[0]?.status).toBe('FAILED');
      expect(authorizer.denials.slice(before).map((d) => d.action)).toContain(action);
    } finally {
      authorizer.useModel(model);
    }
  },
  300_000,
);
