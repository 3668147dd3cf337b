import {
  CreateApplicationVersionCommand,
  DeleteApplicationVersionCommand,
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
  ElasticBeanstalkSyntheticServiceException,
  UpdateEnvironmentCommand,
  type DescribeEnvironmentsCommandOutput,
} from '@aws-sdk/client-elastic-beanstalk';
import { mockClient } from 'aws-sdk-client-mock';
import { beanstalkDeploy } from '../../functions/beanstalk-deploy/handler';

const eb = mockClient(ElasticBeanstalkClient);
const SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';
const LABEL = '3f2a9c1b7d4e';
const run = (event: object) => beanstalkDeploy(event, new ElasticBeanstalkClient({}));

const ebError = (name: string, message: string) =>
  new ElasticBeanstalkSyntheticServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

const environment = (over: object = {}): DescribeEnvironmentsCommandOutput =>
  ({
    Environments: [
      {
        EnvironmentName: 'retail-bank-prod',
        ApplicationName: 'retail-bank',
        Status: 'Ready',
        Health: 'Green',
        VersionLabel: 'a1b2c3d4e5f6',
        ...over,
      },
    ],
  }) as DescribeEnvironmentsCommandOutput;

beforeEach(() => {
  eb.reset();
});

describe('createVersion', () => {
  const event = {
    action: 'createVersion',
    pipeline: 'retail-bank',
    commitSha: SHA,
    artifact: { bucket: 'artifacts', key: `retail-bank/${SHA}/app.zip` },
    description: 'Fix the rate\nmore text',
  };

  test('creates a processed-on-upload version from the artifact', async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [] });
    eb.on(CreateApplicationVersionCommand).resolves({});
    // Act
    const result = await run(event);
    // Assess
    expect(result).toEqual({ versionLabel: LABEL });
    expect(eb).toHaveReceivedCommandWith(CreateApplicationVersionCommand, {
      ApplicationName: 'retail-bank',
      VersionLabel: LABEL,
      Description: `retail-bank ${LABEL}: Fix the rate`,
      SourceBundle: { S3Bucket: 'artifacts', S3Key: `retail-bank/${SHA}/app.zip` },
      Process: true,
    });
  });

  test('reuses a label that exists (retry or redeploy of the same commit)', async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [{ VersionLabel: LABEL, Status: 'Processed' }],
    });
    // Act
    const result = await run(event);
    // Assess
    expect(result).toEqual({ versionLabel: LABEL });
    expect(eb).not.toHaveReceivedCommand(CreateApplicationVersionCommand);
  });

  test('treats "already exists" from a concurrent create as success', async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [] });
    eb.on(CreateApplicationVersionCommand).rejects(
      ebError('InvalidParameterValue', `Application Version ${LABEL} already exists.`),
    );
    // Act + Assess
    await expect(run(event)).resolves.toEqual({ versionLabel: LABEL });
  });

  test('replaces a version of the same commit that failed processing', async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [{ VersionLabel: LABEL, Status: 'FAILED' as 'Failed' }],
    });
    eb.on(DeleteApplicationVersionCommand).resolves({});
    eb.on(CreateApplicationVersionCommand).resolves({});
    // Act
    await run(event);
    // Assess
    expect(eb).toHaveReceivedCommandWith(DeleteApplicationVersionCommand, {
      VersionLabel: LABEL,
      DeleteSourceBundle: false,
    });
    expect(eb).toHaveReceivedCommandTimes(CreateApplicationVersionCommand, 1);
  });

  test('a full version quota becomes DeployRejectedError with the fix', async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [] });
    eb.on(CreateApplicationVersionCommand).rejects(
      ebError('TooManyApplicationVersionsException', 'too many'),
    );
    // Act + Assess
    await expect(run(event)).rejects.toMatchObject({
      name: 'DeployRejectedError',
      message: expect.stringContaining('lifecycle policy'),
    });
  });

  test('a bad commit sha is rejected before any call', async () => {
    await expect(run({ ...event, commitSha: '$(reboot)' })).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining('commitSha'),
    });
    expect(eb.calls()).toHaveLength(0);
  });
});

describe('versionStatus', () => {
  const event = { action: 'versionStatus', pipeline: 'retail-bank', versionLabel: LABEL };

  test.each([
    ['Processing', 'processing', 5],
    ['UNPROCESSED', 'processing', 5],
    ['Building', 'processing', 5],
    ['PROCESSED', 'processed', 0],
  ])('%s -> %s', async (status, expected, waitSeconds) => {
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [{ VersionLabel: LABEL, Status: status as 'Processed' }],
    });
    await expect(run(event)).resolves.toEqual({ status: expected, waitSeconds });
  });

  test("FAILED -> VersionProcessingFailedError with Beanstalk's reason and the bundle", async () => {
    // Prepare
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [
        {
          VersionLabel: LABEL,
          Status: 'Failed',
          SourceBundle: { S3Bucket: 'artifacts', S3Key: 'retail-bank/x/app.zip' },
        },
      ],
    });
    eb.on(DescribeEventsCommand).resolves({
      Events: [
        {
          Severity: 'ERROR',
          Message: 'Invalid option specification (Namespace: aws:elasticbeanstalk:container:python).',
        },
      ],
    });
    // Act + Assess
    await expect(run(event)).rejects.toMatchObject({
      name: 'VersionProcessingFailedError',
      message: expect.stringMatching(
        /s3:\/\/artifacts\/retail-bank\/x\/app\.zip.*Invalid option specification/,
      ),
    });
  });

  test('a version that does not exist is a processing failure', async () => {
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [] });
    await expect(run(event)).rejects.toMatchObject({ name: 'VersionProcessingFailedError' });
  });
});

describe('startDeploy and rollback', () => {
  test('starts a TrafficSplitting canary with the configured share and window', async () => {
    // Prepare
    eb.on(DescribeEnvironmentsCommand).resolves(environment());
    eb.on(UpdateEnvironmentCommand).resolves({});
    // Act
    const result = await run({ action: 'startDeploy', pipeline: 'retail-bank', versionLabel: LABEL });
    // Assess
    expect(result).toEqual({
      versionLabel: LABEL,
      previousVersionLabel: 'a1b2c3d4e5f6',
      startedAt: expect.any(String),
      application: 'retail-bank',
      environment: 'retail-bank-prod',
    });
    expect(eb).toHaveReceivedCommandWith(UpdateEnvironmentCommand, {
      ApplicationName: 'retail-bank',
      EnvironmentName: 'retail-bank-prod',
      VersionLabel: LABEL,
      OptionSettings: [
        {
          Namespace: 'aws:elasticbeanstalk:command',
          OptionName: 'DeploymentPolicy',
          Value: 'TrafficSplitting',
        },
        { Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: 'NewVersionPercent', Value: '10' },
        { Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: 'EvaluationTime', Value: '5' },
      ],
    });
  });

  test('an update already in progress -> DeployRejectedError', async () => {
    // Prepare
    eb.on(DescribeEnvironmentsCommand).resolves(environment({ Status: 'Updating' }));
    eb.on(UpdateEnvironmentCommand).rejects(
      ebError(
        'InvalidParameterValue',
        'Environment named retail-bank-prod is in an invalid state for this operation. Must be Ready.',
      ),
    );
    // Act + Assess
    await expect(
      run({ action: 'startDeploy', pipeline: 'retail-bank', versionLabel: LABEL }),
    ).rejects.toMatchObject({
      name: 'DeployRejectedError',
      message: expect.stringContaining('already in progress'),
    });
  });

  test('other UpdateEnvironment errors pass through unchanged', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves(environment());
    eb.on(UpdateEnvironmentCommand).rejects(ebError('InsufficientPrivilegesException', 'not allowed'));
    await expect(
      run({ action: 'startDeploy', pipeline: 'retail-bank', versionLabel: LABEL }),
    ).rejects.toMatchObject({ name: 'InsufficientPrivilegesException' });
  });

  test('a missing environment -> TargetNotFoundError naming application and environment', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
    await expect(
      run({ action: 'startDeploy', pipeline: 'retail-bank', versionLabel: LABEL }),
    ).rejects.toMatchObject({
      name: 'TargetNotFoundError',
      message: 'Elastic Beanstalk environment "retail-bank-prod" of application "retail-bank" does not exist',
    });
    expect(eb).not.toHaveReceivedCommand(UpdateEnvironmentCommand);
  });

  test('rollback puts the given version back with the Immutable policy', async () => {
    // Prepare
    eb.on(DescribeEnvironmentsCommand).resolves(environment({ VersionLabel: LABEL }));
    eb.on(UpdateEnvironmentCommand).resolves({});
    // Act
    const result = await run({ action: 'rollback', pipeline: 'retail-bank', versionLabel: 'a1b2c3d4e5f6' });
    // Assess
    expect(result).toMatchObject({ versionLabel: 'a1b2c3d4e5f6', previousVersionLabel: LABEL });
    expect(eb).toHaveReceivedCommandWith(UpdateEnvironmentCommand, {
      VersionLabel: 'a1b2c3d4e5f6',
      OptionSettings: [
        { Namespace: 'aws:elasticbeanstalk:command', OptionName: 'DeploymentPolicy', Value: 'Immutable' },
      ],
    });
  });
});

describe('deployStatus and currentVersion', () => {
  test("reads events since the start and reports Beanstalk's own rollback", async () => {
    // Prepare
    const startedAt = '2025-03-01T10:00:00.000Z';
    eb.on(DescribeEnvironmentsCommand).resolves(
      environment({ VersionLabel: 'a1b2c3d4e5f6', Health: 'Green' }),
    );
    eb.on(DescribeEventsCommand).resolves({
      Events: [
        {
          EventDate: new Date('2025-03-01T10:09:00Z'),
          Severity: 'ERROR',
          Message: 'Failed to deploy application.',
        },
        {
          EventDate: new Date('2025-03-01T10:08:00Z'),
          Severity: 'WARN',
          Message: 'Rolling back traffic to the previous version.',
        },
      ],
    });
    // Act
    const result = await run({
      action: 'deployStatus',
      pipeline: 'retail-bank',
      versionLabel: LABEL,
      startedAt,
    });
    // Assess
    expect(result).toMatchObject({
      status: 'reverted',
      deployedVersionLabel: 'a1b2c3d4e5f6',
      environmentStatus: 'Ready',
      health: 'Green',
      waitSeconds: 0,
      events: [
        '2025-03-01T10:09:00.000Z ERROR Failed to deploy application.',
        '2025-03-01T10:08:00.000Z WARN Rolling back traffic to the previous version.',
      ],
    });
    expect(eb).toHaveReceivedCommandWith(DescribeEventsCommand, {
      EnvironmentName: 'retail-bank-prod',
      StartTime: new Date(startedAt),
    });
  });

  test('currentVersion returns the live label, or null', async () => {
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce(environment())
      .resolvesOnce(environment({ VersionLabel: undefined }));
    await expect(run({ action: 'currentVersion', pipeline: 'retail-bank' })).resolves.toEqual({
      versionLabel: 'a1b2c3d4e5f6',
    });
    await expect(run({ action: 'currentVersion', pipeline: 'retail-bank' })).resolves.toEqual({
      versionLabel: null,
    });
  });
});

describe('handler input', () => {
  test('a pipeline that deploys to EC2 is a ConfigError', async () => {
    await expect(run({ action: 'currentVersion', pipeline: 'microblog' })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('ec2-ssm'),
    });
  });

  test('an unknown action is rejected with the list of actions', async () => {
    await expect(run({ action: 'deploy', pipeline: 'retail-bank' })).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining('createVersion'),
    });
  });
});
