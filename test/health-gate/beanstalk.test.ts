import {
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  type EnvironmentDescription,
  type EnvironmentStatus,
} from '@aws-sdk/client-elastic-beanstalk';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { getPipelineSettings } from '../../functions/commons/config/pipeline-settings';
import { healthGate } from '../../functions/health-gate/handler';
import { runHealthGate } from '../../functions/health-gate/health-gate';

const ebMock = mockClient(ElasticBeanstalkClient);
const ssmMock = mockClient(SSMClient);
const clients = { elasticBeanstalk: new ElasticBeanstalkClient({}), ssm: new SSMClient({}) };
const ENV: EnvironmentDescription = {
  EnvironmentName: 'retail-bank-prod',
  ApplicationName: 'retail-bank',
  Status: 'Ready',
  Health: 'Green',
  VersionLabel: 'v1',
};

beforeEach(() => {
  ebMock.reset();
  ssmMock.reset();
  ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: [ENV] });
  ebMock
    .on(DescribeEnvironmentHealthCommand)
    .resolves({ EnvironmentName: 'retail-bank-prod', HealthStatus: 'Ok', Color: 'Green', Causes: [] });
});

describe('health gate on Elastic Beanstalk', () => {
  test('Ready, Green and Ok: healthy with every finding', async () => {
    // Act
    const result = await healthGate({ pipeline: 'retail-bank' }, clients);

    // Assess
    expect(result).toEqual({
      healthy: true,
      omittedFindings: 0,
      findings: [
        { resource: 'retail-bank-prod', check: 'environment-status', ok: true, detail: 'Status Ready' },
        {
          resource: 'retail-bank-prod',
          check: 'environment-health',
          ok: true,
          detail: 'Health Green (allowed: Green)',
        },
        {
          resource: 'retail-bank-prod',
          check: 'enhanced-health',
          ok: true,
          detail: 'HealthStatus Ok (Green)',
        },
      ],
    });
    expect(ebMock).toHaveReceivedCommandWith(DescribeEnvironmentsCommand, {
      ApplicationName: 'retail-bank',
      EnvironmentNames: ['retail-bank-prod'],
      IncludeDeleted: false,
    });
    expect(ebMock).toHaveReceivedCommandWith(DescribeEnvironmentHealthCommand, {
      EnvironmentName: 'retail-bank-prod',
      AttributeNames: ['Status', 'Color', 'HealthStatus', 'Causes'],
    });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('a missing environment is TargetNotFoundError naming application and environment', async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toMatchObject({
      name: 'TargetNotFoundError',
      message: 'Elastic Beanstalk environment retail-bank-prod not found in application retail-bank',
    });
  });

  test('a terminated environment counts as missing', async () => {
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ...ENV, Status: 'Terminated' }] });
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toMatchObject({
      name: 'TargetNotFoundError',
    });
  });

  test.each(['Updating', 'Launching'])('Status %s (update in progress) is unhealthy', async (status) => {
    ebMock
      .on(DescribeEnvironmentsCommand)
      .resolves({ Environments: [{ ...ENV, Status: status as EnvironmentStatus }] });
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toMatchObject({
      name: 'TargetUnhealthyError',
      message: `retail-bank: target is not healthy enough to deploy into: retail-bank-prod environment-status: Status ${status}: an update is in progress`,
    });
  });

  test('Health Yellow is refused unless the pipeline allows it', async () => {
    // Prepare
    ebMock.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ...ENV, Health: 'Yellow' }] });
    const settings = getPipelineSettings('retail-bank');
    const lenient = {
      ...settings,
      health: { ...settings.health, allowedEnvironmentHealth: ['Green', 'Yellow'] as ('Green' | 'Yellow')[] },
    };

    // Act / Assess
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toThrow(
      'environment-health: Health Yellow (allowed: Green)',
    );
    await expect(runHealthGate(lenient, clients, { timeoutMs: 1000 })).resolves.toMatchObject({
      healthy: true,
    });
  });

  test('enhanced health Warning is unhealthy and the causes are in the finding', async () => {
    ebMock.on(DescribeEnvironmentHealthCommand).resolves({
      HealthStatus: 'Warning',
      Color: 'Yellow',
      Causes: [
        '30 % of the requests are failing with HTTP 5xx.',
        'Impaired services on 1 out of 2 instances.',
      ],
    });
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toThrow(
      'retail-bank-prod enhanced-health: HealthStatus Warning (Yellow): 30 % of the requests are failing with HTTP 5xx.; Impaired services on 1 out of 2 instances.',
    );
  });

  test('every failed finding is listed, not only the first', async () => {
    ebMock
      .on(DescribeEnvironmentsCommand)
      .resolves({ Environments: [{ ...ENV, Status: 'Updating', Health: 'Grey' }] });
    ebMock.on(DescribeEnvironmentHealthCommand).resolves({ HealthStatus: 'Pending', Causes: [] });
    const error = await healthGate({ pipeline: 'retail-bank' }, clients).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /environment-status.*environment-health: Health Grey.*enhanced-health: HealthStatus Pending/,
    );
  });

  test('HealthStatus Info is deployable', async () => {
    ebMock.on(DescribeEnvironmentHealthCommand).resolves({
      HealthStatus: 'Info',
      Color: 'Green',
      Causes: ['Command is executing on 1 out of 2 instances.'],
    });
    const result = await healthGate({ pipeline: 'retail-bank' }, clients);
    expect(result.findings[2]).toEqual({
      resource: 'retail-bank-prod',
      check: 'enhanced-health',
      ok: true,
      detail: 'HealthStatus Info (Green): Command is executing on 1 out of 2 instances.',
    });
  });

  test('an environment without enhanced health is judged on basic health only', async () => {
    ebMock
      .on(DescribeEnvironmentHealthCommand)
      .rejects(Object.assign(new Error('enhanced health not enabled'), { name: 'InvalidRequestException' }));
    const result = await healthGate({ pipeline: 'retail-bank' }, clients);
    expect(result.findings[2]).toMatchObject({
      ok: true,
      detail: 'enhanced health reporting is not enabled; basic health only',
    });
  });

  test('other Beanstalk errors propagate for the task Retry', async () => {
    ebMock
      .on(DescribeEnvironmentsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(healthGate({ pipeline: 'retail-bank' }, clients)).rejects.toMatchObject({
      name: 'Throttling',
    });
  });

  test.each([
    [{}, 'health-gate event is not valid: pipeline: must be a non-empty string'],
    [{ pipeline: 7 }, 'health-gate event is not valid: pipeline: must be a non-empty string'],
    [{ pipeline: '' }, 'health-gate event is not valid: pipeline: must be a non-empty string'],
    [null, 'health-gate event is not valid: event: Invalid input: expected object, received null'],
  ])('bad event %j is InvalidEventError', async (event, message) => {
    await expect(healthGate(event, clients)).rejects.toMatchObject({ name: 'InvalidEventError', message });
  });

  test('an unknown pipeline is ConfigError', async () => {
    await expect(healthGate({ pipeline: 'nope' }, clients)).rejects.toMatchObject({ name: 'ConfigError' });
  });
});
