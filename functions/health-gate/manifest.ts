/** health-gate: is the target healthy enough to deploy into? (see handler.ts) */
import { defineFunction } from '../commons/manifest';

export const manifest = defineFunction({
  name: 'health-gate',
  description: 'Health gate: Beanstalk environment or EC2 instances healthy enough to deploy',
  // Runs a resource check through SSM on every instance and waits for the answers.
  memoryMb: 256,
  timeoutSeconds: 120,
  invocation: 'synchronous',
  invokedBy: ['pipeline'],
  environment: {
    HEALTH_CHECK_TIMEOUT_SECONDS: {
      kind: 'optional',
      description: 'wait for the EC2 resource check, 10-600 (default 60; below the Lambda timeout)',
    },
  },
  // Beanstalk describe calls; SSM agent status and a read-only resource check.
  grants: [
    { kind: 'targets', policy: 'beanstalkRead' },
    { kind: 'targets', policy: 'ssmHealth' },
  ],
});
