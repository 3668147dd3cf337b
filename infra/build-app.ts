/**
 * Builds the CDK app (used by app.ts and by the tests, so both synthesize the same thing): the
 * controller stack, the optional sample-targets stack, and the cdk-nag AwsSolutions and
 * Serverless packs as validation plugins (synth fails on any unacknowledged finding).
 */
import { App, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { ControllerStack } from './controller-stack';
import { acknowledgeWildcards } from './iam-wildcards';
import { SampleTargetsStack } from './sample-targets-stack';

export const CONTROLLER_STACK_NAME = 'DeployController';
export const SAMPLE_TARGETS_STACK_NAME = 'DeployControllerSampleTargets';

export interface BuildAppOptions {
  config: PipelinesConfig;
  appProps?: AppProps;
  env?: Environment;
  /** Run the nag packs during synth (tests run them directly instead, for a readable report). */
  nag?: boolean;
}

/** Context flags are strings on the command line (`-c sampleTargets=true`) and booleans in cdk.json. */
export function contextFlag(app: App, key: string, fallback: boolean): boolean {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

export interface BuiltApp {
  app: App;
  controller: ControllerStack;
  sampleTargets?: SampleTargetsStack;
}

export function buildApp(options: BuildAppOptions): BuiltApp {
  const app = new App(options.appProps);
  const env = options.env;
  const controller = new ControllerStack(app, CONTROLLER_STACK_NAME, {
    config: options.config,
    reserveConcurrency: contextFlag(app, 'reservedConcurrency', true),
    description:
      'Deploy controller: GitHub webhook -> Step Functions pipelines -> Elastic Beanstalk canary / EC2 via SSM',
    ...(env ? { env } : {}),
  });
  let sampleTargets: SampleTargetsStack | undefined;
  if (contextFlag(app, 'sampleTargets', false)) {
    sampleTargets = new SampleTargetsStack(app, SAMPLE_TARGETS_STACK_NAME, {
      config: options.config,
      controllerStackName: controller.stackName,
      description:
        'Deploy controller sample targets: retail-bank on Elastic Beanstalk, microblog on an EC2 fleet',
      ...(app.node.tryGetContext('beanstalkSolutionStack')
        ? { solutionStackName: String(app.node.tryGetContext('beanstalkSolutionStack')) }
        : {}),
      ...(app.node.tryGetContext('ingressCidr')
        ? { ingressCidr: String(app.node.tryGetContext('ingressCidr')) }
        : {}),
      ...(env ? { env } : {}),
    });
  }
  // After every construct exists: the wildcard findings are computed from the final policies.
  acknowledgeWildcards(app);
  if (options.nag ?? true)
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, controller, ...(sampleTargets ? { sampleTargets } : {}) };
}
