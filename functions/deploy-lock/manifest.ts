/** deploy-lock: one deployment per target, a lease in DynamoDB (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { DeployLocksTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'deploy-lock',
  description: 'One deployment per target: lease in DynamoDB',
  memoryMb: 256,
  timeoutSeconds: 10,
  invocation: 'synchronous',
  invokedBy: ['pipeline'],
  environment: {
    DEPLOY_LOCKS_TABLE: { kind: 'tableName', table: DeployLocksTable },
    LOCK_LEASE_SECONDS: { kind: 'optional', description: 'lease length, 60-86400 (default 7200)' },
    // GitHub's compare API orders commits when a token is configured (commit-order.ts).
    GITHUB_TOKEN_SECRET_ARN: { kind: 'secretArn', secret: 'githubTokenSecret' },
  },
  grants: [
    { kind: 'table', table: DeployLocksTable, access: 'readWrite' },
    { kind: 'secret', secret: 'githubTokenSecret' },
  ],
});
