/**
 * The request pipeline: checks run on every AWS call before the operation, see who signed it, and
 * a refusal is answered in the service's own wire format (JSON `__type`, awsQuery `<Error>`).
 */
import { DescribeEnvironmentsCommand, ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { AwsCall } from '../../local/aws/server';
import { ServiceError } from '../../local/aws/service-error';
import { startSandbox, type Sandbox } from '../../local/sandbox';

let sandbox: Sandbox;
const seen: AwsCall[] = [];
const clientConfig = (accessKeyId: string) => ({
  endpoint: sandbox.urls.aws,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey: 'test' },
});

beforeAll(async () => {
  sandbox = await startSandbox({
    sandboxPort: 0,
    port: 0,
    log: false,
    projectStateMachines: false,
    checks: [
      (call) => {
        seen.push(call);
        return call.accessKeyId === 'AKIDDENIED'
          ? new ServiceError('AccessDeniedException', `denied ${call.operation}`)
          : undefined;
      },
    ],
  });
});
afterAll(() => sandbox?.stop());

it('a check sees the service, operation, parsed input and the signer', async () => {
  await new SFNClient(clientConfig('AKIDALLOWED')).send(new ListStateMachinesCommand({ maxResults: 5 }));
  expect(seen.at(-1)).toMatchObject({
    service: 'sfn',
    signingName: 'states',
    operation: 'ListStateMachines',
    input: { maxResults: 5 },
    accessKeyId: 'AKIDALLOWED',
    region: 'us-east-1',
  });
});

it('a refusal answers in the JSON protocol shape, and the operation does not run', async () => {
  const refused = new SFNClient(clientConfig('AKIDDENIED')).send(new ListStateMachinesCommand({}));
  await expect(refused).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: 'denied ListStateMachines',
  });
});

it('a refusal answers in the awsQuery shape for Elastic Beanstalk', async () => {
  const refused = new ElasticBeanstalkClient(clientConfig('AKIDDENIED')).send(
    new DescribeEnvironmentsCommand({}),
  );
  await expect(refused).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: 'denied DescribeEnvironments',
  });
  expect(seen.at(-1)).toMatchObject({ service: 'elasticbeanstalk', operation: 'DescribeEnvironments' });
});
