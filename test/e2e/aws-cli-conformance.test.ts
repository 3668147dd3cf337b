/**
 * Debian's AWS CLI v2 (botocore) against an in-process sandbox: every operator read operation the
 * sandbox serves, as an engineer types it. Each command must exit 0 with the shape botocore
 * parses, or fail with the AWS error an operator would see from AWS.
 */
import { ARTIFACTS_BUCKET, startSandbox, type Sandbox } from '../../local/sandbox';
import { aws, type CliRun } from './support/aws-cli';

let sandbox: Sandbox;
const run = (...args: string[]) => aws(sandbox.urls.aws, ...args);
const ok = (result: CliRun) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.json as Record<string, unknown>;
};

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 300, log: false });
  for (const key of ['microblog/a/release.tar.gz', 'microblog/b/release.tar.gz', 'retail-bank/c/app.zip'])
    sandbox.s3.put(ARTIFACTS_BUCKET, key, `bytes of ${key}`);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('S3', () => {
  it('aws s3api list-buckets lists the artifacts bucket', async () => {
    const out = ok(await run('s3api', 'list-buckets')) as { Buckets: { Name: string }[] };
    expect(out.Buckets.map((b) => b.Name)).toContain(ARTIFACTS_BUCKET);
  });

  it('aws s3 ls s3://<artifacts bucket> shows the pipelines as prefixes, and a prefix its objects', async () => {
    const top = await run('s3', 'ls', `s3://${ARTIFACTS_BUCKET}`);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/PRE microblog\//);
    expect(top.stdout).toMatch(/PRE retail-bank\//);
    const deep = await run('s3', 'ls', `s3://${ARTIFACTS_BUCKET}/microblog/`, '--recursive');
    expect(deep.code).toBe(0);
    expect(deep.stdout).toContain('microblog/a/release.tar.gz');
    expect(deep.stdout).toContain('microblog/b/release.tar.gz');
  });

  it('aws s3api list-objects-v2 pages with max-keys and a continuation token', async () => {
    const first = ok(
      await run('s3api', 'list-objects-v2', '--bucket', ARTIFACTS_BUCKET, '--max-keys', '1', '--no-paginate'),
    ) as { Contents: { Key: string }[]; IsTruncated: boolean; NextContinuationToken: string };
    expect(first.Contents.map((c) => c.Key)).toEqual(['microblog/a/release.tar.gz']);
    expect(first.IsTruncated).toBe(true);
    const all = ok(
      await run('s3api', 'list-objects-v2', '--bucket', ARTIFACTS_BUCKET, '--page-size', '1'),
    ) as {
      Contents: { Key: string }[];
    };
    expect(all.Contents.map((c) => c.Key)).toEqual([
      'microblog/a/release.tar.gz',
      'microblog/b/release.tar.gz',
      'retail-bank/c/app.zip',
    ]);
  });

  it('a missing bucket is NoSuchBucket', async () => {
    const result = await run('s3api', 'list-objects-v2', '--bucket', 'no-such-bucket-here');
    expect(result.code).toBe(254);
    expect(result.stderr).toContain('NoSuchBucket');
  });
});

describe('DynamoDB', () => {
  it('aws dynamodb scan and describe-table answer from the tables the stack defines', async () => {
    const scan = ok(await run('dynamodb', 'scan', '--table-name', 'deploy-locks')) as { Items: unknown[] };
    expect(scan.Items).toEqual([]);
    const table = ok(await run('dynamodb', 'describe-table', '--table-name', 'deploy-history')) as {
      Table: { KeySchema: unknown[]; LocalSecondaryIndexes: { IndexName: string }[] };
    };
    expect(table.Table.KeySchema).toEqual([
      { AttributeName: 'pipeline', KeyType: 'HASH' },
      { AttributeName: 'executionArn', KeyType: 'RANGE' },
    ]);
    expect(table.Table.LocalSecondaryIndexes.map((i) => i.IndexName)).toEqual(['byStartedAt']);
  });

  it('a missing table is ResourceNotFoundException', async () => {
    const result = await run('dynamodb', 'scan', '--table-name', 'nope');
    expect(result.code).toBe(254);
    expect(result.stderr).toContain('ResourceNotFoundException');
  });
});

describe('Secrets Manager', () => {
  it('aws secretsmanager list-secrets lists names and versions, never values', async () => {
    const result = await run('secretsmanager', 'list-secrets');
    const out = ok(result) as { SecretList: { Name: string }[] };
    expect(out.SecretList.map((s) => s.Name)).toEqual(
      expect.arrayContaining([
        'deploy-controller/github-webhook-secret',
        'deploy-controller/slack-webhook-url',
      ]),
    );
    expect(result.stdout).not.toContain('SecretString');
    expect(result.stdout).not.toContain(sandbox.webhookSecret);
  });
});

describe('CodeBuild', () => {
  it('aws codebuild list-projects, list-builds and list-builds-for-project', async () => {
    const projects = ok(await run('codebuild', 'list-projects')) as { projects: string[] };
    expect(projects.projects).toEqual(
      expect.arrayContaining(['deploy-microblog-build', 'deploy-microblog-scan']),
    );
    const build = sandbox.codebuild.start({
      projectName: 'deploy-microblog-build',
      sourceVersion: 'a'.repeat(40),
    });
    const builds = ok(await run('codebuild', 'list-builds')) as { ids: string[] };
    expect(builds.ids).toContain(build.id);
    const forProject = ok(
      await run('codebuild', 'list-builds-for-project', '--project-name', 'deploy-microblog-build'),
    ) as { ids: string[] };
    expect(forProject.ids).toEqual([build.id]);
    const unknown = await run('codebuild', 'list-builds-for-project', '--project-name', 'nope');
    expect(unknown.code).toBe(254);
    expect(unknown.stderr).toContain('ResourceNotFoundException');
  });
});

describe('EventBridge', () => {
  it('aws events list-rules shows the notifier rule and the Step Functions managed rules', async () => {
    const out = ok(await run('events', 'list-rules')) as { Rules: { Name: string; EventPattern: string }[] };
    const names = out.Rules.map((r) => r.Name);
    expect(names).toEqual(
      expect.arrayContaining([
        'DeployController-PipelineStatusRule',
        'StepFunctionsGetEventsForCodeBuildStartBuildRule',
      ]),
    );
    const prefixed = ok(await run('events', 'list-rules', '--name-prefix', 'StepFunctions')) as {
      Rules: unknown[];
    };
    expect(prefixed.Rules).toHaveLength(2);
  });
});

describe('CloudWatch (awsQuery)', () => {
  it('aws cloudwatch describe-alarms lists the verify alarms', async () => {
    const out = ok(await run('cloudwatch', 'describe-alarms')) as {
      MetricAlarms: { AlarmName: string; StateValue: string; StateUpdatedTimestamp: string }[];
    };
    expect(out.MetricAlarms.length).toBeGreaterThan(0);
    expect(out.MetricAlarms[0]!.StateValue).toBe('OK');
    expect(Number.isNaN(Date.parse(out.MetricAlarms[0]!.StateUpdatedTimestamp))).toBe(false);
    const none = ok(await run('cloudwatch', 'describe-alarms', '--state-value', 'ALARM')) as {
      MetricAlarms: unknown[];
    };
    expect(none.MetricAlarms).toEqual([]);
  });
});

describe('Elastic Beanstalk', () => {
  it('describe-applications, describe-application-versions', async () => {
    const apps = ok(await run('elasticbeanstalk', 'describe-applications')) as {
      Applications: { ApplicationName: string }[];
    };
    expect(apps.Applications.map((a) => a.ApplicationName)).toEqual(['retail-bank']);
    const versions = ok(
      await run('elasticbeanstalk', 'describe-application-versions', '--application-name', 'retail-bank'),
    ) as { ApplicationVersions: { VersionLabel: string; Status: string }[] };
    expect(versions.ApplicationVersions[0]).toMatchObject({ Status: 'PROCESSED' });
  });

  it('describe-instances-health and describe-environment-health, with and without the name', async () => {
    const instances = ok(
      await run(
        'elasticbeanstalk',
        'describe-instances-health',
        '--environment-name',
        'retail-bank-prod',
        '--attribute-names',
        'All',
      ),
    ) as { InstanceHealthList: { InstanceId: string; HealthStatus: string }[] };
    expect(instances.InstanceHealthList.length).toBeGreaterThan(0);
    expect(instances.InstanceHealthList[0]).toMatchObject({ HealthStatus: 'Ok' });
    const health = ok(
      await run(
        'elasticbeanstalk',
        'describe-environment-health',
        '--environment-name',
        'retail-bank-prod',
        '--attribute-names',
        'All',
      ),
    );
    expect(health).toMatchObject({ EnvironmentName: 'retail-bank-prod', HealthStatus: 'Ok', Color: 'Green' });
    const nameless = await run('elasticbeanstalk', 'describe-environment-health');
    expect(nameless.code).toBe(254);
    expect(nameless.stderr).toContain('InvalidRequestException');
    expect(nameless.stderr).not.toContain('undefined');
  });
});

describe('SSM', () => {
  it('send-command, list-commands and get-command-invocation', async () => {
    const instanceId = sandbox.fleet.list()[0]!.id;
    const sent = ok(
      await run(
        'ssm',
        'send-command',
        '--document-name',
        'AWS-RunShellScript',
        '--instance-ids',
        instanceId,
        '--parameters',
        'commands=resource-check',
      ),
    ) as { Command: { CommandId: string } };
    const commands = ok(await run('ssm', 'list-commands')) as { Commands: { CommandId: string }[] };
    expect(commands.Commands.map((c) => c.CommandId)).toContain(sent.Command.CommandId);
    const invocation = ok(
      await run(
        'ssm',
        'get-command-invocation',
        '--command-id',
        sent.Command.CommandId,
        '--instance-id',
        instanceId,
      ),
    );
    expect(invocation).toMatchObject({ CommandId: sent.Command.CommandId, InstanceId: instanceId });
    const missing = await run(
      'ssm',
      'get-command-invocation',
      '--command-id',
      sent.Command.CommandId,
      '--instance-id',
      'i-0fffffffffffffff0',
    );
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain('InvalidInstanceId');
  });
});

describe('Step Functions', () => {
  it('list-executions and describe-execution', async () => {
    const arn = sandbox.engine.stateMachineArn('deploy-microblog');
    const started = ok(
      await run(
        'stepfunctions',
        'start-execution',
        '--state-machine-arn',
        arn,
        '--name',
        'conformance-run',
        '--input',
        JSON.stringify({ pipeline: 'microblog', commitSha: 'b'.repeat(40) }),
      ),
    ) as { executionArn: string };
    const list = ok(await run('stepfunctions', 'list-executions', '--state-machine-arn', arn)) as {
      executions: { executionArn: string }[];
    };
    expect(list.executions.map((e) => e.executionArn)).toContain(started.executionArn);
    const described = ok(
      await run('stepfunctions', 'describe-execution', '--execution-arn', started.executionArn),
    );
    expect(described).toMatchObject({ executionArn: started.executionArn, name: 'conformance-run' });
  });
});
