/**
 * The controller's Lambda functions: one NodejsFunction per folder under functions/, each with
 * its own role (logs to its own log group only), X-Ray tracing, source maps and the bundling
 * options of bundling.ts, sized by its manifest. Environment variables and grants are wired by
 * function-wiring.ts from the same manifest.
 */
import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import { acknowledge } from '../nag';
import { bundlingOptions } from './bundling';
import { FUNCTION_MANIFESTS, pascalCase, type FunctionName } from './function-catalog';

/** The repository root (entries, lock file and tsconfig are resolved from here). */
export const PROJECT_ROOT = resolve(__dirname, '../..');

export interface FunctionsProps {
  config: PipelinesConfig;
  /** Set reserved concurrency on the functions that have a cap (off for accounts with a low quota). */
  reserveConcurrency: boolean;
  logRetention: RetentionDays;
}

export class ControllerFunctions extends Construct {
  readonly byName = new Map<FunctionName, NodejsFunction>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const bundling = bundlingOptions(props.config);
    for (const manifest of FUNCTION_MANIFESTS) {
      const { name } = manifest;
      const constructId = pascalCase(name);
      const logGroup = new LogGroup(this, `${constructId}Logs`, {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // A role of its own instead of AWSLambdaBasicExecutionRole: write access to this log group only.
      const role = new Role(this, `${constructId}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Deploy controller ${name} function`,
      });
      logGroup.grantWrite(role);
      const fn = new NodejsFunction(this, constructId, {
        entry: resolve(PROJECT_ROOT, 'functions', name, 'handler.ts'),
        handler: 'handler',
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: resolve(PROJECT_ROOT, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: manifest.memoryMb,
        timeout: Duration.seconds(manifest.timeoutSeconds),
        description: manifest.description,
        role,
        logGroup,
        tracing: Tracing.ACTIVE,
        ...(props.reserveConcurrency && manifest.reservedConcurrency
          ? { reservedConcurrentExecutions: manifest.reservedConcurrency }
          : {}),
        environment: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
        bundling,
      });
      acknowledge(
        fn,
        {
          id: 'AwsSolutions-L1',
          reason:
            'nodejs22.x is the runtime the project targets and tests on (Node 22 pinned in package.json); moving to a newer runtime is a deliberate upgrade.',
        },
        {
          id: 'Serverless-LambdaLatestVersion',
          reason:
            'nodejs22.x is the runtime the project targets and tests on (Node 22 pinned in package.json); moving to a newer runtime is a deliberate upgrade.',
        },
      );
      if (manifest.invocation === 'synchronous') {
        acknowledge(fn, {
          id: 'Serverless-LambdaDLQ',
          reason:
            'Invoked synchronously (HTTP API or Step Functions task): the caller sees the error and retries; there is no asynchronous event to dead-letter.',
        });
      }
      this.byName.set(name, fn);
    }
  }

  /** The function of a folder name. */
  get(name: FunctionName): NodejsFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    return fn;
  }
}
