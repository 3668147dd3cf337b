/**
 * The sandbox's IAM, assembled: the policy model of the synthesized stacks, the authoriser, and
 * the hooks through which each principal's calls reach it:
 * - the AWS endpoint's request pipeline (calls signed with a principal's access key);
 * - the Lambda runtime (each invocation runs as its function's role, see caller.ts, and Lambda
 *   writes its logs and traces with that role, see runtime-writes.ts);
 * - Step Functions tasks (the state machine's role, plus the managed rules of `.sync` and the
 *   execution's traces);
 * - CodeBuild builds (the project's role: logs, reports, artifact upload);
 * - the SSM agent (the instances' role: artifact download, CloudWatch output).
 */
import type { CallCheck } from '../aws/server';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import type { BuildFailure, ProjectKind } from '../services/codebuild/model';
import type { AgentVerdict } from '../services/ssm/model';
import { Authorizer, type Denial } from './authorizer';
import { installCallerKeys, runAs, type Caller } from './caller';
import type { PolicyModel } from './model';
import { agentRequests, buildRequests, taskRequests, type TaskResourceRef } from './on-behalf';
import type { WorldLookup } from './operations';
import { lambdaRuntimeRequests, stateMachineTracingRequests } from './runtime-writes';
import { loadPolicyModel, type SandboxNames } from './synth-policies';

export interface SandboxIam {
  authorizer: Authorizer;
  model: PolicyModel;
  check: CallCheck;
  /** The role ARN a state machine runs with (from the template). */
  stateMachineRole(name: string): string | undefined;
  runAs<T>(functionName: string, fn: () => Promise<T>): Promise<T>;
  authorizeTask(
    execution: { stateMachine: { name: string; roleArn: string } },
    resource: TaskResourceRef,
    params: Record<string, unknown>,
  ): Promise<{ error: string; cause: string } | undefined>;
  authorizeBuild(build: {
    id: string;
    projectName: string;
    kind: ProjectKind;
    environment: Record<string, string>;
  }): Promise<BuildFailure | undefined>;
  agent(call: {
    instanceId: string;
    commandId: string;
    artifactBucket?: string;
    artifactKey?: string;
    logGroup?: string;
  }): Promise<AgentVerdict>;
  /** Stops re-keying this process's requests. */
  stop(): void;
}

export interface SandboxIamOptions {
  config: PipelinesConfig;
  names: SandboxNames;
  world: WorldLookup;
  /** The fake access key id the handlers' environment holds (re-keyed per principal). */
  sharedAccessKeyId: string;
  /** A ready model (tests that change policies); otherwise synthesized or read from the cache. */
  model?: PolicyModel;
}

/** Step Functions error names for a refused integration call (`<Service>.<ErrorCode>`). */
const TASK_ERROR: Record<string, string> = {
  lambda: 'Lambda.AWSLambdaException',
  codebuild: 'CodeBuild.AccessDeniedException',
  states: 'StepFunctions.AccessDeniedException',
  dynamodb: 'DynamoDB.AccessDeniedException',
  events: 'EventBridge.AccessDeniedException',
};

export async function createSandboxIam(options: SandboxIamOptions): Promise<SandboxIam> {
  const model = options.model ?? (await loadPolicyModel(options.config, options.names));
  const authorizer = new Authorizer(model, options.world);
  const { region, account } = model;
  const stopKeys = installCallerKeys(options.sharedAccessKeyId, (key, caller) =>
    authorizer.noteKey(key, caller),
  );
  const roleOf = (match: Parameters<Authorizer['roleOf']>[0]) => authorizer.roleOf(match);
  const projectRole = (projectName: string) =>
    roleOf((u) => u.kind === 'codebuild' && u.projectName === projectName);

  return {
    authorizer,
    model,
    check: authorizer.check(),
    stateMachineRole: (name) => roleOf((u) => u.kind === 'states' && u.stateMachineName === name)?.arn,
    async runAs(functionName, fn) {
      const caller = authorizer.lambdaCaller(functionName);
      if (!caller) return fn();
      const logGroup = model.names[`lambdaLogGroup/${functionName}`];
      if (logGroup)
        // Refused, the invocation still runs; its logs and traces are lost (recorded as a denial).
        await authorizer.authorize(
          caller,
          lambdaRuntimeRequests({
            region,
            account,
            functionName,
            logGroup,
            tracing: model.names[`lambdaTracing/${functionName}`] === 'Active',
            now: new Date(),
          }),
          'lambda runtime logs and traces',
        );
      return runAs(caller, fn);
    },
    async authorizeTask(execution, resource, params) {
      // State machines registered by tests (fixtures) have no role in the stacks: not authorised.
      if (!authorizer.roleByArn(execution.stateMachine.roleArn)) return undefined;
      const caller: Caller = {
        roleArn: execution.stateMachine.roleArn,
        sessionName: execution.stateMachine.name,
      };
      if (model.names[`stateMachineTracing/${execution.stateMachine.name}`] === 'true')
        // Refused, the task still runs; the execution's traces are lost (recorded as a denial).
        await authorizer.authorize(caller, stateMachineTracingRequests(), 'states X-Ray tracing');
      const { requests, managedRule } = taskRequests(resource, params, region, account);
      const service = resource.kind === 'lambda-arn' ? 'lambda' : (resource.service ?? '');
      if (managedRule) {
        // Created on the first `.sync` use with the state machine's role; refused, AWS says
        // "'<role arn>' is not authorized to create managed-rule." (nasa/cumulus#2693).
        const denial = await authorizer.authorize(
          caller,
          managedRule,
          `states managed rule for ${service} .sync`,
        );
        if (denial)
          return {
            error: 'States.TaskFailed',
            cause: `'${caller.roleArn}' is not authorized to create managed-rule. (${denial.message})`,
          };
      }
      const denial = await authorizer.authorize(caller, requests, `states task ${service}`);
      if (!denial) return undefined;
      const error = TASK_ERROR[service] ?? 'States.TaskFailed';
      return {
        error,
        cause: `${denial.message} (Service: ${service}; Status Code: ${service === 'lambda' ? 403 : 400}; Error Code: AccessDeniedException)`,
      };
    },
    async authorizeBuild(build) {
      const role = projectRole(build.projectName);
      if (!role) return undefined;
      const caller: Caller = {
        roleArn: role.arn,
        sessionName: `AWSCodeBuild-${build.id.split(':')[1] ?? build.id}`,
      };
      const env = build.environment;
      const logGroup =
        model.names[`codebuildLogGroup/${build.projectName}`] ?? `/aws/codebuild/${build.projectName}`;
      const logs = buildRequests(region, account, {
        projectName: build.projectName,
        logGroup,
        buildId: build.id,
      });
      const denied = await authorizer.authorize(caller, logs, 'codebuild logs');
      if (denied) return { phase: 'PROVISIONING', message: `ACCESS_DENIED: ${denied.message}`, log: [] };
      if (build.kind !== 'build') return undefined;
      const reports = buildRequests(region, account, {
        projectName: build.projectName,
        logGroup,
        buildId: build.id,
        reportGroup: `${build.projectName}-unit-tests`,
      }).slice(2);
      const reportDenied = await authorizer.authorize(caller, reports, 'codebuild reports');
      if (reportDenied)
        return { phase: 'UPLOAD_ARTIFACTS', message: `CLIENT_ERROR: ${reportDenied.message}`, log: [] };
      if (env.ARTIFACT_BUCKET && env.ARTIFACT_KEY) {
        const upload = buildRequests(region, account, {
          projectName: build.projectName,
          logGroup,
          buildId: build.id,
          artifact: { bucket: env.ARTIFACT_BUCKET, key: env.ARTIFACT_KEY },
        }).slice(2);
        const uploadDenied = await authorizer.authorize(caller, upload, 'codebuild artifact upload');
        if (uploadDenied)
          return {
            phase: 'POST_BUILD',
            message: `COMMAND_EXECUTION_ERROR: Error while executing command: aws s3 cp "$artifact" "s3://$ARTIFACT_BUCKET/$ARTIFACT_KEY". Reason: exit status 1`,
            log: [
              `upload failed: An error occurred (AccessDenied) when calling the PutObject operation: ${uploadDenied.message}`,
            ],
          };
      }
      return undefined;
    },
    async agent(call) {
      const instanceTags = options.world.instanceTags(call.instanceId) ?? {};
      const role = roleOf((u) => u.kind === 'ec2' && instanceTags[u.tag.key] === u.tag.value);
      if (!role) return { streaming: Boolean(call.logGroup) };
      // An instance profile's session is named after the instance id.
      const caller: Caller = { roleArn: role.arn, sessionName: call.instanceId };
      const requests = agentRequests(region, account, {
        commandId: call.commandId,
        instanceId: call.instanceId,
        ...(call.artifactBucket && { artifactBucket: call.artifactBucket }),
        ...(call.artifactKey && { artifactKey: call.artifactKey }),
        ...(call.logGroup && { logGroup: call.logGroup }),
      });
      let streaming = false;
      if (call.logGroup) {
        const created = !(await authorizer.authorize(
          caller,
          requests.createGroup,
          'ssm agent CloudWatch output',
        ));
        const found =
          created ||
          !(await authorizer.authorize(caller, requests.describeGroups, 'ssm agent CloudWatch output'));
        streaming =
          found && !(await authorizer.authorize(caller, requests.stream, 'ssm agent CloudWatch output'));
      }
      const download = await authorizer.authorize(caller, requests.download, 'ssm agent release download');
      return { streaming, ...(download && { downloadDenied: download.message }) };
    },
    stop: stopKeys,
  };
}

export type { Denial };
