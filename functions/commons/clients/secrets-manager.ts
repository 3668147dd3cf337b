/** Secrets Manager client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const secretsManager = new SecretsManagerClient({});
