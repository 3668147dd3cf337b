/** ssm-deploy: rolling release through the project's SSM Command document (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { DeployLocksTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'ssm-deploy',
  description: 'EC2: rolling release through the SSM Command document',
  memoryMb: 256,
  timeoutSeconds: 60,
  invocation: 'synchronous',
  invokedBy: ['deploy-ssm'],
  environment: {
    SSM_DOCUMENT_NAME: { kind: 'deployment', value: 'releaseDocumentName' },
    SSM_LOG_GROUP: { kind: 'deployment', value: 'commandOutputLogGroupName' },
    SSM_OUTPUT_BUCKET: {
      kind: 'optional',
      description:
        'S3 bucket for the complete command output (OutputS3BucketName), read for the end of a long or timed-out output; off unless set with its grants (the notice then names the CloudWatch Logs streams)',
    },
    // The deploy lock's guard on the release and the rollback (deploy-lock/lock-guard.ts).
    DEPLOY_LOCKS_TABLE: { kind: 'tableName', table: DeployLocksTable },
    LOCK_LEASE_SECONDS: { kind: 'optional', description: 'lease length, 60-86400 (default 7200)' },
    GITHUB_TOKEN_SECRET_ARN: { kind: 'secretArn', secret: 'githubTokenSecret' },
  },
  // The instances fetch the release from the artifacts bucket with their own role and write the
  // output to the log group; this function only sends the command and reads its results.
  grants: [
    { kind: 'targets', policy: 'ssmRelease' },
    // Reads the lock; takes it again after a redrive (a conditional write), as deploy-lock does.
    { kind: 'table', table: DeployLocksTable, access: 'readWrite' },
    { kind: 'secret', secret: 'githubTokenSecret' },
  ],
});
