/**
 * The state machines, deployed from the very ASL files in statemachines/ (inline, through
 * `definitionSubstitutions`): one pipeline per entry of pipelines.yaml and one deploy
 * sub-workflow per target kind. Grants are derived from the placeholders each file uses, so a
 * state machine may invoke exactly the functions, projects and sub-workflows it names.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Project } from 'aws-cdk-lib/aws-codebuild';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeployTarget, PipelinesConfig } from '../../functions/commons/config/schema';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import { pipelineSubstitutions } from '../../statemachines/definitions';
import { FUNCTION_NAMES, pascalCase, type FunctionName } from './function-catalog';
import type { ControllerFunctions } from './functions';
import { PROJECT_ROOT } from './functions';
import type { PipelineBuildProjects } from './build-projects';

export const STATEMACHINES_DIR = resolve(PROJECT_ROOT, 'statemachines');

/** Target kind -> deploy sub-workflow (file and state machine name). */
export const DEPLOY_WORKFLOWS: Record<DeployTarget['kind'], { file: string; name: string }> = {
  'elastic-beanstalk': { file: 'deploy-beanstalk.asl.json', name: 'deploy-beanstalk' },
  'ec2-ssm': { file: 'deploy-ssm.asl.json', name: 'deploy-ssm' },
};
export const PIPELINE_FILE = 'pipeline.asl.json';

/** `${Name}` placeholders of an ASL text, each once. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))];
}

/** Resource strings of Task states that are not placeholders (service integrations). */
export function integrationResources(definition: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record['Type'] === 'Task' && typeof record['Resource'] === 'string') found.add(record['Resource']);
    Object.values(record).forEach(walk);
  };
  walk(definition);
  return [...found];
}

/** Integrations whose grants this construct writes; anything else fails the synth (no silent AccessDenied). */
const KNOWN_INTEGRATION = /^(arn:aws:states:::lambda:invoke(\.waitForTaskToken)?|arn:aws:states:::codebuild:startBuild(\.sync)?|arn:aws:states:::states:startExecution(\.sync(:2)?)?|\$\{[A-Za-z0-9]+FunctionArn\})$/;

export interface StateMachinesProps {
  config: PipelinesConfig;
  functions: ControllerFunctions;
  builds: Map<string, PipelineBuildProjects>;
  artifactsBucket: IBucket;
  logRetention: RetentionDays;
}

/** Logging, tracing and type every state machine shares. */
interface MachineSpec {
  id: string;
  name: string;
  file: string;
  substitutions: Record<string, string>;
}

export class ControllerStateMachines extends Construct {
  /** Pipeline state machines by pipeline name. */
  readonly pipelines = new Map<string, StateMachine>();
  /** Deploy sub-workflows by their state machine name. */
  readonly deployWorkflows = new Map<string, StateMachine>();
  /** The substitutions each state machine was deployed with (tests compare them with the files). */
  readonly substitutionsByMachine = new Map<string, Record<string, string>>();

  private readonly projectsByName = new Map<string, Project>();

  constructor(scope: Construct, id: string, private readonly props: StateMachinesProps) {
    super(scope, id);
    const { config, functions } = props;
    for (const builds of props.builds.values()) {
      this.projectsByName.set(builds.buildProject.projectName, builds.buildProject);
      this.projectsByName.set(builds.scanProject.projectName, builds.scanProject);
    }
    const functionArn = (name: string): string => functions.get(name as FunctionName).functionArn;

    const kinds = [...new Set(config.pipelines.map((p) => p.target.kind))];
    for (const kind of kinds) {
      const workflow = DEPLOY_WORKFLOWS[kind];
      const text = readFileSync(resolve(STATEMACHINES_DIR, workflow.file), 'utf8');
      const substitutions: Record<string, string> = {};
      for (const placeholder of placeholdersOf(text)) {
        const fn = FUNCTION_NAMES.find((n) => `${pascalCase(n)}FunctionArn` === placeholder);
        if (!fn) throw new Error(`${workflow.file}: no value for placeholder \${${placeholder}}`);
        substitutions[placeholder] = functionArn(fn);
      }
      this.deployWorkflows.set(workflow.name, this.createMachine({ id: pascalCase(workflow.name), name: workflow.name, file: workflow.file, substitutions }, text));
    }

    for (const settings of config.pipelines) {
      const builds = props.builds.get(settings.name);
      if (!builds) throw new Error(`no build projects for pipeline ${settings.name}`);
      const substitutions = pipelineSubstitutions(settings, {
        functionArn,
        buildProjectName: builds.buildProject.projectName,
        scanProjectName: builds.scanProject.projectName,
        artifactsBucket: props.artifactsBucket.bucketName,
        deployStateMachineArn: (kind: DeployTarget['kind']) => {
          const machine = this.deployWorkflows.get(DEPLOY_WORKFLOWS[kind].name);
          if (!machine) throw new Error(`no deploy workflow for ${kind}`);
          return machine.stateMachineArn;
        },
      });
      const text = readFileSync(resolve(STATEMACHINES_DIR, PIPELINE_FILE), 'utf8');
      const name = stateMachineName(settings.name);
      this.pipelines.set(settings.name, this.createMachine({ id: `Pipeline-${settings.name}`, name, file: PIPELINE_FILE, substitutions }, text));
    }
  }

  private createMachine(spec: MachineSpec, text: string): StateMachine {
    const used = placeholdersOf(text);
    const missing = used.filter((p) => !(p in spec.substitutions));
    if (missing.length) throw new Error(`${spec.file}: no value for ${missing.map((p) => `\${${p}}`).join(', ')}`);
    const unknown = integrationResources(JSON.parse(text)).filter((r) => !KNOWN_INTEGRATION.test(r));
    if (unknown.length) throw new Error(`${spec.file}: integration(s) ${unknown.join(', ')} have no grants in infra/constructs/state-machines.ts`);
    // Only the placeholders this file uses are substituted (and granted).
    const substitutions = Object.fromEntries(used.map((p) => [p, spec.substitutions[p] as string]));

    const logGroup = new LogGroup(this, `${spec.id}Logs`, {
      logGroupName: `/aws/vendedlogs/states/${spec.name}`,
      retention: this.props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const machine = new StateMachine(this, spec.id, {
      stateMachineName: spec.name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(text),
      definitionSubstitutions: substitutions,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.substitutionsByMachine.set(spec.name, substitutions);
    this.grant(machine, substitutions);
    return machine;
  }

  /** Least privilege from the placeholders: the functions, projects and sub-workflows named. */
  private grant(machine: StateMachine, substitutions: Record<string, string>): void {
    const stack = Stack.of(this);
    const values = Object.values(substitutions);
    const fnArns = FUNCTION_NAMES.map((n) => this.props.functions.get(n).functionArn).filter((arn) => values.includes(arn));
    if (fnArns.length) {
      machine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...fnArns, ...fnArns.map((a) => `${a}:*`)] }));
    }
    const projects = [...this.projectsByName].filter(([name]) => values.includes(name)).map(([, project]) => project);
    if (projects.length) {
      machine.addToRolePolicy(
        new PolicyStatement({ actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'], resources: projects.map((p) => p.projectArn) }),
      );
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForCodeBuildStartBuildRule' })],
        }),
      );
    }
    const workflows = [...this.deployWorkflows.values()].filter((sm) => values.includes(sm.stateMachineArn));
    if (workflows.length) {
      machine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: workflows.map((sm) => sm.stateMachineArn) }));
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          resources: workflows.map((sm) =>
            stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${sm.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ),
        }),
      );
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule' })],
        }),
      );
    }
  }
}
