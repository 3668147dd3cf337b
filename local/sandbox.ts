/**
 * The whole controller on one machine. `startSandbox()` starts:
 * - the local AWS endpoint (Step Functions, CodeBuild, Elastic Beanstalk, SSM, DynamoDB, S3,
 *   Secrets Manager, CloudWatch, EventBridge) on 127.0.0.1:`sandboxPort`, with the `/_sandbox/*`
 *   control API and the Slack sink;
 * - the HTTP API (webhook and approval routes through the real handlers) on 127.0.0.1:`port`;
 * - the simulated apps the smoke test calls;
 * and registers one `deploy-<pipeline>` state machine per pipeline plus the deploy sub-workflows,
 * from the same ASL files and substitutions the CDK stack deploys.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { loadConfig } from '../functions/commons/config/load-config';
import { resetConfigCache } from '../functions/commons/config/pipeline-settings';
import type { PipelineSettings, PipelinesConfig } from '../functions/commons/config/schema';
import { TABLES } from '../functions/commons/tables';
import { stateMachineName } from '../functions/commons/types/pipeline-input';
import { buildRoutes } from '../functions/github-webhook/routes';
import {
  DEPLOY_DEFINITION,
  deploySubstitutions,
  loadDefinition,
  pipelineSubstitutions,
  substitute,
  TASK_FUNCTIONS,
  type TargetKind,
} from '../statemachines/definitions';
import { AwsServer, closeServer, type CallCheck } from './aws/server';
import { DynamoDbStore, dynamoDbService } from './services/dynamodb/provider';
import { S3Store } from './services/s3/model';
import { AlarmStore } from './services/cloudwatch/model';
import { cloudWatchService } from './services/cloudwatch/provider';
import { codeBuildProvider } from './services/codebuild/provider';
import { elasticBeanstalkProvider } from './services/elasticbeanstalk/provider';
import type { PutEvent } from './services/events/model';
import { eventBridgeService } from './services/events/provider';
import { SecretsStore } from './services/secretsmanager/model';
import { secretsManagerService } from './services/secretsmanager/provider';
import { ssmProvider } from './services/ssm/provider';
import { installSimulatedDate, restoreRealDate, SimClock } from './clock';
import { controlApi } from './control-api';
import { FaultBook } from './faults';
import { createHttpApi } from './http-api';
import { LiveLog } from './live-log';
import { loadScenarios, type Scenario } from './scenarios';
import { StepFunctionsEngine, type Execution } from './sfn/engine';
import { stepFunctionsService } from './sfn/service';
import { TaskTokens } from './sfn/task-tokens';
import type { AslDefinition } from './sfn/transform';
import { createAppServer } from './sim/apps';
import { BeanstalkSimulator } from './services/elasticbeanstalk/model';
import { CodeBuildSimulator, type ProjectKind } from './services/codebuild/model';
import { FleetSimulator } from './services/ssm/model';
import { FUNCTION_NAMES, LambdaRuntime, type LambdaRuntimeOptions } from './services/lambda/runtime';
import { SlackSink } from './sim/slack-sink';
import { limitsChecks } from './limits';
import { StatusEventBus } from './services/events/status-events';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const DEFAULT_WEBHOOK_SECRET = 'local-sandbox-secret';
export const DEFAULT_SPEEDUP = 60;
export const ARTIFACTS_BUCKET = 'deploy-controller-artifacts-sandbox';
export const RELEASE_DOCUMENT = 'deploy-controller-release-systemd-service';
/** Commits the targets run before any push (the "previous" version of the first scenario). */
export const INITIAL_COMMITS: Record<string, string> = {
  'retail-bank': '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  microblog: '9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5',
};
const FALLBACK_INITIAL = '0123456789abcdef0123456789abcdef01234567';

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
}

export interface Sandbox {
  urls: { aws: string; webhook: string; approvals: string; apps: string; slack: string; control: string };
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
  beanstalk: BeanstalkSimulator;
  fleet: FleetSimulator;
  codebuild: CodeBuildSimulator;
  dynamodb: DynamoDbStore;
  s3: S3Store;
  alarms: AlarmStore;
  slack: SlackSink;
  statusEvents: StatusEventBus;
  lambda: LambdaRuntime;
  githubStatuses: unknown[];
  putEvents: PutEvent[];
  /** Live commit of a pipeline's target (Beanstalk version's commit, or the instances' release). */
  liveCommit(pipeline: string): string | null;
  /** Activates a scenario for the executions that start from now on. */
  activateScenario(name: string): Scenario;
  /** Everything the control API's GET /_sandbox/state returns. */
  state(): Record<string, unknown>;
  /** Back to the initial world: executions, tables, objects, versions, messages. */
  reset(): void;
  /** Closes servers, aborts executions, clears timers, restores env and Date. */
  stop(): Promise<void>;
}

const intFrom = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new RangeError(`${name} must be a port number from 0 to 65535, got "${value}"`);
  return n;
};

/** `SMOKE_TEST_URL_OVERRIDE_<PIPELINE_UPPER_SNAKE>`. */
export const smokeOverrideVariable = (pipeline: string) =>
  `SMOKE_TEST_URL_OVERRIDE_${pipeline.toUpperCase().replace(/-/g, '_')}`;

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

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const env = process.env;
  const speedup = options.speedup ?? (env.SPEEDUP ? Number(env.SPEEDUP) : DEFAULT_SPEEDUP);
  if (!Number.isFinite(speedup) || speedup < 1 || speedup > 100_000)
    throw new RangeError(
      `SPEEDUP must be a number from 1 to 100000, got "${String(env.SPEEDUP ?? options.speedup)}"`,
    );
  const sandboxPort = options.sandboxPort ?? intFrom(env.SANDBOX_PORT, 4566, 'SANDBOX_PORT');
  const webhookPort = options.port ?? intFrom(env.PORT, 3000, 'PORT');
  const webhookSecret = options.webhookSecret ?? env.GITHUB_WEBHOOK_SECRET ?? DEFAULT_WEBHOOK_SECRET;
  const userSlack = options.slackWebhookUrl ?? env.SLACK_WEBHOOK_URL;
  const pipelinesFile = options.pipelinesFile ?? env.PIPELINES_FILE;
  const config = loadConfig(pipelinesFile);
  const scenarios = loadScenarios();
  const initialScenario = options.scenario ?? env.SCENARIO ?? 'happy';
  if (!scenarios.has(initialScenario))
    throw new RangeError(`unknown scenario "${initialScenario}"; known: ${[...scenarios.keys()].join(', ')}`);

  const clock = new SimClock(speedup);
  const faults = new FaultBook(options.random);
  const tokens = new TaskTokens();
  const s3 = new S3Store();
  s3.createBucket(ARTIFACTS_BUCKET);
  const dynamodb = new DynamoDbStore();
  const secrets = new SecretsStore(REGION, ACCOUNT);
  const alarms = new AlarmStore(REGION, ACCOUNT);
  const lambdaHolder: { current?: LambdaRuntime } = {};
  const slack = new SlackSink(
    () => faults.slackDown,
    () => {
      const running = (name: string) => (lambdaHolder.current?.active.get(name) ?? 0) > 0;
      const approval = running('approval-request') || running('approval-callback');
      if (running('notifier') && !approval) return 'notification';
      if (approval && !running('notifier')) return 'approval';
      return undefined;
    },
  );
  const putEvents: PutEvent[] = [];
  const githubStatuses: unknown[] = [];
  const stateMachineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  const byPipeline = new Map(config.pipelines.map((p) => [p.name, p]));

  // ---- simulated targets
  let refreshWorld = () => undefined as void;
  const beanstalk = new BeanstalkSimulator({
    clock,
    s3,
    faults,
    region: REGION,
    account: ACCOUNT,
    onChange: () => refreshWorld(),
  });
  const ssmTargets = config.pipelines.filter((p) => p.target.kind === 'ec2-ssm');
  const fleet = new FleetSimulator({
    clock,
    s3,
    faults,
    releaseDocument: RELEASE_DOCUMENT,
    onChange: () => refreshWorld(),
  });
  const projects: Record<string, ProjectKind> = {};
  for (const p of config.pipelines)
    Object.assign(projects, { [`deploy-${p.name}-build`]: 'build', [`deploy-${p.name}-scan`]: 'scan' });
  const codebuild = new CodeBuildSimulator({ clock, s3, faults, region: REGION, account: ACCOUNT, projects });

  const initialWorld = () => {
    for (const p of config.pipelines) {
      const initial = INITIAL_COMMITS[p.name] ?? FALLBACK_INITIAL;
      if (p.target.kind === 'elastic-beanstalk')
        beanstalk.createEnvironment(p.target.application, p.target.environment, {
          label: initial.slice(0, 12),
          commitSha: initial,
        });
      for (const alarm of p.verify.alarms) alarms.define(alarm);
    }
    for (const p of ssmTargets) {
      if (p.target.kind === 'ec2-ssm')
        fleet.launch(3, p.target.instanceTag, p.target.service, INITIAL_COMMITS[p.name] ?? FALLBACK_INITIAL);
    }
    for (const design of TABLES) dynamodb.createTable(design, design.localName);
  };
  initialWorld();

  const liveCommit = (pipeline: string): string | null => {
    const settings = byPipeline.get(pipeline);
    if (!settings) return null;
    if (settings.target.kind === 'elastic-beanstalk')
      return beanstalk.deployedCommit(settings.target.environment);
    const tag = settings.target.instanceTag;
    const instances = fleet.list().filter((i) => i.tags[tag.key] === tag.value);
    return instances[0]?.currentRelease ?? null;
  };
  refreshWorld = () => {
    // Alarms follow what is live: a scenario's alarm fires while its commit is deployed.
    for (const p of config.pipelines) {
      const faultsLive = faults.faultsFor(liveCommit(p.name));
      for (const alarm of p.verify.alarms) {
        const firing = faultsLive.alarmOnNewVersion === alarm;
        alarms.setState(
          alarm,
          firing ? 'ALARM' : 'OK',
          firing
            ? 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (5.0).'
            : 'Threshold Crossed: no datapoints were breaching the threshold',
        );
      }
    }
  };

  // ---- functions
  const lambda = new LambdaRuntime({
    region: REGION,
    account: ACCOUNT,
    timeoutSeconds: options.lambdaTimeoutSeconds ?? 60,
    ...(options.handlers && { handlers: options.handlers }),
    fault: (name) => faults.lambdaFunctionFault(name),
  });
  lambdaHolder.current = lambda;
  const bus: { current?: StatusEventBus } = {};
  const pipelineArns = new Set(config.pipelines.map((p) => stateMachineArn(stateMachineName(p.name))));
  const live =
    options.log === false
      ? undefined
      : new LiveLog(clock, options.log ?? ((line) => console.log(line)), options.color ?? false);

  // ---- Step Functions
  const engine = new StepFunctionsEngine({
    clock,
    region: REGION,
    account: ACCOUNT,
    tokens,
    invokeLambda: (name, payload) => lambda.invoke(name, payload),
    lambdaServiceFault: (name, key) => faults.lambdaServiceFault(name, key),
    startBuild: (params) => codebuild.start(params),
    buildFinished: (id) => codebuild.finished(id),
    dynamodb: async (operation, params) => {
      const op = dynamo.operations[operation];
      if (!op)
        throw Object.assign(new Error(`the sandbox does not implement DynamoDB ${operation}`), {
          code: 'ValidationException',
        });
      try {
        return await op(params, { requestId: 'states', region: REGION });
      } catch (error) {
        throw Object.assign(new Error((error as Error).message), { code: (error as { code?: string }).code });
      }
    },
    putEvents: (params) => events.operations.PutEvents!(params, { requestId: 'states', region: REGION }),
    onStatusChange: (execution: Execution) => {
      if (execution.status === 'RUNNING' && !execution.parentArn) {
        const input = safeJson(execution.input) as { commitSha?: unknown; pipeline?: unknown };
        if (typeof input?.commitSha === 'string' && typeof input.pipeline === 'string') {
          faults.noteCommit(input.commitSha, input.pipeline);
          // Health faults show before the health gate looks: apply them as the run starts.
          fleet.applyHealthFault(input.commitSha);
          const health = faults.faultsFor(input.commitSha).environmentHealth;
          const settings = byPipeline.get(input.pipeline);
          if (health && settings?.target.kind === 'elastic-beanstalk')
            beanstalk.setHealth(settings.target.environment, health, [
              `${health === 'Red' ? '3 of 3' : '1 of 3'} instances are failing the ELB health check.`,
            ]);
        }
      }
      bus.current?.publish(execution);
    },
    onHistoryEvent: (execution, event) => live?.onEvent(execution, event),
  });
  const statusEvents = new StatusEventBus({
    clock,
    lambda,
    region: REGION,
    account: ACCOUNT,
    matches: (arn) => pipelineArns.has(arn),
  });
  bus.current = statusEvents;

  const functionArn = (name: string) => lambda.arn(name);
  const deployArn = (kind: TargetKind) => stateMachineArn(DEPLOY_DEFINITION[kind]);
  const resourcesFor = (settings: PipelineSettings) => ({
    functionArn,
    buildProjectName: `deploy-${settings.name}-build`,
    scanProjectName: `deploy-${settings.name}-scan`,
    artifactsBucket: ARTIFACTS_BUCKET,
    deployStateMachineArn: deployArn,
  });
  const registerProjectMachines = () => {
    for (const kind of new Set(config.pipelines.map((p) => p.target.kind))) {
      const name = DEPLOY_DEFINITION[kind];
      engine.register(name, substitute(loadDefinition(name), deploySubstitutions({ functionArn })));
    }
    for (const settings of config.pipelines) {
      engine.register(
        stateMachineName(settings.name),
        substitute(loadDefinition('pipeline'), pipelineSubstitutions(settings, resourcesFor(settings))),
      );
    }
  };
  if (options.projectStateMachines !== false) registerProjectMachines();
  for (const [name, definition] of Object.entries(options.stateMachines ?? {}))
    engine.register(name, definition);

  // ---- services
  const dynamo = dynamoDbService(dynamodb);
  const events = eventBridgeService((event) => putEvents.push(event));
  const sandboxRef: { current?: Sandbox } = {};
  const aws = new AwsServer({
    region: REGION,
    checks: [...(options.checks ?? []), ...limitsChecks()],
    jsonServices: [
      stepFunctionsService(engine, tokens),
      ssmProvider(fleet),
      codeBuildProvider(codebuild),
      dynamo,
      secretsManagerService(secrets),
      cloudWatchService(alarms),
      events,
    ],
    queryServices: [elasticBeanstalkProvider(beanstalk)],
    s3: (request) => s3.handle(request),
    control: (request) => controlApi(sandboxRef.current!, request),
    fault: (service, operation, fingerprint) => faults.forCall(service, operation, fingerprint),
  });
  const apps = createAppServer(
    config.pipelines.map((p) => p.name),
    {
      liveCommit,
      liveVersion: (pipeline) => liveCommit(pipeline)?.slice(0, 12) ?? null,
      smokeTestFails: (commit) => faults.faultsFor(commit).smokeTestFails === true,
    },
  );
  const httpApi = createHttpApi({ lambda, account: ACCOUNT });

  // ---- listen, then set the environment the handlers read (before any handler is imported)
  const previousEnv = { ...process.env };
  let awsPort: number;
  let webhookListen: number;
  let appsPort: number;
  try {
    awsPort = await aws.listen(sandboxPort);
    webhookListen = await listen(httpApi, webhookPort);
    appsPort = await listen(apps, 0);
  } catch (error) {
    clock.stop();
    await Promise.all([aws.close(), closeServer(httpApi), closeServer(apps)]);
    const e = error as NodeJS.ErrnoException;
    throw e.code === 'EADDRINUSE'
      ? new Error(
          `port in use: ${e.message.replace(/^listen EADDRINUSE: address already in use /, '')}; set SANDBOX_PORT / PORT to free ports (or 0 for any)`,
          { cause: e },
        )
      : e;
  }
  const awsUrl = `http://127.0.0.1:${awsPort}`;
  const webhookBase = `http://127.0.0.1:${webhookListen}`;
  const appsBase = `http://127.0.0.1:${appsPort}`;
  const slackUrl = `${awsUrl}/_sandbox/slack/T0SANDBOX/B0SANDBOX/sandboxsinkwebhook`;
  const handlerEnv: Record<string, string> = {
    AWS_ENDPOINT_URL: awsUrl,
    AWS_ACCESS_KEY_ID: 'AKIASANDBOXLOCAL0000',
    AWS_SECRET_ACCESS_KEY: 'sandbox-local-secret-not-a-real-key',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    PIPELINE_ROUTES: JSON.stringify(buildRoutes(config, (p) => stateMachineArn(stateMachineName(p)))),
    SSM_DOCUMENT_NAME: RELEASE_DOCUMENT,
    // SSM writes each invocation's complete output here (the Lambda reads the end of long ones).
    SSM_OUTPUT_BUCKET: ARTIFACTS_BUCKET,
    APPROVAL_BASE_URL: webhookBase,
    // Handlers that tell a person what to do (notices, approval pages) speak of the sandbox:
    // `deployctl ...` without --aws, and the speed-up.
    DEPLOY_CONTROLLER_SANDBOX: '1',
    SANDBOX_SPEEDUP: String(speedup),
    APPROVAL_LINK_KEY: randomBytes(32).toString('hex'),
    SLACK_WEBHOOK_URL: userSlack || slackUrl,
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GITHUB_API_URL: `${awsUrl}/_sandbox/github`,
    GITHUB_TOKEN: 'sandbox-github-token',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // EMF metric lines would drown the live log; set it to false to see them.
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // The health gate polls in real time against a deadline read from the (accelerated) clock.
    HEALTH_CHECK_TIMEOUT_SECONDS: env.HEALTH_CHECK_TIMEOUT_SECONDS ?? '600',
    SMOKE_TEST_BACKOFF_MS: String(Math.max(1, Math.round(1000 / speedup))),
    ...(pipelinesFile && { PIPELINES_FILE: pipelinesFile }),
  };
  for (const design of TABLES) handlerEnv[design.envVar] = design.localName;
  for (const p of config.pipelines)
    handlerEnv[smokeOverrideVariable(p.name)] =
      `${appsBase}/${p.name}${new URL(p.verify.smokeTest.url).pathname}`;
  for (const name of [
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'GITHUB_WEBHOOK_SECRET_ARN',
    'SLACK_WEBHOOK_SECRET_ARN',
    'APPROVAL_LINK_KEY_SECRET_ARN',
    'GITHUB_TOKEN_SECRET_ARN',
    'PIPELINES_JSON',
  ])
    delete process.env[name];
  Object.assign(process.env, handlerEnv);
  resetConfigCache();
  secrets.set('deploy-controller/github-webhook-secret', webhookSecret);
  secrets.set('deploy-controller/slack-webhook-url', handlerEnv.SLACK_WEBHOOK_URL!);
  // Import the handlers now, with their environment in place, so no run pays the import.
  await lambda.preload(FUNCTION_NAMES);
  if (options.simulateClock !== false) installSimulatedDate(clock);
  faults.activate(initialScenario, scenarios.get(initialScenario)!.faults);

  let stopped = false;
  const sandbox: Sandbox = {
    urls: {
      aws: awsUrl,
      webhook: `${webhookBase}/webhooks/github`,
      approvals: `${webhookBase}/approvals`,
      apps: appsBase,
      slack: slackUrl,
      control: `${awsUrl}/_sandbox`,
    },
    ports: { aws: awsPort, webhook: webhookListen, apps: appsPort },
    env: handlerEnv,
    webhookSecret,
    speedup,
    clock,
    config,
    engine,
    tokens,
    faults,
    scenarios,
    beanstalk,
    fleet,
    codebuild,
    dynamodb,
    s3,
    alarms,
    slack,
    statusEvents,
    lambda,
    githubStatuses,
    putEvents,
    liveCommit,
    activateScenario(name) {
      const scenario = scenarios.get(name);
      if (!scenario)
        throw new RangeError(`unknown scenario "${name}"; known: ${[...scenarios.keys()].join(', ')}`);
      faults.activate(name, scenario.faults);
      return scenario;
    },
    state: () => worldState(sandbox),
    reset() {
      engine.clearExecutions();
      tokens.clear();
      codebuild.reset();
      beanstalk.reset();
      fleet.reset();
      dynamodb.tables.clear();
      s3.reset();
      alarms.alarms.clear();
      slack.reset();
      statusEvents.reset();
      faults.reset();
      githubStatuses.length = 0;
      putEvents.length = 0;
      initialWorld();
      refreshWorld();
      faults.activate(initialScenario, scenarios.get(initialScenario)!.faults);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      engine.stopAll();
      clock.stop();
      await Promise.all([aws.close(), closeServer(httpApi), closeServer(apps)]);
      restoreRealDate(clock);
      for (const name of Object.keys(handlerEnv)) delete process.env[name];
      Object.assign(process.env, previousEnv);
      resetConfigCache();
    },
  };
  sandboxRef.current = sandbox;
  return sandbox;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The world as the control API shows it. */
export function worldState(sandbox: Sandbox): Record<string, unknown> {
  const locks = [...(sandbox.dynamodb.tables.get('deploy-locks')?.items.values() ?? [])];
  return {
    now: sandbox.clock.date().toISOString(),
    speedup: sandbox.speedup,
    scenario: sandbox.faults.activeScenario.name,
    pipelines: sandbox.config.pipelines.map((p) => ({
      name: p.name,
      target: p.target.kind,
      stateMachineArn: sandbox.engine.stateMachineArn(stateMachineName(p.name)),
      liveCommit: sandbox.liveCommit(p.name),
    })),
    environments: [...sandbox.beanstalk.environments.values()].map((e) => ({
      name: e.name,
      application: e.application,
      status: e.status,
      health: e.health,
      healthStatus: e.healthStatus,
      versionLabel: e.versionLabel,
      previousVersionLabel: e.previousVersionLabel,
      deployment: e.deployment ?? null,
      recentEvents: sandbox.beanstalk.events
        .filter((ev) => ev.EnvironmentName === e.name)
        .slice(-8)
        .map((ev) => `${ev.EventDate.toISOString()} ${ev.Severity} ${ev.Message}`),
    })),
    versions: [...sandbox.beanstalk.applications].flatMap(([application, versions]) =>
      [...versions.values()].map((v) => ({
        application,
        label: v.label,
        status: v.status,
        commitSha: v.commitSha,
      })),
    ),
    instances: sandbox.fleet.list().map((i) => ({
      id: i.id,
      name: i.name,
      tags: i.tags,
      pingStatus: i.pingStatus,
      cpuPercent: i.cpuPercent,
      memoryPercent: i.memoryPercent,
      diskPercent: i.diskPercent,
      currentRelease: i.currentRelease,
      previousRelease: i.previousRelease,
      service: i.service,
    })),
    locks: locks.map((item) =>
      Object.fromEntries(Object.entries(item).map(([k, v]) => [k, Object.values(v)[0]])),
    ),
    alarms: [...sandbox.alarms.alarms.values()].map((a) => ({ name: a.AlarmName, state: a.StateValue })),
    pendingTasks: sandbox.tokens
      .list()
      .map((t) => ({ executionArn: t.executionArn, stateName: t.stateName, taskToken: t.token })),
    executions: [...sandbox.engine.executions.values()].map((e) => ({
      executionArn: e.arn,
      stateMachine: e.stateMachine.name,
      status: e.status,
      error: e.error ?? null,
      startDate: e.startDate.toISOString(),
      stopDate: e.stopDate?.toISOString() ?? null,
    })),
    notifications: {
      delivered: sandbox.statusEvents.deliveries.filter((d) => d.state === 'delivered').length,
      deadLetters: sandbox.statusEvents.deadLetters.length,
    },
    faultsInjected: { ...sandbox.faults.injected },
    functions: Object.fromEntries(
      TASK_FUNCTIONS.map((name) => [
        name,
        sandbox.lambda.invocations.filter((i) => i.functionName === name).length,
      ]),
    ),
  };
}
