/**
 * The controller's Lambda functions and their sizing. Names are the folder names under
 * functions/ (the naming contract); memory, timeouts and reserved concurrency are chosen here.
 */

import type { FunctionName } from '../../functions/commons/function-names';

export { FUNCTION_NAMES, type FunctionName } from '../../functions/commons/function-names';

export interface FunctionSizing {
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /**
   * Reserved concurrency caps a function that the internet (or a burst of events) can drive, so it
   * cannot starve the account or flood Slack/GitHub. Left unset for functions the state machines
   * call (their concurrency is bounded by the number of running executions).
   */
  reservedConcurrency?: number;
}

export const FUNCTION_SIZING: Record<FunctionName, FunctionSizing> = {
  // GitHub waits at most 10 s; the handler verifies, decides and starts one execution.
  'github-webhook': {
    description: 'GitHub webhook: verify signature, start the pipeline',
    memoryMb: 512,
    timeoutSeconds: 10,
    reservedConcurrency: 20,
  },
  'deploy-lock': {
    description: 'One deployment per target: lease in DynamoDB',
    memoryMb: 256,
    timeoutSeconds: 10,
  },
  // Runs a resource check through SSM on every instance and waits for the answers.
  'health-gate': {
    description: 'Health gate: Beanstalk environment or EC2 instances healthy enough to deploy',
    memoryMb: 256,
    timeoutSeconds: 120,
  },
  'beanstalk-deploy': {
    description: 'Elastic Beanstalk: application version, canary deploy, status, rollback',
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  'ssm-deploy': {
    description: 'EC2: rolling release through the SSM Command document',
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  // Smoke test attempts (timeoutSeconds x attempts from pipelines.yaml stay well below this).
  verify: {
    description: 'Verify: smoke test and alarms during the bake window',
    memoryMb: 256,
    timeoutSeconds: 120,
  },
  'approval-request': {
    description: 'Approval: signed links, Slack message, task token',
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  'approval-callback': {
    description: 'Approval links: approve or reject a waiting execution',
    memoryMb: 256,
    timeoutSeconds: 10,
    reservedConcurrency: 10,
  },
  'deploy-history': {
    description: 'Deployment history: record outcomes, last good version, DORA metrics',
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  // Driven by EventBridge; a small cap keeps a burst of failures from hammering Slack.
  notifier: {
    description: 'Notifier: pipeline status changes to Slack and GitHub',
    memoryMb: 256,
    timeoutSeconds: 30,
    reservedConcurrency: 5,
  },
};

/** `deploy-lock` -> `DeployLock` (the ASL placeholder is `${DeployLockFunctionArn}`). */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
