/** Secrets Manager's wire API (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`). */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { pageOf } from '../pagination';
import type { SecretsStore } from './model';

/** Secrets Manager's answer to a token it did not issue (API reference, ListSecrets errors). */
const badToken = () => new ServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');

type Filter = { Key?: string; Values?: string[] };

/** The Secrets Manager service answering from `store`. */
export function secretsManagerService(store: SecretsStore): JsonService {
  return {
    name: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    operations: {
      GetSecretValue: (input: { SecretId?: string }) => {
        const secret = store.find(input.SecretId);
        const current = secret.versions[secret.versions.length - 1]!;
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: current.id,
          SecretString: current.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: current.createdAt,
        };
      },
      /**
       * ListSecrets (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html):
       * metadata only (never a value), Filters on name / all, MaxResults 1-100 with NextToken,
       * SortOrder asc | desc by creation.
       */
      ListSecrets: (input: {
        Filters?: Filter[];
        MaxResults?: number;
        NextToken?: string;
        SortOrder?: string;
      }) => {
        const max = input.MaxResults ?? 100;
        const matches = (name: string, filter: Filter) => {
          const values = filter.Values ?? [];
          if (filter.Key === 'name')
            return values.some((v) =>
              v.startsWith('!') ? !name.startsWith(v.slice(1)) : name.startsWith(v),
            );
          if (filter.Key === 'all')
            return values.some((v) => name.includes(v.replace(/^!/, '')) !== v.startsWith('!'));
          throw new ServiceError(
            'InvalidParameterException',
            `the sandbox filters secrets by name and all only, not ${String(filter.Key)}`,
          );
        };
        const secrets = [...store.secrets.values()]
          .filter((secret) => (input.Filters ?? []).every((f) => matches(secret.name, f)))
          .sort((a, b) => a.versions[0]!.createdAt.getTime() - b.versions[0]!.createdAt.getTime());
        if (input.SortOrder === 'desc') secrets.reverse();
        const page = pageOf(secrets, input.NextToken, max, 'secretsmanager:ListSecrets', badToken);
        return {
          SecretList: page.items.map((secret) => {
            const current = secret.versions[secret.versions.length - 1]!;
            const previous = secret.versions[secret.versions.length - 2];
            return {
              ARN: secret.arn,
              Name: secret.name,
              CreatedDate: secret.versions[0]!.createdAt,
              LastChangedDate: current.createdAt,
              SecretVersionsToStages: {
                [current.id]: ['AWSCURRENT'],
                ...(previous && { [previous.id]: ['AWSPREVIOUS'] }),
              },
            };
          }),
          ...(page.next && { NextToken: page.next }),
        };
      },
      PutSecretValue: (input: { SecretId?: string; SecretString?: string }) => {
        const secret = store.find(input.SecretId);
        if (typeof input.SecretString !== 'string')
          throw new ServiceError(
            'InvalidParameterException',
            'You must provide either SecretString or SecretBinary.',
          );
        store.set(secret.name, input.SecretString);
        const current = secret.versions[secret.versions.length - 1]!;
        return { ARN: secret.arn, Name: secret.name, VersionId: current.id, VersionStages: ['AWSCURRENT'] };
      },
    },
  };
}
