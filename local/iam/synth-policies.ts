/**
 * The roles and policies of the synthesized stacks, for the sandbox's authorisation: the same
 * `buildApp` that `cdk synth` and the infra tests run (controller stack and sample-targets stack),
 * synthesized offline with Lambda bundling skipped (`aws:cdk:bundling-stacks: []`: assets do not
 * change IAM). Synth takes seconds, so the model is cached per process and on disk under
 * node_modules/.cache, keyed by a hash of everything that shapes it (infra/, statemachines/,
 * functions/, cdk.json, the configuration and the sandbox names): a changed grant is
 * re-synthesized, never read from a stale copy.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import { TABLES } from '../../functions/commons/tables';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import { IntrinsicResolver, type TemplateJson } from './intrinsics';
import type { PolicyDocument, PolicyModel, PrincipalUse, RoleModel } from './model';

const ROOT = resolve(__dirname, '../..');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'deploy-controller-iam');
/** Bump when the model's shape changes. */
const MODEL_VERSION = '4';

/** Names the sandbox gives the resources it simulates. */
export interface SandboxNames {
  account: string;
  region: string;
  artifactsBucket: string;
  releaseDocument: string;
  commandOutputLogGroup: string;
  /** Secret names by the ControllerSecrets property that holds them. */
  secrets: Record<
    'githubWebhookSecret' | 'slackWebhookSecret' | 'approvalLinkKey' | 'githubTokenSecret',
    string
  >;
}

const memo = new Map<string, PolicyModel>();

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ts|json|ya?ml)$/.test(entry)) out.push(path);
  }
  return out.sort();
}

/** Hash of every input of the model. */
export function modelKey(config: PipelinesConfig, names: SandboxNames): string {
  const hash = createHash('sha256')
    .update(MODEL_VERSION)
    .update(JSON.stringify(config))
    .update(JSON.stringify(names));
  for (const dir of ['infra', 'statemachines', 'functions'])
    for (const file of filesUnder(join(ROOT, dir)))
      hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  hash.update(readFileSync(join(ROOT, 'cdk.json')));
  return hash.digest('hex').slice(0, 24);
}

const logicalId = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
};

/**
 * Synthesizes both stacks and reads the model (no cache). `physicalIds` (`<stack>/<logicalId>` ->
 * physical id, e.g. from CloudFormation ListStackResources of a deployed stack) name the resources
 * as they exist in a real account instead of the sandbox's names.
 */
export async function synthesizePolicyModel(
  config: PipelinesConfig,
  names: SandboxNames,
  physicalIds: Record<string, string> = {},
): Promise<PolicyModel> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { buildApp } = await import('../../infra/build-app');
  const context = (
    JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  const outdir = mkdtempSync(join(tmpdir(), 'sandbox-iam-'));
  try {
    const built = buildApp({
      config,
      nag: false,
      appProps: { outdir, context: { ...context, sampleTargets: true, 'aws:cdk:bundling-stacks': [] } },
    });
    const assembly = built.app.synth();
    const controller = built.controller;
    const sample = built.sampleTargets!;
    const templates: Record<string, TemplateJson> = {};
    for (const stack of [controller, sample])
      templates[stack.stackName] = assembly.getStackByName(stack.stackName).template as TemplateJson;

    const overrides: Record<string, string> = {};
    const name = (construct: IConstruct, value: string) => {
      overrides[`${Stack.of(construct).stackName}/${logicalId(construct)}`] = value;
    };
    for (const [fnName, fn] of controller.functions.byName) name(fn, fnName);
    for (const [id, table] of controller.storage.tables) {
      const design = TABLES.find((t) => t.id === id);
      if (design) name(table, design.localName);
    }
    name(controller.storage.artifactsBucket, names.artifactsBucket);
    const extra: Record<string, string> = {};
    for (const [property, secretName] of Object.entries(names.secrets)) {
      const secret = controller.secrets[property as keyof SandboxNames['secrets']];
      name(secret, secretName);
      extra[`secretLogicalId/${property}`] = `${controller.stackName}/${logicalId(secret)}`;
    }
    overrides[`${controller.stackName}/${logicalId(controller.releaseDocument.document)}`] =
      names.releaseDocument;
    name(controller.commandOutputLogs, names.commandOutputLogGroup);

    const uses = new Map<string, PrincipalUse[]>();
    const use = (role: IConstruct | undefined, principal: PrincipalUse) => {
      if (!role) return;
      const key = `${Stack.of(role).stackName}/${logicalId(role)}`;
      uses.set(key, [...(uses.get(key) ?? []), principal]);
    };
    for (const [functionName, fn] of controller.functions.byName)
      use(fn.role, { kind: 'lambda', functionName });
    for (const [pipeline, sm] of controller.stateMachines.pipelines)
      use(sm.role, { kind: 'states', stateMachineName: stateMachineName(pipeline) });
    for (const [workflow, sm] of controller.stateMachines.deployWorkflows)
      use(sm.role, { kind: 'states', stateMachineName: workflow });
    const projects: [IConstruct, IConstruct | undefined][] = [...controller.builds.values()].flatMap((b) => [
      [b.buildProject, b.buildProject.role],
      [b.scanProject, b.scanProject.role],
    ]);
    const ssmPipelines = config.pipelines.filter((p) => p.target.kind === 'ec2-ssm');
    sample.fleets.forEach((fleet, i) => {
      const target = ssmPipelines[i]?.target;
      if (target?.kind === 'ec2-ssm') use(fleet.role, { kind: 'ec2', tag: target.instanceTag });
    });

    const resolver = new IntrinsicResolver({
      account: names.account,
      region: names.region,
      templates,
      names: overrides,
    });
    Object.assign(overrides, physicalIds);
    // The log group each function writes to (LoggingConfig.LogGroup) and whether it is traced.
    for (const [functionName, fn] of controller.functions.byName) {
      const props = templates[controller.stackName]?.Resources?.[logicalId(fn)]?.Properties;
      const logging = props?.LoggingConfig as { LogGroup?: unknown } | undefined;
      if (logging?.LogGroup)
        extra[`lambdaLogGroup/${functionName}`] = String(
          resolver.resolve(controller.stackName, logging.LogGroup),
        );
      const tracing = props?.TracingConfig as { Mode?: unknown } | undefined;
      if (tracing?.Mode === 'Active') extra[`lambdaTracing/${functionName}`] = 'Active';
    }
    // The state machines with X-Ray tracing (TracingConfiguration.Enabled).
    for (const [name, sm] of [
      ...[...controller.stateMachines.pipelines].map(([p, m]) => [stateMachineName(p), m] as const),
      ...controller.stateMachines.deployWorkflows,
    ]) {
      const tracing = templates[controller.stackName]?.Resources?.[logicalId(sm)]?.Properties
        ?.TracingConfiguration as { Enabled?: unknown } | undefined;
      if (tracing?.Enabled === true) extra[`stateMachineTracing/${name}`] = 'true';
    }
    for (const [project, role] of projects) {
      const id = logicalId(project);
      const projectName = resolver.physicalName(controller.stackName, id);
      use(role, { kind: 'codebuild', projectName });
      // The log group the project writes to (LogsConfig.CloudWatchLogs.GroupName).
      const logs = templates[controller.stackName]?.Resources?.[id]?.Properties?.LogsConfig as
        { CloudWatchLogs?: { GroupName?: unknown } } | undefined;
      if (logs?.CloudWatchLogs?.GroupName)
        extra[`codebuildLogGroup/${projectName}`] = String(
          resolver.resolve(controller.stackName, logs.CloudWatchLogs.GroupName),
        );
    }
    // The instance role each sample Beanstalk environment passes to its instances.
    const beanstalkPipelines = config.pipelines.filter((p) => p.target.kind === 'elastic-beanstalk');
    sample.beanstalk.forEach((environment, i) => {
      const target = beanstalkPipelines[i]?.target;
      const role = environment.node.tryFindChild('InstanceRole');
      if (target?.kind === 'elastic-beanstalk' && role)
        extra[`beanstalkInstanceRole/${target.environment}`] =
          `arn:aws:iam::${names.account}:role/${resolver.physicalName(sample.stackName, logicalId(role))}`;
    });
    return {
      account: names.account,
      region: names.region,
      roles: readRoles(templates, resolver, uses),
      names: { ...overrides, ...extra },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function readRoles(
  templates: Record<string, TemplateJson>,
  resolver: IntrinsicResolver,
  uses: Map<string, PrincipalUse[]>,
): RoleModel[] {
  const roles: RoleModel[] = [];
  for (const [stack, template] of Object.entries(templates)) {
    const resources = template.Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const props = resource.Properties ?? {};
      const roleName = resolver.physicalName(stack, id);
      const inline = (props.Policies as { PolicyName: unknown; PolicyDocument: unknown }[] | undefined) ?? [];
      const policies = inline.map((p) => ({
        name: String(resolver.resolve(stack, p.PolicyName)),
        document: resolver.resolve(stack, p.PolicyDocument) as PolicyDocument,
      }));
      for (const [policyId, policy] of Object.entries(resources)) {
        // CDK splits a large default policy into AWS::IAM::ManagedPolicy overflow documents.
        if (policy.Type !== 'AWS::IAM::Policy' && policy.Type !== 'AWS::IAM::ManagedPolicy') continue;
        const attached = (policy.Properties?.Roles as unknown[] | undefined) ?? [];
        if (!attached.some((r) => (r as { Ref?: string }).Ref === id)) continue;
        policies.push({
          name: policyId,
          document: resolver.resolve(stack, policy.Properties?.PolicyDocument) as PolicyDocument,
        });
      }
      roles.push({
        logicalId: id,
        stack,
        roleName,
        arn: `arn:aws:iam::${resolver.resolve(stack, { Ref: 'AWS::AccountId' }) as string}:role/${roleName}`,
        policies,
        managedPolicyArns: ((resolver.resolve(stack, props.ManagedPolicyArns ?? []) as unknown[]) ?? []).map(
          String,
        ),
        uses: uses.get(`${stack}/${id}`) ?? [],
      });
    }
  }
  return roles;
}

/**
 * The policy model for this configuration and these sandbox names: from memory, from the disk
 * cache when its key matches, or synthesized (seconds) and cached.
 */
export async function loadPolicyModel(config: PipelinesConfig, names: SandboxNames): Promise<PolicyModel> {
  const key = modelKey(config, names);
  const cached = memo.get(key);
  if (cached) return cached;
  const file = join(CACHE_DIR, `${key}.json`);
  let model: PolicyModel | undefined;
  try {
    model = JSON.parse(readFileSync(file, 'utf8')) as PolicyModel;
  } catch {
    model = await synthesizePolicyModel(config, names);
    mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: parallel test workers never read a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(model));
    renameSync(partial, file);
  }
  memo.set(key, model);
  return model;
}
