import { SecretsStore } from '../../../local/services/secretsmanager/model';
import { secretsManagerService } from '../../../local/services/secretsmanager/provider';

const ctx = { requestId: 'r', region: 'us-east-1' };

it('ListSecrets lists names, ARNs and version stages, never a value, and pages', () => {
  // Prepare
  const store = new SecretsStore('us-east-1', '123456789012');
  store.set('deploy-controller/github-webhook-secret', 'hunter2-value-one');
  store.set('deploy-controller/slack-webhook-url', 'https://hooks.example/hunter2-value-two');
  store.set('deploy-controller/slack-webhook-url', 'https://hooks.example/hunter2-value-three');
  const api = secretsManagerService(store).operations;
  // Act
  const all = api.ListSecrets!({}, ctx) as { SecretList: Record<string, unknown>[] };
  const first = api.ListSecrets!({ MaxResults: 1 }, ctx) as {
    SecretList: { Name: string }[];
    NextToken?: string;
  };
  const second = api.ListSecrets!({ MaxResults: 1, NextToken: first.NextToken }, ctx) as {
    SecretList: { Name: string }[];
    NextToken?: string;
  };
  const filtered = api.ListSecrets!(
    { Filters: [{ Key: 'name', Values: ['deploy-controller/slack'] }] },
    ctx,
  ) as {
    SecretList: { Name: string }[];
  };
  // Assess
  expect(JSON.stringify(all)).not.toMatch(/hunter2|SecretString/);
  expect(all.SecretList[1]).toMatchObject({
    Name: 'deploy-controller/slack-webhook-url',
    ARN: expect.stringMatching(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:deploy-controller\/slack-webhook-url-/,
    ),
  });
  expect(Object.values(all.SecretList[1]!.SecretVersionsToStages as object)).toEqual([
    ['AWSCURRENT'],
    ['AWSPREVIOUS'],
  ]);
  expect([...first.SecretList, ...second.SecretList].map((s) => s.Name)).toEqual([
    'deploy-controller/github-webhook-secret',
    'deploy-controller/slack-webhook-url',
  ]);
  expect(second.NextToken).toBeUndefined();
  expect(filtered.SecretList.map((s) => s.Name)).toEqual(['deploy-controller/slack-webhook-url']);
  expect(() => api.ListSecrets!({ NextToken: 'bogus' }, ctx)).toThrow(
    expect.objectContaining({ code: 'InvalidNextTokenException' }),
  );
});
