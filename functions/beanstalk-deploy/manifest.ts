/** beanstalk-deploy: application versions and the TrafficSplitting canary (see handler.ts). */
import { defineFunction } from '../commons/manifest';

export const manifest = defineFunction({
  name: 'beanstalk-deploy',
  description: 'Elastic Beanstalk: application version, canary deploy, status, rollback',
  memoryMb: 256,
  timeoutSeconds: 60,
  invocation: 'synchronous',
  invokedBy: ['deploy-beanstalk'],
  environment: {},
  // Includes reading the release from the artifacts bucket (the Beanstalk pipelines' prefixes).
  grants: [{ kind: 'targets', policy: 'beanstalkDeploy' }],
});
