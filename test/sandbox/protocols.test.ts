/**
 * The real AWS SDK v3 clients against the sandbox's local endpoint: every operation the
 * controller uses, round-tripped over the wire protocols (JSON 1.0/1.1, awsQuery, S3 REST),
 * including errors in each protocol's shape. Fake handlers stand in for the Lambda functions.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetBuildsCommand,
  BatchGetReportsCommand,
  CodeBuildClient,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateApplicationVersionCommand,
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { fixtureMachines, fixtureHandlers } from './fixtures';

let sandbox: Sandbox;
let config: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

beforeAll(async () => {
  sandbox = await startSandbox({
    sandboxPort: 0,
    port: 0,
    speedup: 3000,
    log: false,
    handlers: fixtureHandlers,
    projectStateMachines: false,
    stateMachines: fixtureMachines,
  });
  config = {
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  };
});
afterAll(() => sandbox?.stop());

/** Polls (real time, bounded by the simulated clock in the sandbox) until `read` returns something. */
async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Step Functions (JSON 1.0)', () => {
  const sfn = () => new SFNClient(config);
  const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

  test('ListStateMachines, StartExecution (idempotent), DescribeExecution, ListExecutions', async () => {
    const machines = await sfn().send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.name)).toEqual(
      expect.arrayContaining(['fixture-simple', 'fixture-approval', 'fixture-nested']),
    );
    expect(machines.stateMachines?.[0]?.creationDate).toBeInstanceOf(Date);

    const input = JSON.stringify({ hello: 'world' });
    const first = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-wait'), name: 'same-name', input }),
    );
    // Same name and input while running: the same execution, no error (StartExecution is idempotent).
    const again = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-wait'), name: 'same-name', input }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn().send(
        new StartExecutionCommand({
          stateMachineArn: arn('fixture-wait'),
          name: 'same-name',
          input: '{"other":1}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

    const described = await sfn().send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described).toMatchObject({
      status: 'RUNNING',
      name: 'same-name',
      input,
      stateMachineArn: arn('fixture-wait'),
    });
    const listed = await sfn().send(
      new ListExecutionsCommand({ stateMachineArn: arn('fixture-wait'), statusFilter: 'RUNNING' }),
    );
    expect(listed.executions?.map((e) => e.executionArn)).toContain(first.executionArn);

    const stopped = await sfn().send(
      new StopExecutionCommand({
        executionArn: first.executionArn,
        error: 'Operator',
        cause: 'stopped by test',
      }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const after = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(after).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by test' });
    // A stopped name with another input is still taken.
    await expect(
      sfn().send(
        new StartExecutionCommand({ stateMachineArn: arn('fixture-wait'), name: 'same-name', input }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  test('GetExecutionHistory in AWS event format, with retries and a nested .sync:2 execution', async () => {
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-nested'), input: '{"n":1}' }),
    );
    const done = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({
      child: { Status: 'SUCCEEDED', Output: { lock: { status: 'acquired' } } },
    });

    const history = await sfn().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const events = history.events!;
    expect(events[0]).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted' });
    expect(events[0]!.timestamp).toBeInstanceOf(Date);
    // previousEventId is causal (local/sfn/causality.ts): the first state follows event 0, every
    // other event an earlier one.
    expect(events.every((e, i) => e.id === i + 1 && e.previousEventId! < e.id!)).toBe(true);
    expect(events[1]!.previousEventId).toBe(0);
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]),
    );
    const entered = events.find((e) => e.type === 'TaskStateEntered')!;
    expect(entered.stateEnteredEventDetails).toMatchObject({ name: 'Run child' });
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
      region: 'us-east-1',
    });

    const children = await sfn().send(new ListExecutionsCommand({ stateMachineArn: arn('fixture-simple') }));
    expect(children.executions?.length).toBeGreaterThan(0);
    const child = await sfn().send(
      new GetExecutionHistoryCommand({
        executionArn: children.executions![0]!.executionArn,
        reverseOrder: true,
        maxResults: 2,
      }),
    );
    expect(child.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(child.nextToken).toBeDefined();
    // A Lambda function ARN Resource records LambdaFunction* events; the retried failure shows twice.
    const full = await sfn().send(
      new GetExecutionHistoryCommand({ executionArn: children.executions![0]!.executionArn }),
    );
    const lambdaTypes = full.events!.map((e) => e.type).filter((t) => t!.startsWith('LambdaFunction'));
    expect(lambdaTypes).toEqual([
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
    ]);
    expect(
      full.events!.find((e) => e.type === 'LambdaFunctionFailed')!.lambdaFunctionFailedEventDetails,
    ).toMatchObject({ error: 'Lambda.TooManyRequestsException' });
  });

  test('waitForTaskToken: SendTaskHeartbeat, SendTaskSuccess, SendTaskFailure and bad tokens', async () => {
    const tokenOf = async (executionArn: string) =>
      until(async () => {
        const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn }));
        const scheduled = h.events?.find((e) => e.type === 'TaskSubmitted');
        if (!scheduled) return undefined;
        const params = JSON.parse(
          h.events!.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!.parameters!,
        ) as { Payload: { token: string } };
        return params.Payload.token;
      });
    const ok = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-approval'), input: '{}' }),
    );
    const token = await tokenOf(ok.executionArn!);
    expect(token).toMatch(/^AQB/);
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn().send(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify({ decision: 'approved', by: 'test' }),
      }),
    );
    const succeeded = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: ok.executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output!)).toMatchObject({ approval: { decision: 'approved' } });
    // A settled token cannot be used again.
    await expect(
      sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(
      sfn().send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });

    const rejected = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-approval'), input: '{}' }),
    );
    const token2 = await tokenOf(rejected.executionArn!);
    await expect(
      sfn().send(new SendTaskSuccessCommand({ taskToken: token2, output: 'not json' })),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
    await sfn().send(
      new SendTaskFailureCommand({ taskToken: token2, error: 'ApprovalRejected', cause: 'no' }),
    );
    const failed = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: rejected.executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'no' });
  });

  test('a task that is never answered times out with States.Timeout (simulated TimeoutSeconds)', async () => {
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-approval'), input: '{}' }),
    );
    const done = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done).toMatchObject({ status: 'FAILED', error: 'Expired' });
    const history = await sfn().send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.Timeout',
    });
  });

  test('a token task with no heartbeat for HeartbeatSeconds fails with States.HeartbeatTimeout, which Catch handles', async () => {
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: arn('fixture-heartbeat'), input: '{}' }),
    );
    const done = await until(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ error: { Error: 'States.HeartbeatTimeout' } });
    const history = await sfn().send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.HeartbeatTimeout',
    });
    // The token is closed: a late answer gets TaskTimedOut.
    const scheduled = history.events!.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    const { token } = (JSON.parse(scheduled.parameters!) as { Payload: { token: string } }).Payload;
    await expect(
      sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  test('errors: unknown state machine, unknown operation', async () => {
    await expect(
      sfn().send(new StartExecutionCommand({ stateMachineArn: arn('nope'), input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn().send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn().send(
        new CreateStateMachineCommand({
          name: 'x',
          definition: '{}',
          roleArn: 'arn:aws:iam::123456789012:role/x',
        }),
      ),
    ).rejects.toThrow(/does not implement sfn operation CreateStateMachine/);
  });
});

describe('CodeBuild (JSON 1.1) and S3 (REST)', () => {
  test('StartBuild, BatchGetBuilds with phases, BatchGetReports, artifact in S3', async () => {
    const codebuild = new CodeBuildClient(config);
    const sha = 'c'.repeat(40);
    const key = `microblog/${sha}/release.tar.gz`;
    const started = await codebuild.send(
      new StartBuildCommand({
        projectName: 'deploy-microblog-build',
        sourceVersion: sha,
        environmentVariablesOverride: [
          { name: 'PIPELINE', value: 'microblog', type: 'PLAINTEXT' },
          { name: 'ARTIFACT_BUCKET', value: 'deploy-controller-artifacts-sandbox', type: 'PLAINTEXT' },
          { name: 'ARTIFACT_KEY', value: key, type: 'PLAINTEXT' },
        ],
      }),
    );
    expect(started.build).toMatchObject({
      buildStatus: 'IN_PROGRESS',
      projectName: 'deploy-microblog-build',
      sourceVersion: sha,
    });
    const build = await until(async () => {
      const out = await codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }));
      return out.builds?.[0]?.buildComplete ? out.builds[0] : undefined;
    });
    expect(build.buildStatus).toBe('SUCCEEDED');
    expect(build.phases?.map((p) => p.phaseType)).toEqual([
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
      'COMPLETED',
    ]);
    expect(build.phases?.find((p) => p.phaseType === 'BUILD')?.phaseStatus).toBe('SUCCEEDED');
    // About four simulated minutes from start to end.
    expect((build.endTime!.getTime() - build.startTime!.getTime()) / 1000).toBeGreaterThanOrEqual(235);
    const reports = await codebuild.send(new BatchGetReportsCommand({ reportArns: build.reportArns! }));
    expect(reports.reports?.[0]).toMatchObject({
      type: 'TEST',
      status: 'SUCCEEDED',
      testSummary: { total: 48 },
    });

    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'deploy-controller-artifacts-sandbox', Key: key }),
    );
    expect(head.Metadata).toMatchObject({ 'commit-sha': sha });
    await expect(codebuild.send(new StartBuildCommand({ projectName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('PutObject, GetObject, HeadObject and NoSuchKey', async () => {
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'deploy-controller-artifacts-sandbox',
        Key: 'test/a b.txt',
        Body: 'hello sandbox',
        ContentType: 'text/plain',
      }),
    );
    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'deploy-controller-artifacts-sandbox', Key: 'test/a b.txt' }),
    );
    expect(await got.Body!.transformToString()).toBe('hello sandbox');
    expect(got.ContentType).toBe('text/plain');
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'deploy-controller-artifacts-sandbox', Key: 'missing' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('Elastic Beanstalk (awsQuery)', () => {
  test('environment, health, versions, TrafficSplitting update, events and errors', async () => {
    const eb = new ElasticBeanstalkClient(config);
    const envs = await eb.send(
      new DescribeEnvironmentsCommand({
        ApplicationName: 'retail-bank',
        EnvironmentNames: ['retail-bank-prod'],
      }),
    );
    expect(envs.Environments?.[0]).toMatchObject({
      EnvironmentName: 'retail-bank-prod',
      Status: 'Ready',
      Health: 'Green',
      HealthStatus: 'Ok',
    });
    expect(envs.Environments?.[0]?.DateUpdated).toBeInstanceOf(Date);
    const health = await eb.send(
      new DescribeEnvironmentHealthCommand({ EnvironmentName: 'retail-bank-prod', AttributeNames: ['All'] }),
    );
    expect(health).toMatchObject({ HealthStatus: 'Ok', Color: 'Green', Status: 'Ready' });
    expect(health.ApplicationMetrics?.StatusCodes?.Status2xx).toBeGreaterThan(0);

    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'deploy-controller-artifacts-sandbox',
        Key: 'retail-bank/d/app.zip',
        Body: 'zip',
      }),
    );
    await eb.send(
      new CreateApplicationVersionCommand({
        ApplicationName: 'retail-bank',
        VersionLabel: 'v-test',
        SourceBundle: { S3Bucket: 'deploy-controller-artifacts-sandbox', S3Key: 'retail-bank/d/app.zip' },
        Process: true,
      }),
    );
    await expect(
      eb.send(
        new CreateApplicationVersionCommand({
          ApplicationName: 'retail-bank',
          VersionLabel: 'v-test',
          SourceBundle: { S3Bucket: 'deploy-controller-artifacts-sandbox', S3Key: 'retail-bank/d/app.zip' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Application Version v-test already exists.',
    });
    await until(async () => {
      const v = await eb.send(
        new DescribeApplicationVersionsCommand({ ApplicationName: 'retail-bank', VersionLabels: ['v-test'] }),
      );
      return String(v.ApplicationVersions?.[0]?.Status) === 'PROCESSED' ? true : undefined;
    });

    const updated = await eb.send(
      new UpdateEnvironmentCommand({
        EnvironmentName: 'retail-bank-prod',
        VersionLabel: 'v-test',
        OptionSettings: [
          {
            Namespace: 'aws:elasticbeanstalk:command',
            OptionName: 'DeploymentPolicy',
            Value: 'TrafficSplitting',
          },
          {
            Namespace: 'aws:elasticbeanstalk:trafficsplitting',
            OptionName: 'NewVersionPercent',
            Value: '10',
          },
          // A long evaluation (1.2 s real at 3000x) keeps the environment Updating for the next call
          // even on a loaded machine.
          { Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: 'EvaluationTime', Value: '60' },
        ],
      }),
    );
    expect(updated.Status).toBe('Updating');
    await expect(
      eb.send(new UpdateEnvironmentCommand({ EnvironmentName: 'retail-bank-prod', VersionLabel: 'v-test' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Environment named retail-bank-prod is in an invalid state for this operation. Must be Ready.',
    });
    const ready = await until(async () => {
      const e = await eb.send(new DescribeEnvironmentsCommand({ EnvironmentNames: ['retail-bank-prod'] }));
      return e.Environments?.[0]?.Status === 'Ready' ? e.Environments[0] : undefined;
    });
    expect(ready.VersionLabel).toBe('v-test');
    const events = await eb.send(
      new DescribeEventsCommand({ EnvironmentName: 'retail-bank-prod', MaxRecords: 20 }),
    );
    const messages = events.Events!.map((e) => e.Message);
    expect(messages[0]).toBe('Environment update completed successfully.');
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Sending 10% of traffic to the new application version\. Evaluating its health for 60 minutes\./,
        ),
      ]),
    );
    await expect(
      eb.send(new DescribeEnvironmentHealthCommand({ EnvironmentName: 'nope' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('SSM (JSON 1.1)', () => {
  test('instances by tag, the resource check, a rolling release and errors', async () => {
    const ssm = new SSMClient(config);
    const info = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:App', Values: ['microblog'] }] }),
    );
    expect(info.InstanceInformationList).toHaveLength(3);
    expect(info.InstanceInformationList?.every((i) => i.PingStatus === 'Online')).toBe(true);
    const ids = info.InstanceInformationList!.map((i) => i.InstanceId!);

    const check = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [ids[0]!],
        Parameters: { commands: ['echo'] },
      }),
    );
    const result = await until(async () => {
      const out = await ssm
        .send(new GetCommandInvocationCommand({ CommandId: check.Command!.CommandId!, InstanceId: ids[0]! }))
        .catch(() => undefined);
      return out?.Status === 'Success' ? out : undefined;
    });
    expect(JSON.parse(result.StandardOutputContent!.trim())).toEqual({
      cpuPercent: expect.any(Number),
      memoryPercent: expect.any(Number),
      diskPercent: expect.any(Number),
    });

    const sha = 'd'.repeat(40);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'deploy-controller-artifacts-sandbox',
        Key: `microblog/${sha}/release.tar.gz`,
        Body: 'tar',
      }),
    );
    const release = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'deploy-controller-release-systemd-service',
        Targets: [{ Key: 'tag:App', Values: ['microblog'] }],
        MaxConcurrency: '1',
        MaxErrors: '0',
        Parameters: {
          action: ['release'],
          commitSha: [sha],
          artifactBucket: ['deploy-controller-artifacts-sandbox'],
          artifactKey: [`microblog/${sha}/release.tar.gz`],
          serviceName: ['microblog'],
          appDirectory: ['/opt/microblog'],
          healthUrl: ['http://127.0.0.1:5000/'],
          pythonVersion: ['3.11'],
        },
      }),
    );
    expect(release.Command).toMatchObject({ TargetCount: 3, MaxConcurrency: '1', MaxErrors: '0' });
    // Rolling: never more than one instance in progress.
    const invocations = await until(async () => {
      const out = await ssm.send(
        new ListCommandInvocationsCommand({ CommandId: release.Command!.CommandId!, Details: true }),
      );
      expect(out.CommandInvocations!.filter((i) => i.Status === 'InProgress').length).toBeLessThanOrEqual(1);
      return out.CommandInvocations!.every((i) => i.Status === 'Success')
        ? out.CommandInvocations
        : undefined;
    });
    expect(invocations[0]!.CommandPlugins?.[0]?.Output).toMatch(
      /flask db upgrade[\s\S]*flask translate compile[\s\S]*systemctl restart microblog/,
    );
    expect(sandbox.fleet.list().every((i) => i.currentRelease === sha)).toBe(true);

    await expect(
      ssm.send(
        new GetCommandInvocationCommand({
          CommandId: '00000000-0000-0000-0000-000000000000',
          InstanceId: ids[0]!,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
    await expect(
      ssm.send(new SendCommandCommand({ DocumentName: 'NoSuchDoc', InstanceIds: [ids[0]!] })),
    ).rejects.toMatchObject({ name: 'InvalidDocument' });
    await expect(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'deploy-controller-release-systemd-service',
          InstanceIds: [ids[0]!],
          Parameters: { action: ['release'], commitSha: ['$(reboot)'] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameters' });
  });
});

describe('DynamoDB (JSON 1.0, DocumentClient)', () => {
  test('conditional writes, updates, queries on an index, deletes', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    const TableName = 'deploy-history';
    for (const [i, startedAt] of [
      '2026-01-01T00:00:00Z',
      '2026-01-03T00:00:00Z',
      '2026-01-02T00:00:00Z',
    ].entries()) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { pipeline: 'p', executionArn: `arn-${i}`, startedAt, outcome: 'running' },
          ConditionExpression: 'attribute_not_exists(executionArn)',
        }),
      );
    }
    await expect(
      doc.send(
        new PutCommand({
          TableName,
          Item: { pipeline: 'p', executionArn: 'arn-0' },
          ConditionExpression: 'attribute_not_exists(executionArn)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const updated = await doc.send(
      new UpdateCommand({
        TableName,
        Key: { pipeline: 'p', executionArn: 'arn-1' },
        UpdateExpression: 'SET #o = :o, endedAt = if_not_exists(endedAt, :t) REMOVE startedAtX',
        ConditionExpression: '#o = :running',
        ExpressionAttributeNames: { '#o': 'outcome' },
        ExpressionAttributeValues: { ':o': 'succeeded', ':t': '2026-01-03T01:00:00Z', ':running': 'running' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toMatchObject({ outcome: 'succeeded', endedAt: '2026-01-03T01:00:00Z' });
    const newest = await doc.send(
      new QueryCommand({
        TableName,
        IndexName: 'byStartedAt',
        KeyConditionExpression: 'pipeline = :p',
        ExpressionAttributeValues: { ':p': 'p' },
        ScanIndexForward: false,
        Limit: 2,
      }),
    );
    expect(newest.Items?.map((i) => i.executionArn)).toEqual(['arn-1', 'arn-2']);
    expect(newest.LastEvaluatedKey).toBeDefined();
    const rest = await doc.send(
      new QueryCommand({
        TableName,
        IndexName: 'byStartedAt',
        KeyConditionExpression: 'pipeline = :p',
        ExpressionAttributeValues: { ':p': 'p' },
        ScanIndexForward: false,
        ExclusiveStartKey: newest.LastEvaluatedKey,
      }),
    );
    expect(rest.Items?.map((i) => i.executionArn)).toEqual(['arn-0']);
    const got = await doc.send(
      new GetCommand({ TableName, Key: { pipeline: 'p', executionArn: 'arn-1' }, ConsistentRead: true }),
    );
    expect(got.Item?.outcome).toBe('succeeded');
    await doc.send(new DeleteCommand({ TableName, Key: { pipeline: 'p', executionArn: 'arn-1' } }));
    expect(
      (await doc.send(new GetCommand({ TableName, Key: { pipeline: 'p', executionArn: 'arn-1' } }))).Item,
    ).toBeUndefined();
    await expect(doc.send(new GetCommand({ TableName: 'nope', Key: { a: 'b' } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(doc.send(new GetCommand({ TableName, Key: { pipeline: 'p' } }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('Secrets Manager, CloudWatch, EventBridge', () => {
  test('PutSecretValue then GetSecretValue; missing secret', async () => {
    const sm = new SecretsManagerClient(config);
    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'deploy-controller/github-webhook-secret',
        SecretString: 'rotated',
      }),
    );
    const got = await sm.send(
      new GetSecretValueCommand({ SecretId: 'deploy-controller/github-webhook-secret' }),
    );
    expect(got.SecretString).toBe('rotated');
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('DescribeAlarms returns the configured alarms', async () => {
    const cw = new CloudWatchClient(config);
    const out = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['retail-bank-5xx', 'microblog-5xx'] }),
    );
    expect(out.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue]).sort()).toEqual([
      ['microblog-5xx', 'OK'],
      ['retail-bank-5xx', 'OK'],
    ]);
  });

  test('PutEvents (JSON 1.1; no EventBridge client is installed, so over plain HTTP)', async () => {
    const post = (body: unknown) =>
      fetch(sandbox.urls.aws, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: JSON.stringify(body),
      });
    const ok = await post({
      Entries: [
        { Source: 'test', DetailType: 'Thing', Detail: '{"a":1}' },
        { Source: 'test', DetailType: 'Thing', Detail: 'not json' },
      ],
    });
    expect(await ok.json()).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ EventId: expect.any(String) }, { ErrorCode: 'MalformedDetail' }],
    });
    const bad = await post({ Entries: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: 'ValidationException' });
  });
});

describe('control API', () => {
  test('health, state, scenarios, scenario activation and unknown paths', async () => {
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${sandbox.urls.control}${path}`, init);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await get('/health')).body).toMatchObject({ status: 'ok', speedup: 3000 });
    const state = (await get('/state')).body;
    expect(state).toMatchObject({
      environments: [expect.objectContaining({ name: 'retail-bank-prod' })],
      instances: expect.any(Array),
      locks: expect.any(Array),
    });
    const scenarios = (await get('/scenarios')).body.scenarios as { name: string }[];
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining(['happy', 'canary-regression', 'slack-down']),
    );
    expect(
      (await get('/scenario', { method: 'POST', body: JSON.stringify({ name: 'throttling' }) })).body,
    ).toMatchObject({ active: 'throttling' });
    expect((await get('/scenario', { method: 'POST', body: JSON.stringify({ name: 'nope' }) })).status).toBe(
      404,
    );
    expect((await get('/scenario', { method: 'POST', body: 'garbage' })).status).toBe(400);
    await get('/scenario', { method: 'POST', body: JSON.stringify({ name: 'happy' }) });
    expect((await get('/nope')).status).toBe(404);
  });

  test('ad-hoc faults: 500s and throttling are absorbed by SDK retries; a Lambda times out once', async () => {
    const post = async (faults: unknown) =>
      (await fetch(`${sandbox.urls.control}/faults`, { method: 'POST', body: JSON.stringify(faults) }))
        .status;
    expect(await post({ throttleShare: 0.9 })).toBe(400);
    expect(await post({ nope: true })).toBe(400);
    expect(
      await post({ serverErrorShare: 0.25, throttleShare: 0.25, lambdaTimeoutOnce: 'deploy-lock' }),
    ).toBe(200);
    const cw = new CloudWatchClient(config);
    for (let i = 0; i < 20; i++)
      await cw.send(new DescribeAlarmsCommand({ AlarmNames: [`retail-bank-5xx`], MaxRecords: i + 1 }));
    expect(sandbox.faults.injected.serverErrors + sandbox.faults.injected.throttling).toBeGreaterThan(0);
    const first = await sandbox.lambda.invoke('deploy-lock', {});
    expect(first).toMatchObject({ errorType: 'Sandbox.Timedout' });
    const second = await sandbox.lambda.invoke('deploy-lock', {});
    expect('errorType' in second && second.errorType).not.toBe('Sandbox.Timedout');
    sandbox.activateScenario('happy');
  });
});
