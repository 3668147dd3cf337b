/**
 * IAM audit, cdk-nag and definition drift, on one offline synth of both stacks:
 * - no statement allows `*` or `service:*` actions; Resource "*" only for the actions below,
 *   each of which has no resource-level permission in AWS (the reason is next to it);
 * - the AwsSolutions and Serverless packs report zero unacknowledged errors or warnings;
 * - every state machine's DefinitionString is its ASL file, and its substitutions are what
 *   `pipelineSubstitutions` / `deploySubstitutions` give for the same resources; its role may
 *   invoke exactly the functions, projects and sub-workflows the file names.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  DEFINITION_FILES,
  DEPLOY_DEFINITION,
  deploySubstitutions,
  loadDefinition,
  pipelineSubstitutions,
  placeholdersIn,
  substitute,
  type DefinitionName,
} from '../../statemachines/definitions';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/constructs/function-catalog';
import { acknowledgeWildcards } from '../../infra/iam-wildcards';
import { SampleTargetsStack } from '../../infra/sample-targets-stack';
import { allPolicyStatements, unknownActions } from './support/iam-actions';
import {
  asList,
  cdkJsonContext,
  iamStatements,
  resourcesOf,
  synthesize,
  type Synthesized,
} from './support/synth';

/** Actions allowed on Resource "*", each with the reason (AWS offers no resource-level permission). */
const STAR_RESOURCE_ACTIONS: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray tracing (functions, state machines): no resource types',
  'xray:PutTelemetryRecords': 'X-Ray tracing: no resource types',
  'xray:GetSamplingRules': 'X-Ray sampling (state machines): no resource types',
  'xray:GetSamplingTargets': 'X-Ray sampling (state machines): no resource types',
  'logs:CreateLogDelivery': 'Step Functions vended logs: log delivery APIs have no resource types',
  'logs:GetLogDelivery': 'Step Functions vended logs',
  'logs:UpdateLogDelivery': 'Step Functions vended logs',
  'logs:DeleteLogDelivery': 'Step Functions vended logs',
  'logs:ListLogDeliveries': 'Step Functions vended logs',
  'logs:PutResourcePolicy': 'Step Functions vended logs: CloudWatch Logs resource policies are account-wide',
  'logs:DescribeResourcePolicies': 'Step Functions vended logs',
  'logs:DescribeLogGroups':
    'Step Functions vended logs, and the SSM agent looking up its output log group: no resource types',
  'cloudwatch:DescribeAlarms':
    'verify: composite alarms are returned only when DescribeAlarms is granted on * (DescribeAlarms API reference)',
  'states:SendTaskSuccess': 'approval callback: no resource types (the task token names the execution)',
  'states:SendTaskFailure': 'approval callback: no resource types',
  'ssm:DescribeInstanceInformation':
    'health gate: agent status; no resource types (the handler filters by tag)',
  'ssm:GetCommandInvocation': 'command results: no resource types',
  'ssm:ListCommandInvocations': 'command results: no resource types',
  'ssm:ListCommands': 'command results: no resource types',
  'ec2:DescribeInstances': 'Beanstalk deploy: EC2 Describe calls have no resource types',
  'ec2:DescribeImages': 'Beanstalk deploy',
  'ec2:DescribeSubnets': 'Beanstalk deploy',
  'ec2:DescribeSecurityGroups': 'Beanstalk deploy',
  'ec2:DescribeLaunchTemplates': 'Beanstalk deploy',
  'ec2:DescribeLaunchTemplateVersions': 'Beanstalk deploy',
  'ec2:DescribeAccountAttributes': 'Beanstalk deploy',
  'ec2:DescribeVpcs': 'Beanstalk deploy',
  'ec2:DescribeKeyPairs': 'Beanstalk deploy',
  'ec2:DescribeAvailabilityZones': 'Beanstalk deploy',
  'autoscaling:DescribeAutoScalingGroups':
    'Beanstalk deploy: Auto Scaling Describe calls have no resource types',
  'autoscaling:DescribeLaunchConfigurations': 'Beanstalk deploy',
  'autoscaling:DescribeScalingActivities': 'Beanstalk deploy',
  'autoscaling:DescribePolicies': 'Beanstalk deploy',
  'autoscaling:DescribeNotificationConfigurations': 'Beanstalk deploy',
  'elasticloadbalancing:DescribeLoadBalancers': 'Beanstalk deploy: ELB Describe calls have no resource types',
  'elasticloadbalancing:DescribeTargetGroups': 'Beanstalk deploy',
  'elasticloadbalancing:DescribeTargetHealth': 'Beanstalk deploy',
  'elasticloadbalancing:DescribeListeners': 'Beanstalk deploy',
  'elasticloadbalancing:DescribeRules': 'Beanstalk deploy',
  'elasticloadbalancing:DescribeTargetGroupAttributes': 'Beanstalk deploy',
};

let s: Synthesized;
let sample: SampleTargetsStack;
let sampleTemplate: Template;
beforeAll(() => {
  s = synthesize();
  // The sample targets stack alone (it imports the controller's exports by name).
  const app = new App({ context: cdkJsonContext() });
  sample = new SampleTargetsStack(app, 'DeployControllerSampleTargets', {
    config: s.config,
    controllerStackName: s.controller.stackName,
  });
  acknowledgeWildcards(app);
  sampleTemplate = Template.fromStack(sample);
}, 600_000);
afterAll(() => s?.cleanup());

const templates = () =>
  [
    ['controller', s.template],
    ['sample targets', sampleTemplate],
  ] as const;

describe('IAM audit', () => {
  test.each([['controller'], ['sample targets']])(
    '%s: no wildcard actions, no NotAction/NotResource',
    (which) => {
      const template = templates().find(([name]) => name === which)![1];
      const bad = iamStatements(template).filter(
        ({ statement }) =>
          statement.NotAction !== undefined ||
          statement.NotResource !== undefined ||
          asList<string>(statement.Action).some((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)),
      );
      expect(bad).toEqual([]);
    },
  );

  test.each([['controller'], ['sample targets']])(
    '%s: Resource "*" only for actions without resource-level permissions',
    (which) => {
      const template = templates().find(([name]) => name === which)![1];
      const offending = iamStatements(template)
        .filter(({ statement }) => statement.Effect === 'Allow' && asList(statement.Resource).includes('*'))
        .flatMap(({ owner, statement }) =>
          asList<string>(statement.Action)
            .filter((a) => !(a in STAR_RESOURCE_ACTIONS))
            .map((a) => `${owner}: ${a}`),
        );
      expect(offending).toEqual([]);
    },
  );

  test('an action name AWS does not know is caught: misspelled, unknown service, pattern matching nothing', async () => {
    expect(
      await unknownActions([
        'events:PutRule',
        'events:PutRules',
        'eventz:PutRule',
        'logs:Put*',
        'logs:Pot*',
        'EC2:runInstances',
        'states',
      ]),
    ).toEqual(['events:PutRules', 'eventz:PutRule', 'logs:Pot*', 'states']);
  });

  test.each([['controller'], ['sample targets']])(
    '%s: every action of every identity and resource policy is one AWS IAM data knows',
    async (which) => {
      const template = templates().find(([name]) => name === which)![1];
      const statements = allPolicyStatements(template);
      expect(statements.length).toBeGreaterThanOrEqual(iamStatements(template).length);
      const actions = statements.flatMap(({ statement }) => [
        ...asList<string>(statement.Action),
        ...asList<string>(statement.NotAction),
      ]);
      expect(await unknownActions(actions)).toEqual([]);
    },
  );

  test('ssm:SendCommand on instances is always limited by the target tag', () => {
    const onInstances = iamStatements(s.template).filter(
      ({ statement }) =>
        asList(statement.Action).includes('ssm:SendCommand') &&
        JSON.stringify(statement.Resource).includes(':instance/'),
    );
    expect(onInstances.length).toBeGreaterThanOrEqual(2); // health gate and ssm-deploy
    for (const { statement } of onInstances)
      expect(statement.Condition).toEqual({ StringEquals: { 'ssm:resourceTag/App': ['microblog'] } });
  });

  test('the EC2 launches of a Beanstalk deployment are limited to the configured environment', () => {
    const launches = iamStatements(s.template).filter(
      ({ statement }) =>
        asList(statement.Action).includes('ec2:TerminateInstances') ||
        asList(statement.Action).includes('ec2:CreateTags'),
    );
    expect(launches.length).toBeGreaterThan(0);
    for (const { statement } of launches)
      expect(JSON.stringify(statement.Condition)).toMatch(
        /"aws:(Request|Resource)Tag\/elasticbeanstalk:environment-name":\["retail-bank-prod"\]/,
      );
  });

  test("iam:PassRole only of Beanstalk's roles, only to the services a Beanstalk update passes them to", () => {
    const passRole = iamStatements(s.template).filter(({ statement }) =>
      asList(statement.Action).includes('iam:PassRole'),
    );
    expect(passRole).toHaveLength(1);
    expect(passRole[0]!.statement.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*elasticbeanstalk*'],
      ],
    });
    expect(passRole[0]!.statement.Condition).toEqual({
      StringEquals: {
        'iam:PassedToService': [
          'ec2.amazonaws.com',
          'elasticbeanstalk.amazonaws.com',
          'autoscaling.amazonaws.com',
          'cloudformation.amazonaws.com',
        ],
      },
    });
  });
});

describe('cdk-nag', () => {
  const report = (scope: IConstruct) =>
    [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack
        .validateScope(scope)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
        ),
    );

  test('controller stack: zero unacknowledged errors or warnings', () => {
    expect(report(s.controller)).toEqual([]);
  });

  test('sample targets stack: zero unacknowledged errors or warnings', () => {
    expect(report(sample)).toEqual([]);
  });

  test('every acknowledgement carries a reason', () => {
    for (const stack of [s.controller, sample]) {
      for (const node of stack.node.findAll()) {
        for (const entry of node.node.metadata.filter((m) => String(m.type).includes('acknowledge'))) {
          for (const reason of Object.values(entry.data as Record<string, string>))
            expect(reason.length).toBeGreaterThan(30);
        }
      }
    }
  });
});

/** Intrinsics in a form `substitute` accepts (no quotes): `Ref(Id)`, `GetAtt(Id.Attr)`. */
function encode(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (typeof v['Ref'] === 'string') return `Ref(${v['Ref']})`;
  if (Array.isArray(v['Fn::GetAtt'])) return `GetAtt(${v['Fn::GetAtt'].join('.')})`;
  throw new Error(`unexpected substitution value ${JSON.stringify(value)}`);
}

describe('state machine definitions match the ASL files', () => {
  const id = (construct: IConstruct) => s.controller.getLogicalId(construct.node.defaultChild as CfnElement);
  const functionArn = (name: string) => `GetAtt(${id(s.controller.functions.get(name as FunctionName))}.Arn)`;
  const machineByName = (name: string) => {
    const found = resourcesOf(s.template, 'AWS::StepFunctions::StateMachine').find(
      ([, m]) => m.StateMachineName === name,
    );
    if (!found) throw new Error(`no state machine ${name}`);
    return found;
  };

  const cases = (): { name: string; definition: DefinitionName; expected: Record<string, string> }[] => [
    ...s.config.pipelines.map((settings) => {
      const builds = s.controller.builds.get(settings.name)!;
      return {
        name: `deploy-${settings.name}`,
        definition: 'pipeline' as const,
        expected: pipelineSubstitutions(settings, {
          functionArn,
          buildProjectName: `Ref(${id(builds.buildProject)})`,
          scanProjectName: `Ref(${id(builds.scanProject)})`,
          artifactsBucket: `Ref(${id(s.controller.storage.artifactsBucket)})`,
          deployStateMachineArn: (kind) =>
            `Ref(${id(s.controller.stateMachines.deployWorkflows.get(DEPLOY_DEFINITION[kind])!)})`,
        }),
      };
    }),
    ...(['deploy-beanstalk', 'deploy-ssm'] as const).map((name) => ({
      name,
      definition: name,
      expected: deploySubstitutions({ functionArn }),
    })),
  ];

  test('every state machine is covered', () => {
    expect(
      cases()
        .map((c) => c.name)
        .sort(),
    ).toEqual(
      resourcesOf(s.template, 'AWS::StepFunctions::StateMachine')
        .map(([, m]) => m.StateMachineName)
        .sort(),
    );
  });

  test.each(['retail-bank', 'microblog', 'deploy-beanstalk', 'deploy-ssm'])(
    '%s: the same file, the same placeholders, the same values',
    (which) => {
      const c = cases().find((x) => x.name === which || x.name === `deploy-${which}`)!;
      const [, machine] = machineByName(c.name);
      const file = loadDefinition(c.definition);
      expect(machine.DefinitionString).toBe(file);
      const deployed = Object.fromEntries(
        Object.entries(machine.DefinitionSubstitutions as Record<string, unknown>).map(([k, v]) => [
          k,
          encode(v),
        ]),
      );
      expect(Object.keys(deployed).sort()).toEqual(placeholdersIn(file).sort());
      expect(substitute(machine.DefinitionString, deployed)).toBe(substitute(file, c.expected));
      expect(DEFINITION_FILES[c.definition]).toMatch(/\.asl\.json$/);
    },
  );

  test.each(['retail-bank', 'microblog', 'deploy-beanstalk', 'deploy-ssm'])(
    '%s: its role invokes exactly what the file names',
    (which) => {
      const c = cases().find((x) => x.name === which || x.name === `deploy-${which}`)!;
      const [smId, machine] = machineByName(c.name);
      const roleId = machine.RoleArn['Fn::GetAtt'][0] as string;
      const statements = iamStatements(s.template).filter(({ owner }) => {
        const policy = s.template.toJSON().Resources[owner];
        return (
          policy.Type === 'AWS::IAM::Policy' &&
          asList(policy.Properties.Roles).some((r: any) => r.Ref === roleId)
        );
      });
      const resourcesFor = (action: string) =>
        statements
          .filter(({ statement }) => asList(statement.Action).includes(action))
          .flatMap(({ statement }) => asList(statement.Resource));
      const file = loadDefinition(c.definition);
      const named = FUNCTION_NAMES.filter((n) =>
        placeholdersIn(file).some((p) => c.expected[p] === functionArn(n)),
      );
      const invokable = resourcesFor('lambda:InvokeFunction')
        .filter((r: any) => r['Fn::GetAtt'])
        .map((r: any) => r['Fn::GetAtt'][0]);
      expect(invokable.sort()).toEqual(named.map((n) => id(s.controller.functions.get(n))).sort());
      const projects = resourcesFor('codebuild:StartBuild').map((r: any) => r['Fn::GetAtt'][0]);
      const builds = s.controller.builds.get(which);
      expect(projects.sort()).toEqual(builds ? [id(builds.buildProject), id(builds.scanProject)].sort() : []);
      const started = resourcesFor('states:StartExecution').map((r: any) => r.Ref);
      const target = s.config.pipelines.find((p) => p.name === which)?.target.kind;
      expect(started).toEqual(
        target ? [id(s.controller.stateMachines.deployWorkflows.get(DEPLOY_DEFINITION[target])!)] : [],
      );
      expect(smId).toBeDefined();
    },
  );
});
