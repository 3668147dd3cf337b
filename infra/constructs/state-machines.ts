/**
 * The state machines, deployed from the very ASL files in statemachines/ (inline, through
 * `definitionSubstitutions`): one pipeline per entry of pipelines.yaml and one deploy
 * sub-workflow per target kind. Grants are derived from the placeholders each file uses, so a
 * state machine may invoke exactly the functions, projects and sub-workflows it names.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Project } from 'aws-cdk-lib/aws-codebuild';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeployTarget, PipelinesConfig } from '../../functions/commons/config/schema';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import {
  DEFINITION_FILES,
  DEPLOY_DEFINITION,
  deploySubstitutions,
  loadDefinition,
  pipelineSubstitutions,
  placeholdersIn,
  type DefinitionName,
} from '../../statemachines/definitions';
import { FUNCTION_NAMES, pascalCase, type FunctionName } from './function-catalog';
import type { ControllerFunctions } from './functions';
import type { PipelineBuildProjects } from './build-projects';

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
const KNOWN_INTEGRATION =
  /^(arn:aws:states:::lambda:invoke(\.waitForTaskToken)?|arn:aws:states:::codebuild:startBuild(\.sync)?|arn:aws:states:::states:startExecution(\.sync(:2)?)?|\$\{[A-Za-z0-9]+FunctionArn\})$/;

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
  /** State machine name. */
  name: string;
  definition: DefinitionName;
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

  constructor(
    scope: Construct,
    id: string,
    private readonly props: StateMachinesProps,
  ) {
    super(scope, id);
    const { config, functions } = props;
    for (const builds of props.builds.values()) {
      this.projectsByName.set(builds.buildProject.projectName, builds.buildProject);
      this.projectsByName.set(builds.scanProject.projectName, builds.scanProject);
    }
    const functionArn = (name: string): string => functions.get(name as FunctionName).functionArn;

    // Only the sub-workflows of the target kinds in use.
    const kinds = [...new Set(config.pipelines.map((p) => p.target.kind))];
    for (const kind of kinds) {
      const name: DefinitionName = DEPLOY_DEFINITION[kind];
      const substitutions = deploySubstitutions({ functionArn });
      this.deployWorkflows.set(
        name,
        this.createMachine({ id: pascalCase(name), name, definition: name, substitutions }),
      );
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
          const machine = this.deployWorkflows.get(DEPLOY_DEFINITION[kind]);
          if (!machine) throw new Error(`no deploy workflow for ${kind}`);
          return machine.stateMachineArn;
        },
      });
      const name = stateMachineName(settings.name);
      this.pipelines.set(
        settings.name,
        this.createMachine({ id: `Pipeline-${settings.name}`, name, definition: 'pipeline', substitutions }),
      );
    }
  }

  private createMachine(spec: MachineSpec): StateMachine {
    const file = DEFINITION_FILES[spec.definition];
    const text = loadDefinition(spec.definition);
    const used = placeholdersIn(text);
    const missing = used.filter((p) => !Object.hasOwn(spec.substitutions, p));
    if (missing.length) throw new Error(`${file}: no value for ${missing.map((p) => `\${${p}}`).join(', ')}`);
    const unknown = integrationResources(JSON.parse(text)).filter((r) => !KNOWN_INTEGRATION.test(r));
    if (unknown.length)
      throw new Error(
        `${file}: integration(s) ${unknown.join(', ')} have no grants in infra/constructs/state-machines.ts`,
      );
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
    const fnArns = FUNCTION_NAMES.map((n) => this.props.functions.get(n).functionArn).filter((arn) =>
      values.includes(arn),
    );
    if (fnArns.length) {
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [...fnArns, ...fnArns.map((a) => `${a}:*`)],
        }),
      );
    }
    const projects = [...this.projectsByName]
      .filter(([name]) => values.includes(name))
      .map(([, project]) => project);
    if (projects.length) {
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
          resources: projects.map((p) => p.projectArn),
        }),
      );
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [
            stack.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: 'StepFunctionsGetEventForCodeBuildStartBuildRule',
            }),
          ],
        }),
      );
    }
    const workflows = [...this.deployWorkflows].filter(([, sm]) => values.includes(sm.stateMachineArn));
    if (workflows.length) {
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:StartExecution'],
          resources: workflows.map(([, sm]) => sm.stateMachineArn),
        }),
      );
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          // By the fixed name (deploy-beanstalk, deploy-ssm): the execution ARNs of that state machine.
          resources: workflows.map(([name]) =>
            stack.formatArn({
              service: 'states',
              resource: 'execution',
              resourceName: `${name}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        }),
      );
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [
            stack.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule',
            }),
          ],
        }),
      );
    }
  }
}
