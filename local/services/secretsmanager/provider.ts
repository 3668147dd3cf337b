/** Secrets Manager's wire API (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`). */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import type { SecretsStore } from './model';

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
