/**
 * The end of a failed release's output: GetCommandInvocation holds only the first 24,000
 * characters and nothing for a TimedOut invocation, so the end comes from the S3 copy.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { instanceOutput, s3Location } from '../../functions/ssm-deploy/command-output';
import { ssmDeps, ssmDeploy } from '../../functions/ssm-deploy/handler';
import { MAX_OUTPUT_TAILS, releaseStatus } from '../../functions/ssm-deploy/operations';

const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const COMMAND = '11111111-2222-3333-4444-555555555555';
const INSTANCE = 'i-0aaaaaaaaaaaaaaa1';
const URL_OUT = `https://s3.us-east-1.amazonaws.com/deploy-artifacts/ssm-output/microblog/${COMMAND}/${INSTANCE}/awsrunShellScript/releaseService/stdout`;
/** A GetObject body as the SDK gives it (only what the code reads). */
const body = (text: string) => ({ transformToString: () => Promise.resolve(text) });

/** 30,000 characters of release log whose last line is the real error. */
const FULL = `${Array.from({ length: 600 }, (_, i) => `step ${String(i).padStart(4, '0')} ${'.'.repeat(38)}`).join('\n')}\nERROR: alembic upgrade failed: database is locked\n`;

beforeEach(() => {
  ssmMock.reset();
  s3Mock.reset();
});

const sources = (withS3: boolean) => ({
  ssm: new SSMClient({}),
  ...(withS3 ? { s3: new S3Client({}) } : {}),
  logGroup: '/deploy-controller/ssm',
});

test('a Failed invocation longer than 24,000 characters shows the real end, read from S3', async () => {
  // Prepare: the API holds the first 24,000 characters only
  expect(FULL.length).toBeGreaterThan(24_000);
  ssmMock.on(GetCommandInvocationCommand).resolves({
    Status: 'Failed',
    PluginName: 'releaseService',
    StandardOutputContent: FULL.slice(0, 24_000),
    StandardOutputUrl: URL_OUT,
  });
  s3Mock.on(GetObjectCommand).resolves({ Body: body(FULL.slice(-16_384)) as never });
  // Act
  const output = await instanceOutput(sources(true), COMMAND, INSTANCE, FULL.slice(0, 2500));
  // Assess
  expect(output.trimEnd().endsWith('ERROR: alembic upgrade failed: database is locked')).toBe(true);
  expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
    Bucket: 'deploy-artifacts',
    Key: `ssm-output/microblog/${COMMAND}/${INSTANCE}/awsrunShellScript/releaseService/stdout`,
    Range: 'bytes=-16384',
  });
});

test('without an S3 copy, a cut output says it is not the end and where the rest is', async () => {
  ssmMock.on(GetCommandInvocationCommand).resolves({
    Status: 'Failed',
    PluginName: 'releaseService',
    StandardOutputContent: FULL.slice(0, 24_000),
  });
  const output = await instanceOutput(sources(false), COMMAND, INSTANCE, '');
  expect(output).toContain('SSM returned only the first 24,000 characters of stdout');
  expect(output).toContain(`/deploy-controller/ssm, streams ${COMMAND}/${INSTANCE}/releaseService/stdout`);
});

test('a TimedOut invocation, which GetCommandInvocation leaves empty, shows something', async () => {
  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'TimedOut', StandardOutputContent: '' });
  const withoutS3 = await instanceOutput(
    sources(false),
    COMMAND,
    INSTANCE,
    'waiting for the health check...',
  );
  expect(withoutS3).toContain('waiting for the health check...');
  expect(withoutS3).toContain('[timed out: SSM gives no output through GetCommandInvocation');

  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'TimedOut', StandardOutputUrl: URL_OUT });
  s3Mock.on(GetObjectCommand).resolves({ Body: body('health check 19/20 failed\n') as never });
  const withS3 = await instanceOutput(sources(true), COMMAND, INSTANCE, '');
  expect(withS3).toBe('health check 19/20 failed\n[the command timed out here]');
});

test.each([
  [
    `https://deploy-artifacts.s3.us-east-1.amazonaws.com/a/b/stdout`,
    { bucket: 'deploy-artifacts', key: 'a/b/stdout' },
  ],
  [`https://s3.amazonaws.com/deploy-artifacts/a/b/stdout`, { bucket: 'deploy-artifacts', key: 'a/b/stdout' }],
  ['not a url', null],
])('s3Location(%s)', (url, expected) => {
  expect(s3Location(url)).toEqual(expected);
});

describe('at scale', () => {
  const fleet = Array.from({ length: 300 }, (_, i) => `i-0${i.toString(16).padStart(16, '0')}`);

  test('300 failed instances: tails for at most 10, the result well under 256 KiB', async () => {
    process.env.SSM_DOCUMENT_NAME = 'release';
    ssmMock
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ CommandId: COMMAND, Status: 'Failed', TargetCount: 300 }] })
      .on(ListCommandInvocationsCommand)
      .callsFake((input: { NextToken?: string }) => {
        const start = Number(input.NextToken ?? 0);
        const page = fleet.slice(start, start + 50).map((InstanceId) => ({
          InstanceId,
          Status: 'Failed' as const,
          CommandPlugins: [{ Name: 'releaseService', Output: 'x'.repeat(2500) }],
        }));
        return {
          CommandInvocations: page,
          ...(start + 50 < fleet.length ? { NextToken: String(start + 50) } : {}),
        };
      })
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Failed', StandardOutputContent: FULL.slice(0, 24_000) });
    const result = await releaseStatus(ssmDeps('microblog', new SSMClient({})), COMMAND);
    expect(result.failedInstanceIds).toHaveLength(300);
    expect(result.instances.filter((i) => i.outputTail !== '')).toHaveLength(MAX_OUTPUT_TAILS);
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(MAX_OUTPUT_TAILS);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan((256 * 1024) / 4);
  });

  test('a release sent with SSM_OUTPUT_BUCKET asks SSM for the complete output in S3', async () => {
    process.env.SSM_OUTPUT_BUCKET = 'deploy-artifacts';
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND } });
    await ssmDeploy(
      {
        action: 'startRelease',
        pipeline: 'microblog',
        commitSha: 'a'.repeat(40),
        artifact: { bucket: 'deploy-artifacts', key: `microblog/${'a'.repeat(40)}/release.tar.gz` },
      },
      new SSMClient({}),
    );
    delete process.env.SSM_OUTPUT_BUCKET;
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      OutputS3BucketName: 'deploy-artifacts',
      OutputS3KeyPrefix: 'ssm-output/microblog',
    });
  });
});
