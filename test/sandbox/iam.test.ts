/**
 * The sandbox authorises each principal's calls as AWS would: a handler's SDK calls are made as
 * its function's role (re-keyed per principal), refused with AWS's message naming the principal,
 * the action and the resource, in the service's wire format; the operator's own keys are an
 * administrator's; the off switch exists for protocol tests.
 */
import { DescribeEnvironmentsCommand, ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeAlarmsCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { runAs } from '../../local/iam/caller';
import { HANDLER_ACCESS_KEY_ID, startSandbox, type Sandbox } from '../../local/sandbox';

let sandbox: Sandbox;
const config = (accessKeyId = HANDLER_ACCESS_KEY_ID) => ({
  endpoint: sandbox.urls.aws,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey: 'sandbox-local-secret-not-a-real-key' },
});
const asFunction = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const caller = sandbox.iam!.authorizer.lambdaCaller(name);
  if (!caller) throw new Error(`no role for ${name}`);
  return runAs(caller, fn);
};

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, log: false, projectStateMachines: false });
});
afterAll(() => sandbox?.stop());

test('a function may make the calls its role allows', async () => {
  const alarms = await asFunction('verify', () =>
    new CloudWatchClient(config()).send(new DescribeAlarmsCommand({ AlarmNames: ['retail-bank-5xx'] })),
  );
  expect(alarms.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['retail-bank-5xx']);
});

test('a JSON-protocol call its role does not allow is AccessDeniedException in AWS words', async () => {
  const denied = asFunction('verify', () => new SFNClient(config()).send(new ListStateMachinesCommand({})));
  await expect(denied).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: expect.stringMatching(
      /^User: arn:aws:sts::123456789012:assumed-role\/DeployController-FunctionsVerifyRole[A-Z0-9]+\/verify is not authorized to perform: states:ListStateMachines on resource: \* because no identity-based policy allows the states:ListStateMachines action$/,
    ),
  });
  expect(sandbox.iam!.authorizer.denials.at(-1)).toMatchObject({
    action: 'states:ListStateMachines',
    resource: '*',
    via: 'sfn.ListStateMachines',
  });
});

test('awsQuery (Elastic Beanstalk) and S3 refuse with AccessDenied (403)', async () => {
  const beanstalk = asFunction('verify', () =>
    new ElasticBeanstalkClient(config()).send(
      new DescribeEnvironmentsCommand({ EnvironmentNames: ['retail-bank-prod'] }),
    ),
  );
  await expect(beanstalk).rejects.toMatchObject({
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
    message: expect.stringContaining(
      'is not authorized to perform: elasticbeanstalk:DescribeEnvironments on resource: arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/retail-bank/retail-bank-prod',
    ),
  });
  const s3 = asFunction('verify', () =>
    new S3Client(config()).send(
      new GetObjectCommand({ Bucket: 'deploy-controller-artifacts-sandbox', Key: 'microblog/x.tar.gz' }),
    ),
  );
  await expect(s3).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
});

test('calls signed with any other key are the operator (administrator) and pass', async () => {
  const listed = await new SFNClient(config('AKIAOPERATOREXAMPLE0')).send(new ListStateMachinesCommand({}));
  expect(listed.stateMachines).toEqual([]);
});

test('GET /_sandbox/state lists the refusals', async () => {
  const state = (await (await fetch(`${sandbox.urls.control}/state`)).json()) as {
    iam: { enforced: boolean; accessDenied: { action: string }[] };
  };
  expect(state.iam.enforced).toBe(true);
  expect(state.iam.accessDenied.map((d) => d.action)).toContain('states:ListStateMachines');
});

test('with iam: false (protocol tests only) nothing is refused', async () => {
  const open = await startSandbox({
    sandboxPort: 0,
    port: 0,
    log: false,
    projectStateMachines: false,
    iam: false,
    simulateClock: false,
  });
  try {
    expect(open.iam).toBeUndefined();
    const caller = { roleArn: 'arn:aws:iam::123456789012:role/any', sessionName: 'verify' };
    const listed = await runAs(caller, () =>
      new SFNClient({ ...config(), endpoint: open.urls.aws }).send(new ListStateMachinesCommand({})),
    );
    expect(listed.stateMachines).toEqual([]);
  } finally {
    await open.stop();
  }
});
