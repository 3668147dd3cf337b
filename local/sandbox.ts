/**
 * The whole controller on one machine (composition root). `startSandbox()` starts:
 * - the local AWS endpoint on 127.0.0.1:`sandboxPort`: the services of local/services/registry.ts
 *   over the simulated world (local/world.ts), Step Functions (local/step-functions.ts), the
 *   `/_sandbox/*` control API and the Slack sink;
 * - the HTTP API (webhook and approval routes through the real handlers) on 127.0.0.1:`port`;
 * - the simulated apps the smoke test calls;
 * and sets the handlers' environment (local/handler-env.ts) before importing them.
 */
import type { Server } from 'node:http';
import { loadConfig } from '../functions/commons/config/load-config';
import { resetConfigCache } from '../functions/commons/config/pipeline-settings';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { stateMachineName } from '../functions/commons/types/pipeline-input';
import { TASK_FUNCTIONS } from '../statemachines/definitions';
import { AwsServer, closeServer, type CallCheck } from './aws/server';
import { installSimulatedDate, restoreRealDate, SimClock } from './clock';
import { controlApi, type ControlTarget } from './control-api';
import { FaultBook } from './faults';
import {
  HANDLER_ACCESS_KEY_ID,
  handlerEnvironment,
  REAL_AWS_VARIABLES,
  smokeOverrideVariable,
} from './handler-env';
import { createContext } from './cli/context';
import { memoryOutput } from './cli/output';
import { consoleHandler, type ConsoleHandler } from './console/router';
import { createHttpApi } from './http-api';
import { iamService } from './iam/iam-service';
import type { PolicyModel } from './iam/model';
import { createSandboxIam, type SandboxIam } from './iam/sandbox-iam';
import { SANDBOX_NAMES } from './iam/sandbox-names';
import { limitsChecks } from './limits';
import { LiveLog } from './live-log';
import { loadScenarios, runScenario, type Scenario, type ScenarioResult } from './scenarios';
import type { StepFunctionsEngine } from './sfn/engine';
import { TaskTokens } from './sfn/task-tokens';
import type { AslDefinition } from './sfn/transform';
import type { Item } from './services/dynamodb/model';
import { RuleTargetDelivery } from './services/events/rule-delivery';
import { StatusEventBus } from './services/events/status-events';
import { FUNCTION_NAMES, LambdaRuntime, type LambdaRuntimeOptions } from './services/lambda/runtime';
import { serviceRegistry, type ServiceRegistry } from './services/registry';
import { createAppServer } from './sim/apps';
import { SlackSink } from './sim/slack-sink';
import { createEngine, registerProjectMachines } from './step-functions';
import { checkFleetSize, FLEET_LIMITS, INITIAL_COMMITS, World } from './world';
import { worldState } from './world-state';

export { INITIAL_COMMITS, smokeOverrideVariable };
export const REGION = SANDBOX_NAMES.region;
export const ACCOUNT = SANDBOX_NAMES.account;
export const DEFAULT_WEBHOOK_SECRET = 'local-sandbox-secret';
export const DEFAULT_SPEEDUP = 60;
export const ARTIFACTS_BUCKET = SANDBOX_NAMES.artifactsBucket;
export const RELEASE_DOCUMENT = SANDBOX_NAMES.releaseDocument;
/** The CloudWatch Logs group the SSM agents stream release output to (SSM_LOG_GROUP). */
export const COMMAND_OUTPUT_LOG_GROUP = SANDBOX_NAMES.commandOutputLogGroup;
export { HANDLER_ACCESS_KEY_ID } from './handler-env';
export { SANDBOX_NAMES };

export interface SandboxOptions {
  /** Local AWS endpoint port (default SANDBOX_PORT or 4566; 0 = any free port). */
  sandboxPort?: number;
  /** Webhook/approval HTTP API port (default PORT or 3000; 0 = any free port). */
  port?: number;
  /** Simulated seconds per real second (default SPEEDUP or 60). */
  speedup?: number;
  /** Scenario active for the next executions (default SCENARIO or `happy`). */
  scenario?: string;
  /** Webhook secret (default GITHUB_WEBHOOK_SECRET or `local-sandbox-secret`). */
  webhookSecret?: string;
  /** A real Slack webhook to use instead of the sink (default SLACK_WEBHOOK_URL if set). */
  slackWebhookUrl?: string;
  /** pipelines.yaml to load (default PIPELINES_FILE or the repository's). */
  pipelinesFile?: string;
  /** Instances per EC2 target (default FLEET_SIZE or 3; 1-500). */
  fleetSize?: number;
  /** Live log writer; `false` for none (default: console.log). */
  log?: ((line: string) => void) | false;
  /** Colours in the live log. */
  color?: boolean;
  /** Make `Date` follow the simulated clock in this process (default true; see clock.ts). */
  simulateClock?: boolean;
  /** Fake handlers by function name (tests); real `functions/<name>/handler.ts` otherwise. */
  handlers?: LambdaRuntimeOptions['handlers'];
  /** Real seconds a handler may run (Lambda timeout; default 60). */
  lambdaTimeoutSeconds?: number;
  /** Extra state machines by name (test fixtures). */
  stateMachines?: Record<string, AslDefinition>;
  /** Register the project's state machines from statemachines/ (default true). */
  projectStateMachines?: boolean;
  /** Random source for fault shares (tests make it deterministic). */
  random?: () => number;
  /** Extra request pipeline steps run on every AWS call before the sandbox's own (tests). */
  checks?: CallCheck[];
  /**
   * Authorise every call against the synthesized stacks' IAM policies, as AWS does (default
   * true). Only focused protocol tests turn it off.
   */
  iam?: boolean;
  /** A policy model to enforce instead of the synthesized one (tests that remove a statement). */
  policyModel?: PolicyModel;
}

export interface Sandbox extends ControlTarget {
  urls: {
    aws: string;
    webhook: string;
    approvals: string;
    apps: string;
    slack: string;
    control: string;
    /** The local console (pipelines, runs, approvals, failures, DORA metrics). */
    console: string;
  };
  ports: { aws: number; webhook: number; apps: number };
  /** The variables set in this process for the handlers (no secrets besides the local ones). */
  env: Record<string, string>;
  webhookSecret: string;
  speedup: number;
  clock: SimClock;
  config: PipelinesConfig;
  engine: StepFunctionsEngine;
  tokens: TaskTokens;
  faults: FaultBook;
  scenarios: Map<string, Scenario>;
  /** Every service's state (S3, DynamoDB, secrets, alarms, environments, fleet, builds, events). */
  world: World;
  beanstalk: World['beanstalk'];
  fleet: World['fleet'];
  codebuild: World['codebuild'];
  s3: World['s3'];
  alarms: World['alarms'];
  slack: SlackSink;
  statusEvents: StatusEventBus;
  /** AWS service events delivered to the functions of matching rules (wait-router). */
  serviceEvents: RuleTargetDelivery;
  lambda: LambdaRuntime;
  /** The IAM enforcement (undefined when turned off). */
  iam?: SandboxIam;
  githubStatuses: unknown[];
  /** GitHub's commit graph and compare API for the controller (github-standin.ts). */
  github: World['github'];
  putEvents: World['events']['events'];
  /** Live commit of a pipeline's target (Beanstalk version's commit, or the instances' release). */
  liveCommit(pipeline: string): string | null;
  /** Every item of a DynamoDB table (through Scan). */
  tableItems(table: string): Promise<Item[]>;
  /** Activates a scenario for the executions that start from now on. */
  activateScenario(name: string): Scenario;
  /** Plays a scenario end to end (scenarios.ts runScenario). */
  runScenario(name: string): Promise<ScenarioResult>;
  /** Everything the control API's GET /_sandbox/state returns. */
  state(): Promise<Record<string, unknown>>;
  /** Back to the initial world: executions, tables, objects, versions, messages. */
  reset(): Promise<void>;
  /** Closes servers, aborts executions, clears timers, restores env and Date. */
  stop(): Promise<void>;
}

const portFrom = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new RangeError(`${name} must be a port number from 0 to 65535, got "${value}"`);
  return n;
};

function fleetSizeFrom(option: number | undefined, value: string | undefined): number {
  if (option !== undefined) {
    checkFleetSize(option, 'fleetSize');
    return option;
  }
  if (value === undefined || value === '') return FLEET_LIMITS.default;
  const n = Number(value);
  checkFleetSize(Number.isNaN(n) ? value : n, 'FLEET_SIZE');
  return n;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Starts the sandbox; RangeError for a bad setting, an Error naming the port if one is taken. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const env = process.env;
  const speedup = options.speedup ?? (env.SPEEDUP ? Number(env.SPEEDUP) : DEFAULT_SPEEDUP);
  if (!Number.isFinite(speedup) || speedup < 1 || speedup > 100_000)
    throw new RangeError(
      `SPEEDUP must be a number from 1 to 100000, got "${String(env.SPEEDUP ?? options.speedup)}"`,
    );
  const sandboxPort = options.sandboxPort ?? portFrom(env.SANDBOX_PORT, 4566, 'SANDBOX_PORT');
  const webhookPort = options.port ?? portFrom(env.PORT, 3000, 'PORT');
  const fleetSize = fleetSizeFrom(options.fleetSize, env.FLEET_SIZE);
  const webhookSecret = options.webhookSecret ?? env.GITHUB_WEBHOOK_SECRET ?? DEFAULT_WEBHOOK_SECRET;
  const pipelinesFile = options.pipelinesFile ?? env.PIPELINES_FILE;
  const config = loadConfig(pipelinesFile);
  const scenarios = loadScenarios();
  const initialScenario = options.scenario ?? env.SCENARIO ?? 'happy';
  if (!scenarios.has(initialScenario))
    throw new RangeError(`unknown scenario "${initialScenario}"; known: ${[...scenarios.keys()].join(', ')}`);

  const clock = new SimClock(speedup);
  const faults = new FaultBook(options.random);
  const tokens = new TaskTokens();
  const stateMachineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  const pipelineArns = config.pipelines.map((p) => stateMachineArn(stateMachineName(p.name)));
  const worldRef: { current?: World } = {};
  const iam = options.iam === false ? undefined : await sandboxIam(config, worldRef, options.policyModel);
  const world = await World.create({
    config,
    clock,
    faults,
    region: REGION,
    account: ACCOUNT,
    artifactsBucket: ARTIFACTS_BUCKET,
    releaseDocument: RELEASE_DOCUMENT,
    fleetSize,
    pipelineStateMachineArns: pipelineArns,
    ...(iam && {
      agent: (call) => iam.agent(call),
      authorizeBuild: (build) => iam.authorizeBuild(build),
    }),
  });
  worldRef.current = world;
  const lambda = new LambdaRuntime({
    region: REGION,
    account: ACCOUNT,
    timeoutSeconds: options.lambdaTimeoutSeconds ?? 60,
    ...(options.handlers && { handlers: options.handlers }),
    fault: (name) => faults.lambdaFunctionFault(name),
    ...(iam && { runAs: (name, fn) => iam.runAs(name, fn) }),
  });
  const serviceEvents = new RuleTargetDelivery({
    clock,
    lambda,
    model: world.events,
    region: REGION,
    account: ACCOUNT,
    drop: () => faults.dropsServiceEvent(),
  });
  const running = (name: string) => (lambda.active.get(name) ?? 0) > 0;
  const slack = new SlackSink(
    () => faults.slackDown,
    () => {
      const approval = running('approval-request') || running('approval-callback');
      if (running('notifier') && !approval) return 'notification';
      if (approval && !running('notifier')) return 'approval';
      return undefined;
    },
  );
  const statusEvents = new StatusEventBus({
    clock,
    lambda,
    region: REGION,
    account: ACCOUNT,
    matches: (arn) => pipelineArns.includes(arn),
  });
  const live =
    options.log === false
      ? undefined
      : new LiveLog(clock, options.log ?? ((line) => console.log(line)), options.color ?? false);
  const engine = createEngine({
    clock,
    region: REGION,
    account: ACCOUNT,
    tokens,
    world,
    faults,
    lambda,
    config,
    ...(live && { live }),
    onStatusChange: (execution) => statusEvents.publish(execution),
    ...(iam && {
      authorizeTask: (execution, resource, params) => iam.authorizeTask(execution, resource, params),
    }),
  });
  if (options.projectStateMachines !== false)
    registerProjectMachines(engine, config, {
      functionArn: (name) => lambda.arn(name),
      artifactsBucket: ARTIFACTS_BUCKET,
      ...(iam && { roleOf: (name: string) => iam.stateMachineRole(name) }),
    });
  for (const [name, definition] of Object.entries(options.stateMachines ?? {}))
    engine.register(name, definition);

  const sandboxRef: { current?: Sandbox } = {};
  const aws = new AwsServer({
    region: REGION,
    checks: [...(options.checks ?? []), ...(iam ? [iam.check] : []), ...limitsChecks()],
    ...withIam(serviceRegistry(world, engine, tokens), iam),
    control: (request) => controlApi(sandboxRef.current!, request),
    fault: (service, operation, fingerprint) => faults.forCall(service, operation, fingerprint),
  });
  const apps = createAppServer(
    config.pipelines.map((p) => p.name),
    {
      liveCommit: (pipeline) => world.liveCommit(pipeline),
      liveVersion: (pipeline) => world.liveCommit(pipeline)?.slice(0, 12) ?? null,
      smokeTestFails: (commit) => faults.faultsFor(commit).smokeTestFails === true,
    },
  );
  // The console reads through SDK clients against the AWS endpoint, known once it listens.
  const consoleRef: { current?: ConsoleHandler } = {};
  const httpApi = createHttpApi({
    lambda,
    account: ACCOUNT,
    console: (request) => consoleRef.current?.(request) ?? Promise.resolve(undefined),
  });

  // ---- listen, then set the environment the handlers read (before any handler is imported)
  const previousEnv = { ...process.env };
  let ports: Sandbox['ports'];
  try {
    ports = { aws: await aws.listen(sandboxPort), webhook: await listen(httpApi, webhookPort), apps: 0 };
    ports.apps = await listen(apps, 0);
  } catch (error) {
    clock.stop();
    await Promise.all([aws.close(), closeServer(httpApi), closeServer(apps), world.close()]);
    const e = error as NodeJS.ErrnoException;
    throw e.code === 'EADDRINUSE'
      ? new Error(
          `port in use: ${e.message.replace(/^listen EADDRINUSE: address already in use /, '')}; set SANDBOX_PORT / PORT to free ports (or 0 for any)`,
          { cause: e },
        )
      : e;
  }
  const awsUrl = `http://127.0.0.1:${ports.aws}`;
  const webhookBase = `http://127.0.0.1:${ports.webhook}`;
  const appsBase = `http://127.0.0.1:${ports.apps}`;
  const slackUrl = `${awsUrl}/_sandbox/slack/T0SANDBOX/B0SANDBOX/sandboxsinkwebhook`;
  consoleRef.current = consoleHandler(
    createContext({ endpoint: awsUrl }, { out: memoryOutput(), config, env: { AWS_REGION: REGION } }),
  );
  const handlerEnv = handlerEnvironment({
    config,
    region: REGION,
    awsUrl,
    webhookBase,
    appsBase,
    slackUrl: (options.slackWebhookUrl ?? env.SLACK_WEBHOOK_URL) || slackUrl,
    webhookSecret,
    releaseDocument: RELEASE_DOCUMENT,
    artifactsBucket: ARTIFACTS_BUCKET,
    commandOutputLogGroup: COMMAND_OUTPUT_LOG_GROUP,
    speedup,
    stateMachineArn,
    ...(pipelinesFile && { pipelinesFile }),
    env,
  });
  for (const name of REAL_AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, handlerEnv);
  resetConfigCache();
  world.secrets.set(SANDBOX_NAMES.secrets.githubWebhookSecret, webhookSecret);
  world.secrets.set(SANDBOX_NAMES.secrets.slackWebhookSecret, handlerEnv.SLACK_WEBHOOK_URL!);
  world.secrets.set(SANDBOX_NAMES.secrets.approvalLinkKey, handlerEnv.APPROVAL_LINK_KEY!);
  world.secrets.set(SANDBOX_NAMES.secrets.githubTokenSecret, handlerEnv.GITHUB_TOKEN!);
  // Import the handlers now, with their environment in place, so no run pays the import.
  await lambda.preload(FUNCTION_NAMES);
  if (options.simulateClock !== false) installSimulatedDate(clock);
  faults.activate(initialScenario, scenarios.get(initialScenario)!.faults);

  let stopped = false;
  const activateScenario = (name: string): Scenario => {
    const scenario = scenarios.get(name);
    if (!scenario)
      throw new RangeError(`unknown scenario "${name}"; known: ${[...scenarios.keys()].join(', ')}`);
    faults.activate(name, scenario.faults);
    return scenario;
  };
  const sandbox: Sandbox = {
    urls: {
      aws: awsUrl,
      webhook: `${webhookBase}/webhooks/github`,
      approvals: `${webhookBase}/approvals`,
      apps: appsBase,
      slack: slackUrl,
      control: `${awsUrl}/_sandbox`,
      console: `${webhookBase}/`,
    },
    ports,
    env: handlerEnv,
    webhookSecret,
    speedup,
    clock,
    config,
    engine,
    tokens,
    faults,
    scenarios,
    world,
    beanstalk: world.beanstalk,
    fleet: world.fleet,
    codebuild: world.codebuild,
    s3: world.s3,
    alarms: world.alarms,
    slack,
    statusEvents,
    serviceEvents,
    lambda,
    ...(iam && { iam }),
    githubStatuses: world.githubStatuses,
    github: world.github,
    putEvents: world.events.events,
    liveCommit: (pipeline) => world.liveCommit(pipeline),
    tableItems: (table) => world.dynamodb.scan(table),
    activateScenario,
    runScenario: (name) => runScenario(sandbox, name),
    resizeFleet: (instances) => world.resizeFleet(instances),
    state: () =>
      worldState({
        clock,
        speedup,
        config,
        faults,
        world,
        engine,
        tokens,
        statusEvents,
        serviceEvents,
        lambda,
        ...(iam && { iam }),
        functionNames: TASK_FUNCTIONS,
      }),
    async reset() {
      engine.clearExecutions();
      tokens.clear();
      slack.reset();
      statusEvents.reset();
      serviceEvents.reset();
      faults.reset();
      await world.reset();
      faults.activate(initialScenario, scenarios.get(initialScenario)!.faults);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      engine.stopAll();
      clock.stop();
      iam?.stop();
      await Promise.all([aws.close(), closeServer(httpApi), closeServer(apps), world.close()]);
      restoreRealDate(clock);
      for (const name of Object.keys(handlerEnv)) delete process.env[name];
      Object.assign(process.env, previousEnv);
      resetConfigCache();
    },
  };
  sandboxRef.current = sandbox;
  return sandbox;
}

/**
 * IAM as AWS enforces it: the synthesized stacks' policies (local/iam), resolved against the
 * world's resources once the world exists (`worldRef`).
 */
function sandboxIam(
  config: PipelinesConfig,
  worldRef: { current?: World },
  policyModel: PolicyModel | undefined,
): Promise<SandboxIam> {
  const world = () => worldRef.current!;
  const iamRef: { current?: SandboxIam } = {};
  const created = createSandboxIam({
    config,
    names: SANDBOX_NAMES,
    sharedAccessKeyId: HANDLER_ACCESS_KEY_ID,
    ...(policyModel && { model: policyModel }),
    world: {
      applicationOfEnvironment: (name) => world().beanstalk.environments.get(name)?.application,
      beanstalkEnvironment: (name) => {
        const environment = world().beanstalk.environments.get(name);
        if (!environment) return undefined;
        const role: string | undefined = iamRef.current?.model.names[`beanstalkInstanceRole/${name}`];
        return { name, id: environment.id, ...(role && { instanceRoleArn: role }) };
      },
      instanceTags: (id) => world().fleet.instances.get(id)?.tags,
      instancesForTargets: (targets) =>
        world()
          .fleet.list()
          .filter((instance) =>
            targets.every((t) =>
              t.Key === 'InstanceIds'
                ? t.Values.includes(instance.id)
                : t.Key.startsWith('tag:') && t.Values.includes(instance.tags[t.Key.slice(4)] ?? ''),
            ),
          )
          .map((instance) => instance.id),
      secretArn: (id) => world().secrets.secrets.get(id)?.arn ?? (id.startsWith('arn:') ? id : undefined),
      isCompositeAlarm: (name) =>
        Boolean((world().alarms.alarms.get(name) as { AlarmRule?: string } | undefined)?.AlarmRule),
    },
  });
  return created.then((iam) => (iamRef.current = iam));
}

/** The registry with IAM's own query API (SimulatePrincipalPolicy, ListRoles) when enforced. */
function withIam(registry: ServiceRegistry, iam: SandboxIam | undefined): ServiceRegistry {
  if (!iam) return registry;
  return { ...registry, queryServices: [...registry.queryServices, iamService(iam.authorizer)] };
}
