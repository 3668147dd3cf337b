import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { clearSecretCache } from '../../functions/commons/secrets';
import { handleWebhook } from '../../functions/github-webhook/handle-webhook';
import { webhookSecretProvider } from '../../functions/github-webhook/webhook-secret';
import { deps, signedRequest } from './support';

const secretsMock = mockClient(SecretsManagerClient);
const sfnMock = mockClient(SFNClient);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:github-webhook-AbCdEf';
const saved = { ...process.env };

let clock = 0;
const secret = webhookSecretProvider(() => clock);
const at = (ms: number, secretUsed: string) => {
  clock = ms;
  return handleWebhook(signedRequest('push-retail-bank-main', { secret: secretUsed }), deps({ secret }));
};

beforeEach(() => {
  clearSecretCache();
  secretsMock.reset();
  sfnMock.reset();
  sfnMock.on(StartExecutionCommand).resolves({
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:x',
    startDate: new Date(),
  });
  process.env.GITHUB_WEBHOOK_SECRET_ARN = SECRET_ARN;
  delete process.env.GITHUB_WEBHOOK_SECRET;
  clock = 1_000_000;
});

afterAll(() => {
  process.env = saved;
});

test('a rotated secret is picked up after a mismatch once the cached value is older than 60 s', async () => {
  // Prepare
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'old-secret' });

  // Act + Assess: first read is cached.
  expect((await at(1_000_000, 'old-secret')).statusCode).toBe(202);
  expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  expect(secretsMock).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });

  // The secret rotates. 10 s later the cache is young: no re-read, the new signature is refused.
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'new-secret' });
  expect((await at(1_010_000, 'new-secret')).statusCode).toBe(401);
  expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);

  // 61 s after the read, a mismatch re-reads once and verifies with the new value.
  expect((await at(1_061_000, 'new-secret')).statusCode).toBe(202);
  expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);

  // The old secret no longer works, and the fresh cache is not re-read for it.
  expect((await at(1_062_000, 'old-secret')).statusCode).toBe(401);
  expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
});

test('a flood of bad signatures re-reads the secret at most once a minute', async () => {
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'current-secret' });

  for (let second = 0; second < 120; second += 5) {
    expect((await at(1_000_000 + second * 1000, 'attacker-guess')).statusCode).toBe(401);
  }

  // The first read, then one refresh at 60 s (and the next would be at 120 s).
  expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
});

test('Secrets Manager failing on the refresh keeps the cached value and answers 401, not 5xx', async () => {
  secretsMock
    .on(GetSecretValueCommand)
    .resolvesOnce({ SecretString: 'current-secret' })
    .rejects(new Error('throttled'));

  expect((await at(1_000_000, 'current-secret')).statusCode).toBe(202);
  expect((await at(1_100_000, 'other-secret')).statusCode).toBe(401);
});

test('Secrets Manager down at the first read: 500 (nothing to verify with), value never shown', async () => {
  secretsMock
    .on(GetSecretValueCommand)
    .rejects(Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException' }));

  const response = await at(1_000_000, 'whatever');

  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toEqual({ error: 'webhook is not configured' });
});

test('locally the plain value is read each time, so changing it needs no restart', async () => {
  delete process.env.GITHUB_WEBHOOK_SECRET_ARN;
  process.env.GITHUB_WEBHOOK_SECRET = 'local-one';
  expect((await at(1_000_000, 'local-one')).statusCode).toBe(202);

  process.env.GITHUB_WEBHOOK_SECRET = 'local-two';
  expect((await at(1_000_001, 'local-two')).statusCode).toBe(202);
  expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
});
