import { execFileSync } from 'node:child_process';
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import {
  DescribeInstanceInformationCommand,
  ListCommandInvocationsCommand,
  type CommandInvocationStatus,
  type CommandPluginStatus,
  type ListCommandInvocationsCommandOutput,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { getPipelineSettings } from '../../functions/commons/config/pipeline-settings';
import { healthGate } from '../../functions/health-gate/handler';
import { healthCheckTimeoutMs, runHealthGate } from '../../functions/health-gate/health-gate';
import { parseResourceUsage, RESOURCE_CHECK_SCRIPT } from '../../functions/health-gate/resource-check';

const ssmMock = mockClient(SSMClient);
const clients = { elasticBeanstalk: new ElasticBeanstalkClient({}), ssm: new SSMClient({}) };
const noSleep = async () => {};
const usage = (cpu: number, memory: number, disk: number) =>
  `{"cpuPercent":${cpu},"memoryPercent":${memory},"diskPercent":${disk}}\n`;
const online = (id: string) => ({ InstanceId: id, PingStatus: 'Online' as const });

type Invocation = { Status: string; StandardOutputContent?: string; StandardErrorContent?: string };

/** A ListCommandInvocations page (Details: true) as SSM answers it: each plugin's Output. */
function page(byInstance: Record<string, Invocation>): Partial<ListCommandInvocationsCommandOutput> {
  return {
    CommandInvocations: Object.entries(byInstance).map(([InstanceId, i]) => ({
      InstanceId,
      Status: i.Status as CommandInvocationStatus,
      CommandPlugins: [
        {
          Name: 'aws:runShellScript',
          Status: i.Status as CommandPluginStatus,
          Output: `${i.StandardOutputContent ?? ''}${i.StandardErrorContent ? `\n----------ERROR-------\n${i.StandardErrorContent}` : ''}`,
        },
      ],
    })),
  };
}

function invocations(byInstance: Record<string, Invocation>): void {
  ssmMock.on(ListCommandInvocationsCommand).resolves(page(byInstance));
}

beforeEach(() => {
  ssmMock.reset();
  delete process.env.HEALTH_CHECK_TIMEOUT_SECONDS;
  ssmMock
    .on(DescribeInstanceInformationCommand)
    .resolves({ InstanceInformationList: [online('i-1'), online('i-2')] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

describe('health gate on EC2 through SSM', () => {
  test('online agents and resources under thresholds: healthy, one finding per check', async () => {
    // Prepare: SSM has not registered i-1's invocation yet on the first poll
    const i2 = { Status: 'Success', StandardOutputContent: usage(80, 85, 90) };
    ssmMock
      .on(ListCommandInvocationsCommand)
      .resolvesOnce(page({ 'i-2': i2 }))
      .resolvesOnce(page({ 'i-1': { Status: 'InProgress' }, 'i-2': i2 }))
      .resolves(
        page({ 'i-1': { Status: 'Success', StandardOutputContent: usage(12.5, 40.1, 55) }, 'i-2': i2 }),
      );

    // Act
    const result = await healthGate({ pipeline: 'microblog' }, clients, noSleep);

    // Assess
    expect(result.healthy).toBe(true);
    expect(result.findings).toEqual([
      { resource: 'i-1', check: 'ssm-agent', ok: true, detail: 'SSM agent Online' },
      { resource: 'i-2', check: 'ssm-agent', ok: true, detail: 'SSM agent Online' },
      { resource: 'i-1', check: 'cpu', ok: true, detail: 'cpu 12.5% (max 80%)' },
      { resource: 'i-1', check: 'memory', ok: true, detail: 'memory 40.1% (max 85%)' },
      { resource: 'i-1', check: 'disk', ok: true, detail: 'disk 55% (max 90%)' },
      { resource: 'i-2', check: 'cpu', ok: true, detail: 'cpu 80% (max 80%)' },
      { resource: 'i-2', check: 'memory', ok: true, detail: 'memory 85% (max 85%)' },
      { resource: 'i-2', check: 'disk', ok: true, detail: 'disk 90% (max 90%)' },
    ]);
    expect(ssmMock).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, {
      Filters: [{ Key: 'tag:App', Values: ['microblog'] }],
    });
    expect(ssmMock).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 3);
    expect(ssmMock).toHaveReceivedCommandWith(ListCommandInvocationsCommand, {
      CommandId: 'cmd-1',
      Details: true,
      MaxResults: 50,
    });
    expect(result.omittedFindings).toBe(0);
  });

  test('the command is AWS-RunShellScript with the fixed script and nothing interpolated', async () => {
    // Prepare
    invocations({
      'i-1': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) },
      'i-2': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) },
    });

    // Act
    await healthGate({ pipeline: 'microblog' }, clients, noSleep);

    // Assess
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['i-1', 'i-2'],
      Parameters: { commands: [...RESOURCE_CHECK_SCRIPT], executionTimeout: ['60'] },
    });
    const script = RESOURCE_CHECK_SCRIPT.join('\n');
    expect(script).not.toMatch(/microblog|\$\{/);
  });

  test('the fixed script really prints a usage line on Linux', () => {
    const output = execFileSync('sh', ['-c', RESOURCE_CHECK_SCRIPT.join('\n')], { encoding: 'utf8' });
    const parsed = parseResourceUsage(output);
    expect(parsed).not.toBeNull();
    expect(parsed!.memoryPercent).toBeGreaterThan(0);
    expect(parsed!.diskPercent).toBeGreaterThan(0);
  });

  test('instances are found across pages', async () => {
    // Prepare
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [online('i-1')], NextToken: 't2' })
      .resolvesOnce({ InstanceInformationList: [online('i-2')] });
    invocations({
      'i-1': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) },
      'i-2': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) },
    });

    // Act
    const result = await healthGate({ pipeline: 'microblog' }, clients, noSleep);

    // Assess
    expect(result.findings.filter((f) => f.check === 'ssm-agent').map((f) => f.resource)).toEqual([
      'i-1',
      'i-2',
    ]);
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(2, DescribeInstanceInformationCommand, {
      NextToken: 't2',
    });
  });

  test('no tagged instance is TargetNotFoundError naming the tag', async () => {
    ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    await expect(healthGate({ pipeline: 'microblog' }, clients, noSleep)).rejects.toMatchObject({
      name: 'TargetNotFoundError',
      message: 'no EC2 instances with tag App=microblog are registered with Systems Manager',
    });
  });

  test('an offline agent is unhealthy and its instance is not sent the check', async () => {
    // Prepare
    ssmMock.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [online('i-1'), { InstanceId: 'i-2', PingStatus: 'ConnectionLost' }],
    });
    invocations({ 'i-1': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) } });

    // Act
    const error = await healthGate({ pipeline: 'microblog' }, clients, noSleep).catch((e: Error) => e);

    // Assess
    expect(error).toMatchObject({
      name: 'TargetUnhealthyError',
      message:
        'microblog: target is not healthy enough to deploy into: i-2 ssm-agent: SSM agent ConnectionLost',
    });
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, { InstanceIds: ['i-1'] });
  });

  test('no online agent at all: unhealthy without sending a command', async () => {
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: [{ InstanceId: 'i-1', PingStatus: 'Inactive' }] });
    await expect(healthGate({ pipeline: 'microblog' }, clients, noSleep)).rejects.toMatchObject({
      name: 'TargetUnhealthyError',
    });
    expect(ssmMock).not.toHaveReceivedCommand(SendCommandCommand);
  });

  test('resources over thresholds are unhealthy, each named with its value and limit', async () => {
    invocations({
      'i-1': { Status: 'Success', StandardOutputContent: usage(93.5, 40, 55) },
      'i-2': { Status: 'Success', StandardOutputContent: usage(10, 86.2, 97) },
    });
    await expect(healthGate({ pipeline: 'microblog' }, clients, noSleep)).rejects.toThrow(
      'i-1 cpu: cpu 93.5% (max 80%); i-2 memory: memory 86.2% (max 85%); i-2 disk: disk 97% (max 90%)',
    );
  });

  test.each([
    [
      'not JSON',
      { Status: 'Success', StandardOutputContent: 'awk: command not found' },
      'could not read resource usage (command Success): awk: command not found',
    ],
    [
      'a wrong shape',
      { Status: 'Success', StandardOutputContent: '{"cpuPercent":"high"}' },
      'could not read resource usage (command Success)',
    ],
    [
      'a failed command',
      { Status: 'Failed', StandardOutputContent: '', StandardErrorContent: 'df: /: Permission denied' },
      'could not read resource usage (command Failed): df: /: Permission denied',
    ],
  ])('output with %s is a failed resource-check finding', async (_label, invocation, detail) => {
    invocations({ 'i-1': invocation, 'i-2': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) } });
    const error = await healthGate({ pipeline: 'microblog' }, clients, noSleep).catch((e: Error) => e);
    expect((error as Error).message).toContain(`i-1 resource-check: ${detail}`);
  });

  test('a check that does not finish in time fails with NotFinished; polls grow from 0.5 s and stop at the deadline', async () => {
    // Prepare: a fake clock that the fake sleep advances
    let clock = 0;
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    };
    invocations({
      'i-1': { Status: 'InProgress' },
      'i-2': { Status: 'Success', StandardOutputContent: usage(1, 1, 1) },
    });

    // Act
    const error = await runHealthGate(getPipelineSettings('microblog'), clients, {
      timeoutMs: 10_000,
      sleep,
      now: () => clock,
    }).catch((e: Error) => e);

    // Assess
    expect((error as Error).message).toContain(
      'i-1 resource-check: could not read resource usage (command NotFinished): still InProgress after 10 s',
    );
    expect(sleeps.slice(0, 4)).toEqual([500, 750, 1125, 1687.5]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(5000);
  });

  test('HEALTH_CHECK_TIMEOUT_SECONDS sets the deadline and is validated', () => {
    expect(healthCheckTimeoutMs({})).toBe(60_000);
    expect(healthCheckTimeoutMs({ HEALTH_CHECK_TIMEOUT_SECONDS: '30' })).toBe(30_000);
    expect(() => healthCheckTimeoutMs({ HEALTH_CHECK_TIMEOUT_SECONDS: '1h' })).toThrow(
      'HEALTH_CHECK_TIMEOUT_SECONDS must be a whole number of seconds from 10 to 600, got "1h"',
    );
  });

  test('a fleet of 300: six commands of 50, one list call each a round, and a result that stays small', async () => {
    // Prepare
    const ids = Array.from({ length: 300 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: ids.map((id) => online(id)) });
    let sent = 0;
    ssmMock.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${sent++}` } }));
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input: { CommandId: string }) =>
      page(
        Object.fromEntries(
          ids
            .slice(Number(input.CommandId.slice(4)) * 50)
            .slice(0, 50)
            .map((id) => [id, { Status: 'Success', StandardOutputContent: usage(1, 1, 1) }]),
        ),
      ),
    );

    // Act
    const result = await healthGate({ pipeline: 'microblog' }, clients, noSleep);

    // Assess
    expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 6);
    expect(ssmMock).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 6);
    expect(result.findings).toHaveLength(20);
    expect(result.omittedFindings).toBe(1200 - 20);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(4096);
  });

  test('many failures: the error names the first 20 and counts the rest', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `i-${i}`);
    ssmMock.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: ids.map((id) => ({ InstanceId: id, PingStatus: 'ConnectionLost' })),
    });

    const error = await healthGate({ pipeline: 'microblog' }, clients, noSleep).catch((e: Error) => e);

    expect((error as Error).message).toMatch(
      /i-19 ssm-agent: SSM agent ConnectionLost; and 10 more failures$/,
    );
    expect((error as Error).message).not.toContain('i-20 ');
  });

  test('SendCommand errors propagate', async () => {
    ssmMock.on(SendCommandCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidInstanceId' }));
    await expect(healthGate({ pipeline: 'microblog' }, clients, noSleep)).rejects.toMatchObject({
      name: 'InvalidInstanceId',
    });
  });
});
