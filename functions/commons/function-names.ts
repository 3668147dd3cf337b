/**
 * Every Lambda function of the controller, as its folder under functions/ (the naming contract:
 * `functions/<name>/handler.ts`, ASL placeholder PascalCase(name) + `FunctionArn`). The CDK stack
 * deploys exactly these and the sandbox runs exactly these.
 */
export const FUNCTION_NAMES = [
  'github-webhook',
  'deploy-lock',
  'health-gate',
  'beanstalk-deploy',
  'ssm-deploy',
  'verify',
  'approval-request',
  'approval-callback',
  'deploy-history',
  'notifier',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
