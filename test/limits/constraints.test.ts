/**
 * The sandbox refuses what AWS refuses: request member constraints from botocore's models and
 * Elastic Beanstalk's option ranges, on by default, answered through the real SDK clients.
 */
import {
  CreateApplicationVersionCommand,
  ElasticBeanstalkClient,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConstraints, loadConstraints } from '../../local/limits/constraints';
import { optionProblem } from '../../local/limits/beanstalk-options';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { generate } from '../../scripts/generate-aws-constraints';

const BOTOCORE = '/usr/lib/python3/dist-packages/awscli/botocore/data';
const file = loadConstraints();
const call = (service: string, operation: string, input: unknown) => ({
  service,
  operation,
  input,
  headers: {},
  region: 'us-east-1',
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-0${i.toString(16).padStart(16, '0')}`);

describe('the generated constraints file', () => {
  test('is what the generator makes from the installed botocore models', () => {
    expect(existsSync(BOTOCORE)).toBe(true);
    expect(readFileSync(join(__dirname, '../../local/limits/aws-constraints.json'), 'utf8')).toBe(
      generate(BOTOCORE),
    );
  });

  test('carries the limits the controller must stay inside', () => {
    const ssm = file.services.ssm!;
    expect(ssm.shapes.InstanceIdList).toMatchObject({ type: 'list', max: 50 });
    expect(file.services.elasticbeanstalk!.shapes.Description).toMatchObject({ max: 200 });
    expect(file.services.sfn!.shapes.SensitiveData).toMatchObject({ max: 262144 });
  });
});

describe('checkConstraints', () => {
  test('SendCommand with 51 instance ids is a ValidationException naming the member', () => {
    const refusal = checkConstraints(
      file,
      call('ssm', 'SendCommand', { DocumentName: 'release', InstanceIds: ids(51) }),
    );
    expect(refusal).toMatchObject({ code: 'ValidationException' });
    expect(refusal!.message).toMatch(
      /^1 validation error detected: Value '\[i-0.*' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50$/,
    );
    expect(
      checkConstraints(file, call('ssm', 'SendCommand', { DocumentName: 'release', InstanceIds: ids(50) })),
    ).toBe(undefined);
  });

  test("Step Functions' input is sized in UTF-8 bytes and never echoed", () => {
    // 131,073 two-byte characters: under 262,144 characters, over 262,144 bytes.
    const input = JSON.stringify('é'.repeat(131_072));
    const start = (text: string) =>
      checkConstraints(
        file,
        call('sfn', 'StartExecution', {
          stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
          input: text,
        }),
      );
    const refusal = start(input);
    expect(refusal).toMatchObject({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
    });
    expect(start(JSON.stringify('x'.repeat(262_142)))).toBe(undefined);
    expect(
      checkConstraints(file, call('sfn', 'SendTaskSuccess', { taskToken: 't', output: input }))?.message,
    ).toContain(
      "Value at 'output' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes",
    );
  });

  test('an instance id of the wrong length breaks the pattern', () => {
    const refusal = checkConstraints(
      file,
      call('ssm', 'SendCommand', { DocumentName: 'release', InstanceIds: ['i-0a1b2c3d4e5f6000'] }),
    );
    expect(refusal?.message).toContain(
      "at 'instanceIds.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
  });

  test('awsQuery: a long description is InvalidParameterValue, a missing member MissingParameter', () => {
    const long = checkConstraints(
      file,
      call('elasticbeanstalk', 'CreateApplicationVersion', {
        ApplicationName: 'retail-bank',
        VersionLabel: 'v1',
        Description: 'd'.repeat(201),
      }),
    );
    expect(long).toMatchObject({ code: 'InvalidParameterValue' });
    expect(long!.message).toContain(
      "at 'description' failed to satisfy constraint: Member must have length less than or equal to 200",
    );
    expect(
      checkConstraints(file, call('elasticbeanstalk', 'CreateApplicationVersion', { ApplicationName: 'a' })),
    ).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter VersionLabel.',
    });
  });

  test('CodeBuild answers InvalidInputException; numbers are checked as values', () => {
    const refusal = checkConstraints(
      file,
      call('codebuild', 'StartBuild', { projectName: 'p', timeoutInMinutesOverride: 2000 }),
    );
    expect(refusal).toMatchObject({ code: 'InvalidInputException' });
    expect(refusal!.message).toContain('Member must have value less than or equal to');
  });

  test('several violations are counted and joined', () => {
    const refusal = checkConstraints(file, call('sfn', 'StartExecution', { name: 'n'.repeat(81) }));
    expect(refusal!.message).toMatch(/^2 validation errors detected: /);
    expect(refusal!.message).toContain(
      "Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a missing required member of an operator read operation is named, never undefined', () => {
    expect(
      checkConstraints(file, call('ssm', 'GetCommandInvocation', { CommandId: 'c'.repeat(36) })),
    ).toMatchObject({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null",
    });
    expect(checkConstraints(file, call('codebuild', 'ListBuildsForProject', {}))?.message).toContain(
      "'projectName'",
    );
    expect(checkConstraints(file, call('ssm', 'ListCommands', {}))).toBeUndefined();
    expect(checkConstraints(file, call('iam', 'SimulatePrincipalPolicy', {}))).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter PolicySourceArn.',
    });
  });

  test('operations and services outside the file pass through', () => {
    expect(checkConstraints(file, call('s3', 'PutObject', {}))).toBeUndefined();
    expect(checkConstraints(file, call('ssm', 'NoSuchOperation', {}))).toBeUndefined();
  });
});

describe('Elastic Beanstalk option ranges', () => {
  test.each([
    ['EvaluationTime', '2', /less than minimum allowed value: 3$/],
    ['EvaluationTime', '601', /greater than maximum allowed value: 600$/],
    ['NewVersionPercent', '0', /less than minimum allowed value: 1$/],
    ['NewVersionPercent', '101', /greater than maximum allowed value: 100$/],
    ['NewVersionPercent', 'ten', /not an integer/],
  ])('%s = %s is refused', (name, value, message) => {
    expect(
      optionProblem({ Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: name, Value: value }),
    ).toMatch(message);
  });

  test.each([
    ['EvaluationTime', '3'],
    ['EvaluationTime', '600'],
    ['NewVersionPercent', '1'],
    ['NewVersionPercent', '100'],
  ])('%s = %s is accepted', (name, value) => {
    expect(
      optionProblem({ Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: name, Value: value }),
    ).toBeNull();
  });
});

describe('on by default in the sandbox, through the real SDK clients', () => {
  let sandbox: Sandbox;
  const config = () => ({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLIMITS', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  beforeAll(async () => {
    sandbox = await startSandbox({ sandboxPort: 0, port: 0, log: false, projectStateMachines: false });
  });
  afterAll(() => sandbox?.stop());

  test('SendCommand to 51 instances', async () => {
    await expect(
      new SSMClient(config()).send(
        new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', InstanceIds: ids(51) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('a TrafficSplitting update with a 2-minute evaluation', async () => {
    await expect(
      new ElasticBeanstalkClient(config()).send(
        new UpdateEnvironmentCommand({
          EnvironmentName: 'retail-bank-prod',
          VersionLabel: 'v1',
          OptionSettings: [
            {
              Namespace: 'aws:elasticbeanstalk:command',
              OptionName: 'DeploymentPolicy',
              Value: 'TrafficSplitting',
            },
            { Namespace: 'aws:elasticbeanstalk:trafficsplitting', OptionName: 'EvaluationTime', Value: '2' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining(
        "OptionName: 'EvaluationTime'): Value is less than minimum allowed value: 3",
      ),
    });
  });

  test('a version description over 200 characters', async () => {
    await expect(
      new ElasticBeanstalkClient(config()).send(
        new CreateApplicationVersionCommand({
          ApplicationName: 'retail-bank',
          VersionLabel: 'v9',
          Description: 'x'.repeat(201),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  test('an execution name over 80 characters', async () => {
    await expect(
      new SFNClient(config()).send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:deploy-microblog',
          name: 'n'.repeat(81),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
