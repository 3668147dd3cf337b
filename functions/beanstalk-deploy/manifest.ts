/** beanstalk-deploy: application versions and the TrafficSplitting canary (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { DeployLocksTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'beanstalk-deploy',
  description: 'Elastic Beanstalk: application version, canary deploy, status, rollback',
  memoryMb: 256,
  timeoutSeconds: 60,
  invocation: 'synchronous',
  invokedBy: ['deploy-beanstalk'],
  environment: {
    // The deploy lock's guard on UpdateEnvironment and the rollback (deploy-lock/lock-guard.ts).
    DEPLOY_LOCKS_TABLE: { kind: 'tableName', table: DeployLocksTable },
    LOCK_LEASE_SECONDS: { kind: 'optional', description: 'lease length, 60-86400 (default 7200)' },
    GITHUB_TOKEN_SECRET_ARN: { kind: 'secretArn', secret: 'githubTokenSecret' },
  },
  // Includes reading the release from the artifacts bucket (the Beanstalk pipelines' prefixes).
  grants: [
    { kind: 'targets', policy: 'beanstalkDeploy' },
    // Reads the lock; takes it again after a redrive (a conditional write), as deploy-lock does.
    { kind: 'table', table: DeployLocksTable, access: 'readWrite' },
    { kind: 'secret', secret: 'githubTokenSecret' },
  ],
});
