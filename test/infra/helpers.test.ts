/** The infra helpers on their own (no synth of the full app): unhappy paths included. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../../functions/commons/config/load-config';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import { readBuildspec, reportGroupKeys } from '../../infra/constructs/build-projects';
import { pipelineRoutesValue } from '../../infra/constructs/function-wiring';
import { pascalCase } from '../../infra/constructs/function-catalog';
import { readCommandDocument } from '../../infra/constructs/ssm-document';
import { integrationResources } from '../../infra/constructs/state-machines';
import {
  beanstalkDeployStatements,
  ssmHealthStatements,
  ssmReleaseStatements,
  ssmTargets,
} from '../../infra/constructs/target-permissions';
import { acknowledgeWildcards } from '../../infra/iam-wildcards';
import { acknowledge } from '../../infra/nag';

const config = loadConfig();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'infra-helpers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('acknowledge', () => {
  test('refuses an acknowledgement without a real reason', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => acknowledge(stack, { id: 'AwsSolutions-S1', reason: 'because' })).toThrow(
      /needs a real reason/,
    );
    expect(() =>
      acknowledge(stack, { id: 'AwsSolutions-S1', reason: 'The bucket is the log destination itself.' }),
    ).not.toThrow();
  });
});

describe('acknowledgeWildcards', () => {
  const violations = (stack: Stack) =>
    new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
  const stackWith = (resources: string[]) => {
    const stack = new Stack(new App(), 'S');
    const role = new Role(stack, 'Fn', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources }));
    return stack;
  };

  test('acknowledges exactly the findings a rule explains; the others stay findings', () => {
    const stack = stackWith(['arn:aws:s3:::bucket/explained/*', 'arn:aws:s3:::bucket/unexplained/*']);
    acknowledgeWildcards(stack, [
      {
        path: /\/Fn\//,
        finding: /^Resource::arn:aws:s3:::bucket\/explained\/\*$/,
        reason: 'Objects under the explained prefix only, for this test.',
      },
    ]);
    expect(violations(stack)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/unexplained/*]']);
  });

  test('a rule for another construct path does not apply', () => {
    const stack = stackWith(['arn:aws:s3:::bucket/explained/*']);
    acknowledgeWildcards(stack, [
      {
        path: /\/SomethingElse\//,
        finding: /./,
        reason: 'Applies to another construct only, for this test.',
      },
    ]);
    expect(violations(stack)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/explained/*]']);
  });
});

describe('PIPELINE_ROUTES', () => {
  test('every route resolves its state machine ARN at deploy time', () => {
    const stack = new Stack(new App(), 'S');
    const value = stack.resolve(pipelineRoutesValue(config)) as { 'Fn::Sub': string };
    const routes = JSON.parse(value['Fn::Sub']) as {
      pipeline: string;
      repository: string;
      branch: string;
      stateMachineArn: string;
    }[];
    expect(routes).toEqual(
      config.pipelines.map((p) => ({
        pipeline: p.name,
        repository: p.repository,
        branch: p.branch,
        stateMachineArn: `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:deploy-${p.name}`,
      })),
    );
  });

  test('a configuration that makes an invalid route is refused at synth', () => {
    const broken = structuredClone(config) as PipelinesConfig;
    broken.pipelines[0]!.repository = 'not a repository';
    expect(() => pipelineRoutesValue(broken)).toThrow(/repository must be a GitHub repository/);
  });
});

describe('files read at synth', () => {
  test('a buildspec must be a mapping; its report groups are its `reports` keys', () => {
    expect(
      reportGroupKeys(
        readBuildspec(file('ok.yml', 'version: 0.2\nreports:\n  unit-tests:\n    files: [a]\n')),
      ),
    ).toEqual(['unit-tests']);
    expect(reportGroupKeys({ version: 0.2 })).toEqual([]);
    expect(() => readBuildspec(file('list.yml', '- a\n- b\n'))).toThrow(/is not a buildspec mapping/);
    expect(() => readBuildspec(join(dir, 'missing.yml'))).toThrow(/ENOENT/);
  });

  test('the SSM document must be a Command document of schema 2.2', () => {
    expect(readCommandDocument()).toMatchObject({ schemaVersion: '2.2' });
    expect(() => readCommandDocument(file('old.yaml', "schemaVersion: '1.2'\nruntimeConfig: {}\n"))).toThrow(
      /schemaVersion must be "2.2"/,
    );
    expect(() => readCommandDocument(file('text.yaml', 'just text\n'))).toThrow(/is not a YAML mapping/);
  });
});

describe('state machine integrations', () => {
  test('Task resources are found inside Parallel branches and Map iterators', () => {
    const definition = {
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { States: { A: { Type: 'Task', Resource: 'arn:aws:states:::codebuild:startBuild.sync' } } },
          ],
        },
        M: {
          Type: 'Map',
          ItemProcessor: { States: { B: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem' } } },
        },
        C: { Type: 'Pass', Resource: 'not a task' },
      },
    };
    expect(integrationResources(definition).sort()).toEqual([
      'arn:aws:states:::codebuild:startBuild.sync',
      'arn:aws:states:::dynamodb:putItem',
    ]);
  });

  test('placeholder names follow the folder names', () => {
    expect(pascalCase('deploy-lock')).toBe('DeployLock');
    expect(pascalCase('github-webhook')).toBe('GithubWebhook');
  });
});

describe('target permissions', () => {
  const stack = () => new Stack(new App(), 'S');

  test('no targets of a kind, no statements', () => {
    const onlyEb = structuredClone(config) as PipelinesConfig;
    onlyEb.pipelines = onlyEb.pipelines.filter((p) => p.target.kind === 'elastic-beanstalk');
    expect(ssmReleaseStatements(stack(), ssmTargets(onlyEb), 'Doc')).toEqual([]);
    expect(ssmHealthStatements(stack(), ssmTargets(onlyEb))).toEqual([]);
    expect(beanstalkDeployStatements(stack(), [], [])).toEqual([]);
  });

  test('instances of several targets sharing a tag key are allowed by one condition listing every value', () => {
    const two = structuredClone(config) as PipelinesConfig;
    const microblog = two.pipelines.find((p) => p.target.kind === 'ec2-ssm')!;
    two.pipelines.push({
      ...structuredClone(microblog),
      name: 'microblog-eu',
      target: {
        ...structuredClone(microblog.target),
        instanceTag: { key: 'App', value: 'microblog-eu' },
      } as typeof microblog.target,
    });
    const s = stack();
    const conditions = ssmReleaseStatements(s, ssmTargets(two), 'Doc')
      .map((st) => st.toStatementJson() as { Condition?: unknown })
      .filter((st) => st.Condition);
    expect(conditions).toEqual([
      expect.objectContaining({
        Condition: { StringEquals: { 'ssm:resourceTag/App': ['microblog', 'microblog-eu'] } },
      }),
    ]);
  });
});
