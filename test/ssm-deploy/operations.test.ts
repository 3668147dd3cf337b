import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ssmDeploy } from '../../functions/ssm-deploy/handler';

const ssm = mockClient(SSMClient);
const SHA = '0123456789abcdef0123456789abcdef01234567';
const COMMAND_ID = '11111111-2222-3333-4444-555555555555';
const run = (event: object) => ssmDeploy(event, new SSMClient({}));
const [A, B, C] = ['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2', 'i-0ccccccccccccccc3'];

const invocation = (InstanceId: string, Status: string, Output = '') => ({
  InstanceId,
  Status: Status as 'Success',
  CommandPlugins: [{ Name: 'releaseService', Output }],
});

beforeEach(() => {
  ssm.reset();
  process.env.SSM_DOCUMENT_NAME = 'deploy-controller-ReleaseSystemdService';
  delete process.env.SSM_LOG_GROUP;
});

describe('startRelease', () => {
  const event = {
    action: 'startRelease',
    pipeline: 'microblog',
    commitSha: SHA,
    artifact: { bucket: 'deploy-artifacts-1', key: `microblog/${SHA}/release.tar.gz` },
  };

  test('sends the document to the tagged fleet with the configured rollout and constrained parameters', async () => {
    // Prepare
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
    // Act
    const result = await run(event);
    // Assess
    expect(result).toEqual({ commandId: COMMAND_ID, startedAt: expect.any(String) });
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'deploy-controller-ReleaseSystemdService',
      Targets: [{ Key: 'tag:App', Values: ['microblog'] }],
      MaxConcurrency: '10%',
      MaxErrors: '0',
      TimeoutSeconds: 3600,
      Comment: 'microblog release 0123456789ab',
      Parameters: {
        action: ['release'],
        commitSha: [SHA],
        artifactBucket: ['deploy-artifacts-1'],
        artifactKey: [`microblog/${SHA}/release.tar.gz`],
        serviceName: ['microblog'],
        appDirectory: ['/opt/microblog'],
        healthUrl: ['http://127.0.0.1:5000/'],
        pythonVersion: ['3.11'],
        // microblog's release steps come from pipelines.yaml (target.release), not from the document
        releaseEnvironment: ['FLASK_APP:microblog.py'],
        releaseCommands: ['flask+db+upgrade:flask+translate+compile'],
      },
    });
    expect(ssm.commandCalls(SendCommandCommand)[0]!.args[0].input.CloudWatchOutputConfig).toBeUndefined();
  });

  test('sends output to CloudWatch Logs when SSM_LOG_GROUP is set', async () => {
    process.env.SSM_LOG_GROUP = '/deploy-controller/ssm';
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
    await run(event);
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      CloudWatchOutputConfig: {
        CloudWatchLogGroupName: '/deploy-controller/ssm',
        CloudWatchOutputEnabled: true,
      },
    });
  });

  test.each([
    ['a key with a command substitution', { key: 'microblog/$(rm -rf /)/release.tar.gz' }, 'artifactKey'],
    ['a key with a backtick', { key: 'microblog/`id`.tar.gz' }, 'artifactKey'],
    ['a key with a newline', { key: 'microblog/x\nrm -rf /' }, 'artifactKey'],
    ['a bucket with a quote', { bucket: "bucket'; reboot; '" }, 'artifactBucket'],
    ['a bucket with a semicolon', { bucket: 'a;b' }, 'artifactBucket'],
  ])('%s is rejected before SSM is called', async (_name, artifact, parameter) => {
    // Act + Assess
    await expect(run({ ...event, artifact: { ...event.artifact, ...artifact } })).rejects.toMatchObject({
      name: 'InvalidReleaseParameterError',
      message: expect.stringContaining(`${parameter} = `),
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  test('a missing SSM_DOCUMENT_NAME is a ConfigError', async () => {
    delete process.env.SSM_DOCUMENT_NAME;
    await expect(run(event)).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('SSM_DOCUMENT_NAME'),
    });
  });

  test('a pipeline that deploys to Beanstalk is a ConfigError', async () => {
    await expect(run({ ...event, pipeline: 'retail-bank' })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('elastic-beanstalk'),
    });
  });
});

describe('releaseStatus', () => {
  const event = { action: 'releaseStatus', pipeline: 'microblog', commandId: COMMAND_ID };

  test('in progress while the command runs: updated so far and a short wait', async () => {
    // Prepare
    ssm
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND_ID, Status: 'InProgress', TargetCount: 3 }] });
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(A, 'Success', 'ok'),
        invocation(B, 'InProgress'),
        invocation(C, 'Pending'),
      ],
    });
    // Act
    const result = await run(event);
    // Assess
    expect(result).toMatchObject({
      status: 'in-progress',
      updatedInstanceIds: [A],
      failedInstanceIds: [],
      waitSeconds: 10,
    });
  });

  test('all three instances released -> succeeded', async () => {
    ssm
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND_ID, Status: 'Success', TargetCount: 3 }] });
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [invocation(C, 'Success'), invocation(A, 'Success'), invocation(B, 'Success')],
    });
    await expect(run(event)).resolves.toMatchObject({
      status: 'succeeded',
      updatedInstanceIds: [A, B, C],
      failedInstanceIds: [],
      waitSeconds: 0,
    });
  });

  test('one of three fails at MaxErrors 0: failed, the rest reported as not run, the full output tail of the failure', async () => {
    // Prepare: A released, B failed its health check, SSM cancelled C.
    const longLog = Array.from({ length: 60 }, (_, i) => `step ${i}`).join('\n');
    ssm
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND_ID, Status: 'Failed', TargetCount: 3, ErrorCount: 1 }] });
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(A, 'Success', 'release live'),
        invocation(B, 'Failed', 'truncated start'),
        invocation(C, 'Cancelled'),
      ],
    });
    ssm.on(GetCommandInvocationCommand, { InstanceId: B }).resolves({
      StandardOutputContent: `${longLog}\n\u001b[31mswitched current\u001b[0m\n`,
      StandardErrorContent: '10:00:01 ERROR: health check http://127.0.0.1:5000/ failed after the restart\n',
    });
    // Act
    const result = (await run(event)) as {
      status: string;
      instances: { instanceId: string; status: string; outputTail: string }[];
      reason: string;
    };
    // Assess
    expect(result).toMatchObject({ status: 'failed', updatedInstanceIds: [A], failedInstanceIds: [B] });
    expect(result.instances.map((i) => [i.instanceId, i.status])).toEqual([
      [A, 'Success'],
      [B, 'Failed'],
      [C, 'Cancelled'],
    ]);
    const tail = result.instances[1]!.outputTail.split('\n');
    expect(tail).toHaveLength(20);
    expect(tail.at(-1)).toContain('health check http://127.0.0.1:5000/ failed');
    expect(tail.at(-2)).toBe('switched current');
    expect(result.reason).toContain(`not run on ${C}`);
    expect(ssm).toHaveReceivedCommandTimes(GetCommandInvocationCommand, 1);
  });

  test('reads every page of invocations', async () => {
    ssm
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND_ID, Status: 'Success', TargetCount: 2 }] });
    ssm
      .on(ListCommandInvocationsCommand)
      .resolvesOnce({ CommandInvocations: [invocation(A, 'Success')], NextToken: 'page2' })
      .resolvesOnce({ CommandInvocations: [invocation(B, 'Success')] });
    await expect(run(event)).resolves.toMatchObject({ status: 'succeeded', updatedInstanceIds: [A, B] });
    expect(ssm).toHaveReceivedCommandWith(ListCommandInvocationsCommand, {
      NextToken: 'page2',
      Details: true,
    });
  });

  test("no instance with the tag -> failed with SSM's reason", async () => {
    ssm.on(ListCommandsCommand).resolves({
      Commands: [
        { CommandId: COMMAND_ID, Status: 'Failed', StatusDetails: 'No Instances In Tag', TargetCount: 0 },
      ],
    });
    ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    await expect(run(event)).resolves.toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('No Instances In Tag'),
    });
  });

  test('a timed-out instance counts as failed', async () => {
    ssm
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND_ID, Status: 'TimedOut', TargetCount: 1 }] });
    ssm
      .on(ListCommandInvocationsCommand)
      .resolves({ CommandInvocations: [invocation(A, 'TimedOut', 'pip install ...')] });
    ssm.on(GetCommandInvocationCommand).rejects(new Error('InvocationDoesNotExist'));
    await expect(run(event)).resolves.toMatchObject({
      status: 'failed',
      failedInstanceIds: [A],
      instances: [{ outputTail: 'pip install ...' }],
    });
  });
});

describe('rollback', () => {
  test('sends action=rollback to exactly the given instances, never stopping at the first error', async () => {
    // Prepare
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
    // Act
    await run({ action: 'rollback', pipeline: 'microblog', instanceIds: [A, B], commitSha: null });
    // Assess
    const input = ssm.commandCalls(SendCommandCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ InstanceIds: [A, B], MaxErrors: '100%', MaxConcurrency: '10%' });
    expect(input.Targets).toBeUndefined();
    expect(input.Parameters).toMatchObject({
      action: ['rollback'],
      commitSha: ['previous'],
      artifactBucket: [''],
      artifactKey: [''],
    });
  });

  test('a rollback to a named commit passes its sha', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND_ID } });
    await run({ action: 'rollback', pipeline: 'microblog', instanceIds: [A], commitSha: SHA });
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      Parameters: expect.objectContaining({ commitSha: [SHA] }),
    });
  });

  test.each([
    [[], 'at least one'],
    [['i-0aaa; reboot'], 'instance id'],
  ])('instanceIds %j are rejected', async (instanceIds, message) => {
    await expect(
      run({ action: 'rollback', pipeline: 'microblog', instanceIds, commitSha: null }),
    ).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining(message),
    });
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('rollback of a fleet larger than SendCommand takes', () => {
  const fleet = Array.from({ length: 53 }, (_, i) => `i-0${i.toString(16).padStart(16, '0')}`);
  const [FIRST, SECOND] = ['aaaaaaaa-2222-3333-4444-555555555555', 'bbbbbbbb-2222-3333-4444-555555555555'];

  test('53 instances go out as two SendCommand calls of at most 50 ids, followed as one', async () => {
    // Prepare
    ssm
      .on(SendCommandCommand)
      .resolvesOnce({ Command: { CommandId: FIRST } })
      .resolvesOnce({ Command: { CommandId: SECOND } });
    // Act
    const sent = (await run({
      action: 'rollback',
      pipeline: 'microblog',
      instanceIds: fleet,
      commitSha: null,
    })) as { commandId: string };
    // Assess
    const calls = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds ?? []);
    expect(calls.map((ids) => ids.length)).toEqual([50, 3]);
    expect(calls.flat()).toEqual(fleet);
    expect(sent.commandId).toBe(`${FIRST},${SECOND}`);

    // Prepare: the first batch has finished, the second is still running
    ssm
      .on(ListCommandsCommand, { CommandId: FIRST })
      .resolves({ Commands: [{ CommandId: FIRST, Status: 'Success', TargetCount: 50 }] })
      .on(ListCommandsCommand, { CommandId: SECOND })
      .resolves({ Commands: [{ CommandId: SECOND, Status: 'InProgress', TargetCount: 3 }] })
      .on(ListCommandInvocationsCommand, { CommandId: FIRST })
      .resolves({ CommandInvocations: fleet.slice(0, 50).map((id) => invocation(id, 'Success')) })
      .on(ListCommandInvocationsCommand, { CommandId: SECOND })
      .resolves({ CommandInvocations: fleet.slice(50).map((id) => invocation(id, 'InProgress')) });
    // Act
    const following = await run({
      action: 'releaseStatus',
      pipeline: 'microblog',
      commandId: sent.commandId,
    });
    // Assess
    expect(following).toMatchObject({ status: 'in-progress', reason: '50/53 instances released' });

    // Prepare: both done
    ssm
      .on(ListCommandsCommand, { CommandId: SECOND })
      .resolves({ Commands: [{ CommandId: SECOND, Status: 'Success', TargetCount: 3 }] })
      .on(ListCommandInvocationsCommand, { CommandId: SECOND })
      .resolves({ CommandInvocations: fleet.slice(50).map((id) => invocation(id, 'Success')) });
    // Act
    const done = await run({ action: 'releaseStatus', pipeline: 'microblog', commandId: sent.commandId });
    // Assess
    expect(done).toMatchObject({ status: 'succeeded' });
    expect((done as { updatedInstanceIds: string[] }).updatedInstanceIds).toHaveLength(53);
  });

  test('a batch that cannot be sent after another was is reported, not retried as throttling', async () => {
    ssm
      .on(SendCommandCommand)
      .resolvesOnce({ Command: { CommandId: FIRST } })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(
      run({ action: 'rollback', pipeline: 'microblog', instanceIds: fleet, commitSha: null }),
    ).rejects.toMatchObject({
      name: 'RollbackPartiallySentError',
      message: expect.stringContaining(FIRST),
    });
  });

  test('more instances than ten batches are refused before anything is sent', async () => {
    const huge = Array.from({ length: 501 }, (_, i) => `i-0${i.toString(16).padStart(16, '0')}`);
    await expect(
      run({ action: 'rollback', pipeline: 'microblog', instanceIds: huge, commitSha: null }),
    ).rejects.toMatchObject({ name: 'InvalidEventError' });
    expect(ssm.calls()).toHaveLength(0);
  });
});
