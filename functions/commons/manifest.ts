/**
 * The shape of a function's manifest (`functions/<name>/manifest.ts`): what the CDK stack, the
 * state machine definitions and the local sandbox need to know about a function, declared once
 * beside its code. Plain data: infra/constructs/function-wiring.ts turns environment sources and
 * grants into CloudFormation; nothing here imports the CDK, so manifests never reach a bundle.
 */
import type { TableDesign } from './tables';

/** The state machine definitions (statemachines/<name>.asl.json) that can invoke a function. */
export type StateMachineDefinition = 'pipeline' | 'deploy-beanstalk' | 'deploy-ssm';

/** Secrets of the stack (infra/constructs/secrets.ts `ControllerSecrets`), by property name. */
export type SecretId = 'githubWebhookSecret' | 'slackWebhookSecret' | 'approvalLinkKey' | 'githubTokenSecret';

/** Values only the deployment knows (infra/constructs/function-wiring.ts `WiringProps`). */
export type DeploymentValue =
  /** `PIPELINE_ROUTES` JSON built by functions/github-webhook/routes.ts from pipelines.yaml. */
  | 'pipelineRoutes'
  /** Name of the SSM Command document (ssm-documents/release-systemd-service.yaml). */
  | 'releaseDocumentName'
  /** Log group the SSM agent writes release output to. */
  | 'commandOutputLogGroupName'
  /** Root URL of the HTTP API (approval links). */
  | 'approvalBaseUrl';

/** Where the value of an environment variable comes from. */
export type EnvironmentSource =
  /** The ARN of a stack secret (the function reads the value itself). */
  | { readonly kind: 'secretArn'; readonly secret: SecretId }
  /** The physical name of a table; the variable must be the design's `envVar`. */
  | { readonly kind: 'tableName'; readonly table: TableDesign }
  /** A fixed value. */
  | { readonly kind: 'value'; readonly value: string }
  /** A value of the deployment. */
  | { readonly kind: 'deployment'; readonly value: DeploymentValue }
  /** Read by the function but not set by the stack: the function's default applies. */
  | { readonly kind: 'optional'; readonly description: string };

/**
 * A permission the function needs, scoped by the stack to the resources of this deployment.
 * Statements are added in the order listed.
 */
export type Grant =
  /** DynamoDB item access to one table and its indexes (no stream actions: the tables have none). */
  | { readonly kind: 'table'; readonly table: TableDesign; readonly access: 'read' | 'readWrite' }
  /** Read one stack secret (CDK `grantRead`). */
  | { readonly kind: 'secret'; readonly secret: SecretId }
  /** Step Functions actions on the pipeline state machines (`deploy-<pipeline>`). */
  | { readonly kind: 'pipelineStateMachines'; readonly actions: readonly string[] }
  /** Step Functions actions on the executions of the pipeline state machines. */
  | { readonly kind: 'pipelineExecutions'; readonly actions: readonly string[] }
  /**
   * Read the pipelines' CodeBuild builds and test reports: `codebuild:BatchGetBuilds` on the build
   * and scan projects, `codebuild:BatchGetReports` on the build's report groups.
   */
  | { readonly kind: 'pipelineBuildResults' }
  /** CloudWatch actions on the alarms named in pipelines.yaml (`verify.alarms`); none when no alarm is named. */
  | { readonly kind: 'configuredAlarms'; readonly actions: readonly string[] }
  /**
   * Actions AWS authorises on `*` only (no resource types in the Service Authorization Reference,
   * or, like DescribeAlarms for composite alarms, answered in full only when granted on `*`);
   * `reason` says which, and infra/iam-wildcards.ts lists the action.
   */
  | { readonly kind: 'anyResource'; readonly actions: readonly string[]; readonly reason: string }
  /** A policy on the deploy targets of pipelines.yaml (infra/constructs/target-permissions.ts). */
  | {
      readonly kind: 'targets';
      readonly policy: 'beanstalkRead' | 'beanstalkDeploy' | 'ssmHealth' | 'ssmRelease';
    };

/** One function of the controller: `functions/<name>/handler.ts` exporting `handler`. */
export interface FunctionManifest<Name extends string = string> {
  /** The folder name under functions/; the CDK construct id and ASL placeholder derive from it. */
  readonly name: Name;
  /** Lambda description. */
  readonly description: string;
  /** Lambda MemorySize, MB. */
  readonly memoryMb: number;
  /** Lambda Timeout, seconds. */
  readonly timeoutSeconds: number;
  /**
   * Reserved concurrency caps a function that the internet (or a burst of events) can drive, so it
   * cannot starve the account or flood Slack/GitHub. Left unset for functions the state machines
   * call (their concurrency is bounded by the number of running executions).
   */
  readonly reservedConcurrency?: number;
  /**
   * `synchronous`: the caller (HTTP API, Step Functions task) sees the error and retries.
   * `asynchronous`: an event source (EventBridge) invokes it and Lambda retries on its own.
   */
  readonly invocation: 'synchronous' | 'asynchronous';
  /** State machines whose Task states invoke it (placeholder `${<PascalName>FunctionArn}`). */
  readonly invokedBy: readonly StateMachineDefinition[];
  /** Environment variables it reads, besides the ones every function gets. */
  readonly environment: Readonly<Record<string, EnvironmentSource>>;
  /** Permissions it needs, besides writing its own log group. */
  readonly grants: readonly Grant[];
}

/** Declares a manifest, keeping its name and state machines as literal types. */
export function defineFunction<const M extends FunctionManifest>(manifest: M): M {
  return manifest;
}

/** `deploy-lock` -> `DeployLock` (construct id; the ASL placeholder is `${DeployLockFunctionArn}`). */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
