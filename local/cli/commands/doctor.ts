/**
 * `deployctl doctor [--aws]`: a preflight after `cdk deploy` and before the first push (and against
 * the sandbox). One line per check, ✓ or ✗ with the fix; exit 1 on any ✗.
 * - IAM: every role the controller runs as (functions, state machines, CodeBuild projects, the
 *   fleet's instances) is simulated with iam:SimulatePrincipalPolicy for every action its
 *   synthesized policy grants (local/iam/probes.ts); a refusal names the action and the role.
 * - Elastic Beanstalk: each environment has an Application Load Balancer and enhanced health
 *   (traffic splitting needs both: Elastic Beanstalk developer guide, "Deployment policies and
 *   settings").
 * - SSM: the tagged instances are Online with SSM Agent 3.3.2746.0 or later (the release
 *   document's ENV_VAR interpolation: Systems Manager user guide, "Troubleshooting parameter
 *   handling issues").
 * - CodeBuild holds a GitHub source credential (ListSourceCredentials).
 * - Each secret holds a value, and the Slack URL and GitHub token are not the generated placeholder.
 * - Each alarm named in verify.alarms exists (metric or composite).
 */
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeBuildClient, ListSourceCredentialsCommand } from '@aws-sdk/client-codebuild';
import {
  DescribeConfigurationSettingsCommand,
  ElasticBeanstalkClient,
} from '@aws-sdk/client-elastic-beanstalk';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CONTROLLER_STACK_NAME, SAMPLE_TARGETS_STACK_NAME } from '../../../infra/build-app';
import type { PolicyModel } from '../../iam/model';
import { describeUse, probesFor } from '../../iam/probes';
import { SANDBOX_NAMES } from '../../iam/sandbox-names';
import { loadPolicyModel, synthesizePolicyModel, type SandboxNames } from '../../iam/synth-policies';
import type { CliContext } from '../context';

/** The oldest SSM Agent with ENV_VAR parameter interpolation. */
export const MIN_SSM_AGENT = '3.3.2746.0';

interface CheckResult {
  ok: boolean;
  text: string;
  fix?: string;
}

/** Compares dotted versions numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return diff;
  }
  return 0;
}

type ClientConfig = Record<string, unknown>;

function clientConfig(ctx: CliContext): ClientConfig {
  return ctx.mode === 'aws'
    ? { region: ctx.region }
    : {
        region: ctx.region,
        endpoint: ctx.endpoint,
        credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      };
}

const errorText = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
};

/** The policy model of the deployed stacks: the sandbox's, or resolved with the account's physical ids. */
async function deployedModel(ctx: CliContext, config: ClientConfig): Promise<PolicyModel> {
  if (ctx.mode === 'sandbox') return loadPolicyModel(ctx.config(), SANDBOX_NAMES);
  const cfn = new CloudFormationClient(config);
  const physicalIds: Record<string, string> = {};
  let account = '';
  for (const stack of [CONTROLLER_STACK_NAME, SAMPLE_TARGETS_STACK_NAME]) {
    let token: string | undefined;
    try {
      do {
        const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack, NextToken: token }));
        for (const r of page.StackResourceSummaries ?? ([] as StackResourceSummary[]))
          if (r.LogicalResourceId && r.PhysicalResourceId)
            physicalIds[`${stack}/${r.LogicalResourceId}`] = r.PhysicalResourceId;
        token = page.NextToken;
      } while (token);
    } catch (error) {
      if (stack === CONTROLLER_STACK_NAME) throw error;
    }
    const roleArn = Object.values(physicalIds).find((id) => id.startsWith('arn:aws:'));
    account ||= /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(roleArn ?? '')?.[1] ?? '';
  }
  const names: SandboxNames = {
    ...SANDBOX_NAMES,
    account: account || SANDBOX_NAMES.account,
    region: ctx.region,
  };
  return synthesizePolicyModel(ctx.config(), names, physicalIds);
}

async function iamChecks(model: PolicyModel, config: ClientConfig): Promise<CheckResult[]> {
  const iam = new IAMClient(config);
  const results: CheckResult[] = [];
  for (const role of model.roles.filter((r) => r.uses.length)) {
    const refused: string[] = [];
    let actions = 0;
    try {
      for (const probe of probesFor(role)) {
        actions += probe.actions.length;
        const allowed = new Set<string>();
        const denied = new Map<string, string>();
        for (const resource of probe.resources) {
          const answer = await iam.send(
            new SimulatePrincipalPolicyCommand({
              PolicySourceArn: role.arn,
              ActionNames: probe.actions,
              ResourceArns: [resource],
              ContextEntries: probe.context.map((c) => ({
                ContextKeyName: c.name,
                ContextKeyValues: c.values,
                ContextKeyType: 'string',
              })),
            }),
          );
          for (const result of answer.EvaluationResults ?? []) {
            const action = result.EvalActionName ?? '';
            if (result.EvalDecision === 'allowed') allowed.add(action);
            else if (!denied.has(action))
              denied.set(action, `${action} on ${resource} (${result.EvalDecision})`);
          }
        }
        for (const [action, text] of denied) if (!allowed.has(action)) refused.push(text);
      }
    } catch (error) {
      results.push({
        ok: false,
        text: `IAM: role ${role.roleName} (${describeUse(role)}) could not be simulated: ${errorText(error)}`,
        fix: 'deploy the stacks (npx cdk deploy --all) and run doctor with credentials allowed iam:SimulatePrincipalPolicy',
      });
      continue;
    }
    results.push(
      refused.length
        ? {
            ok: false,
            text: `IAM: ${role.arn} (${describeUse(role)}) is not allowed ${refused.join(', ')}`,
            fix: 'the synthesized template grants it: redeploy (npx cdk deploy --all) or restore the statement on that role',
          }
        : {
            ok: true,
            text: `IAM: ${role.roleName} (${describeUse(role)}) allows all ${actions} actions it needs`,
          },
    );
  }
  return results;
}

async function beanstalkChecks(ctx: CliContext, config: ClientConfig): Promise<CheckResult[]> {
  const eb = new ElasticBeanstalkClient(config);
  const results: CheckResult[] = [];
  for (const p of ctx.config().pipelines) {
    if (p.target.kind !== 'elastic-beanstalk') continue;
    const { application, environment } = p.target;
    try {
      const answer = await eb.send(
        new DescribeConfigurationSettingsCommand({
          ApplicationName: application,
          EnvironmentName: environment,
        }),
      );
      const options = answer.ConfigurationSettings?.[0]?.OptionSettings ?? [];
      const value = (namespace: string, name: string) =>
        options.find((o) => o.Namespace === namespace && o.OptionName === name)?.Value;
      const lb = value('aws:elasticbeanstalk:environment', 'LoadBalancerType');
      const health = value('aws:elasticbeanstalk:healthreporting:system', 'SystemType');
      results.push(
        lb === 'application' && health === 'enhanced'
          ? {
              ok: true,
              text: `Beanstalk: ${environment} has an Application Load Balancer and enhanced health`,
            }
          : {
              ok: false,
              text: `Beanstalk: ${environment} has LoadBalancerType ${lb ?? '(none)'} and health ${health ?? 'basic'}; traffic splitting needs application and enhanced`,
              fix: `recreate the environment with LoadBalancerType=application and SystemType=enhanced (the sample stack does), or point pipelines.yaml at one that has them`,
            },
      );
    } catch (error) {
      results.push({
        ok: false,
        text: `Beanstalk: ${application}/${environment}: ${errorText(error)}`,
        fix: 'create the environment (npx cdk deploy -c sampleTargets=true) or fix target.application/environment in pipelines.yaml',
      });
    }
  }
  return results;
}

async function ssmChecks(ctx: CliContext, config: ClientConfig): Promise<CheckResult[]> {
  const ssm = new SSMClient(config);
  const results: CheckResult[] = [];
  for (const p of ctx.config().pipelines) {
    if (p.target.kind !== 'ec2-ssm') continue;
    const { key, value } = p.target.instanceTag;
    try {
      const list = [];
      let token: string | undefined;
      do {
        const page = await ssm.send(
          new DescribeInstanceInformationCommand({
            Filters: [{ Key: `tag:${key}`, Values: [value] }],
            NextToken: token,
          }),
        );
        list.push(...(page.InstanceInformationList ?? []));
        token = page.NextToken;
      } while (token);
      const bad = list.filter(
        (i) => i.PingStatus !== 'Online' || compareVersions(i.AgentVersion ?? '0', MIN_SSM_AGENT) < 0,
      );
      results.push(
        !list.length
          ? {
              ok: false,
              text: `SSM: no managed instance is tagged ${key}=${value}`,
              fix: 'tag the instances and give them an instance profile with AmazonSSMManagedInstanceCore (the sample stack does)',
            }
          : bad.length
            ? {
                ok: false,
                text: `SSM: ${bad.map((i) => `${i.InstanceId} ${i.PingStatus} agent ${i.AgentVersion}`).join(', ')} (need Online, agent ≥ ${MIN_SSM_AGENT})`,
                fix: 'update the agent (AWS-UpdateSSMAgent) and check the instances reach SSM',
              }
            : {
                ok: true,
                text: `SSM: ${list.length} instances tagged ${key}=${value} Online with agent ≥ ${MIN_SSM_AGENT}`,
              },
      );
    } catch (error) {
      results.push({ ok: false, text: `SSM: ${errorText(error)}`, fix: 'check the credentials and region' });
    }
  }
  return results;
}

async function codeBuildCheck(config: ClientConfig): Promise<CheckResult> {
  try {
    const answer = await new CodeBuildClient(config).send(new ListSourceCredentialsCommand({}));
    const github = (answer.sourceCredentialsInfos ?? []).some((c) => c.serverType === 'GITHUB');
    return github
      ? { ok: true, text: 'CodeBuild: a GitHub source credential is imported' }
      : {
          ok: false,
          text: 'CodeBuild: no GitHub source credential',
          fix: 'aws codebuild import-source-credentials --server-type GITHUB --auth-type PERSONAL_ACCESS_TOKEN --token <token>',
        };
  } catch (error) {
    return { ok: false, text: `CodeBuild: ${errorText(error)}`, fix: 'check the credentials and region' };
  }
}

async function secretChecks(
  ctx: CliContext,
  model: PolicyModel,
  config: ClientConfig,
): Promise<CheckResult[]> {
  const sm = new SecretsManagerClient(config);
  const results: CheckResult[] = [];
  // A value Secrets Manager generated at deploy (32 letters and digits): not set yet.
  const placeholder = /^[A-Za-z0-9]{32}$/;
  const wantsGithub = ctx.config().pipelines.some((p) => p.notify.githubStatus);
  for (const [property, sandboxName] of Object.entries(SANDBOX_NAMES.secrets)) {
    const id =
      ctx.mode === 'sandbox' ? sandboxName : model.names[model.names[`secretLogicalId/${property}`] ?? ''];
    if (!id) {
      results.push({
        ok: false,
        text: `Secret ${property}: not in the deployed stack`,
        fix: 'npx cdk deploy',
      });
      continue;
    }
    try {
      const value = (await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString ?? '';
      const problem = !value
        ? 'is empty'
        : property === 'slackWebhookSecret' && !/^https?:\/\//.test(value)
          ? 'still holds the generated placeholder, not a Slack incoming webhook URL'
          : property === 'githubTokenSecret' && wantsGithub && placeholder.test(value)
            ? 'still holds the generated placeholder, not a GitHub token'
            : undefined;
      results.push(
        problem
          ? {
              ok: false,
              text: `Secret ${id} ${problem}`,
              fix: `aws secretsmanager put-secret-value --secret-id ${id} --secret-string <value>`,
            }
          : { ok: true, text: `Secret ${id} holds a value` },
      );
    } catch (error) {
      results.push({
        ok: false,
        text: `Secret ${id}: ${errorText(error)}`,
        fix: 'npx cdk deploy, then put-secret-value',
      });
    }
  }
  return results;
}

async function alarmChecks(ctx: CliContext, config: ClientConfig): Promise<CheckResult[]> {
  const names = [...new Set(ctx.config().pipelines.flatMap((p) => p.verify.alarms))];
  if (!names.length) return [];
  try {
    const answer = await new CloudWatchClient(config).send(
      new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    const found = new Set(
      [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])].map((a) => a.AlarmName),
    );
    return names.map((name) =>
      found.has(name)
        ? { ok: true, text: `Alarm ${name} exists` }
        : {
            ok: false,
            text: `Alarm ${name} (verify.alarms) does not exist`,
            fix: `create it, or remove it from verify.alarms in pipelines.yaml`,
          },
    );
  } catch (error) {
    return [{ ok: false, text: `Alarms: ${errorText(error)}`, fix: 'check the credentials and region' }];
  }
}

/** Runs every check and prints one line each; 0 when all pass, 1 otherwise. */
export async function doctorCommand(ctx: CliContext): Promise<number> {
  const config = clientConfig(ctx);
  const { out } = ctx;
  const results: CheckResult[] = [];
  let model: PolicyModel | undefined;
  try {
    model = await deployedModel(ctx, config);
  } catch (error) {
    results.push({
      ok: false,
      text: `IAM: could not read the deployed stacks: ${errorText(error)}`,
      fix: 'deploy them first (npx cdk deploy --all) with the credentials of this account',
    });
  }
  if (model) results.push(...(await iamChecks(model, config)));
  results.push(...(await beanstalkChecks(ctx, config)));
  results.push(...(await ssmChecks(ctx, config)));
  results.push(await codeBuildCheck(config));
  if (model) results.push(...(await secretChecks(ctx, model, config)));
  results.push(...(await alarmChecks(ctx, config)));
  for (const r of results)
    out.line(
      r.ok
        ? `${out.paint('green', '✓')} ${r.text}`
        : `${out.paint('red', '✗')} ${r.text}${r.fix ? ` — fix: ${r.fix}` : ''}`,
    );
  const failed = results.filter((r) => !r.ok).length;
  out.line(failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
  return failed ? 1 : 0;
}
