/**
 * Scenarios: `scenarios/*.yaml` files (format in scenarios/README.md), loaded and validated, and
 * `runScenario(sandbox, name)`, which plays one end to end: activates its faults, pushes signed
 * deliveries to the webhook over HTTP, approves or rejects through the approval links (as a
 * person would), waits for every execution and notification to settle, and compares what
 * happened with what the scenario expects.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { signDelivery } from '../events/sign-delivery';
import { SEVERITIES } from '../functions/commons/config/schema';
import { readPipelineOutput } from '../functions/commons/pipeline-output';
import { targetKeyOf } from '../functions/commons/target-key';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { DeployHistoryTable, DeployLocksTable } from '../functions/commons/tables';
import type { SimClock } from './clock';
import type { FaultBook, Faults } from './faults';
import type { GitHubStandIn } from './github-standin';
import type { Execution, StepFunctionsEngine } from './sfn/engine';
import type { TaskTokens } from './sfn/task-tokens';
import type { Item } from './services/dynamodb/model';
import type { BeanstalkSimulator } from './services/elasticbeanstalk/model';
import type { StatusEventBus } from './services/events/status-events';
import type { FleetSimulator } from './services/ssm/model';
import type { SlackSink } from './sim/slack-sink';

/** What the scenario runner needs from the sandbox. */
export interface ScenarioWorld {
  config: PipelinesConfig;
  clock: Pick<SimClock, 'now' | 'date' | 'sleep' | 'isStopped'>;
  tokens: Pick<TaskTokens, 'list' | 'succeed' | 'fail'>;
  engine: Pick<StepFunctionsEngine, 'executions'>;
  faults: Pick<FaultBook, 'setCommit'>;
  fleet: Pick<FleetSimulator, 'heal' | 'list'>;
  /** Resizes every EC2 target's fleet (POST /_sandbox/fleet). */
  resizeFleet(instances: number): unknown;
  beanstalk: Pick<BeanstalkSimulator, 'setHealth'>;
  slack: Pick<SlackSink, 'messages'>;
  statusEvents: Pick<StatusEventBus, 'deadLetters' | 'idle'>;
  webhookSecret: string;
  urls: { webhook: string; aws: string };
  /** The commits a scenario pushes, for GitHub's compare API (github-standin.ts). */
  github: Pick<GitHubStandIn, 'addCommit'>;
  activateScenario(name: string): Scenario;
  liveCommit(pipeline: string): string | null;
  /** Every item of a DynamoDB table. */
  tableItems(table: string): Promise<Item[]>;
}

export const SCENARIOS_DIR = resolve(__dirname, '../scenarios');

const STATUS = z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const OUTCOME = z.enum(['succeeded', 'failed', 'rolled-back', 'superseded', 'rejected', 'approval-expired']);
/**
 * What the person does when a run waits for approval: the signed links (approve, reject), nothing
 * (ignore), SendTaskSuccess with `{}` or SendTaskFailure without a cause as an operator does from
 * the Step Functions console or the CLI (console-approve, console-reject), StopExecution on the
 * waiting run (stop), or the approve link once every other run of the scenario has ended
 * (approve-after-others: the run keeps the deploy lock meanwhile).
 */
const APPROVAL = z.enum([
  'approve',
  'reject',
  'ignore',
  'console-approve',
  'console-reject',
  'stop',
  'approve-after-others',
]);
type ApprovalAction = z.infer<typeof APPROVAL>;

const share = z
  .number()
  .min(0)
  .max(0.5, { error: 'must be at most 0.5 (a retried request is never faulted twice in a row)' });

/** The `faults` block of a scenario (also what POST /_sandbox/faults accepts). */
export const faultsSchema = z
  .object({
    build: z.enum(['install-fails', 'tests-fail']).optional(),
    scanFinding: z.enum(SEVERITIES).optional(),
    unhealthyInstance: z
      .object({
        index: z.number().int().min(0),
        cpuPercent: z.number().min(0).optional(),
        memoryPercent: z.number().min(0).max(100).optional(),
        diskPercent: z.number().min(0).max(100).optional(),
        agentOffline: z.boolean().optional(),
      })
      .strict()
      .optional(),
    environmentHealth: z.enum(['Yellow', 'Red']).optional(),
    canaryRegression: z.boolean().optional(),
    smokeTestFails: z.boolean().optional(),
    alarmOnNewVersion: z.string().min(1).optional(),
    failingInstance: z.number().int().min(0).optional(),
    throttleShare: share.optional(),
    serverErrorShare: share.optional(),
    lambdaThrottleShare: share.optional(),
    lambdaTimeoutOnce: z.string().min(1).optional(),
    slackDown: z.boolean().optional(),
    serviceEventsLost: z.boolean().optional(),
  })
  .strict();

const pushExpect = z
  .object({
    status: STATUS,
    error: z.string().nullable().default(null),
    historyOutcome: OUTCOME.optional(),
    /** Words the superseded run's output reason contains, e.g. "which is live". */
    supersededReason: z.string().min(1).optional(),
  })
  .strict();

/** A commit label of the scenario: the same label is the same commit (sha drawn at random). */
const commitLabel = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,20}$/, { error: 'must be a short label such as A' });

const scenarioSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,40}$/, { error: 'must be lower-case letters, digits and hyphens' }),
    description: z.string().min(1),
    app: z.string().min(1),
    /**
     * The EC2 fleet's size while the scenario plays (1-500; FLEET_SIZE's range): set before the
     * first push, the size before restored afterwards.
     */
    fleetSize: z.number().int().min(1).max(500).optional(),
    faults: faultsSchema.default({}),
    /** What the person does when a run waits for approval (APPROVAL above); a push may say otherwise. */
    approval: APPROVAL.default('approve'),
    pushes: z
      .array(
        z
          .object({
            delaySeconds: z.number().min(0).max(3600).default(0),
            /** Which commit this push delivers (default: a new one per push). */
            commit: commitLabel.optional(),
            /** Its parent (the push's `before`; default: the previous push's commit, or what is live). */
            parent: commitLabel.optional(),
            /** A force-push (GitHub's `forced: true`). */
            forced: z.boolean().optional(),
            /** What the person does at this run's approval (default: the scenario's `approval`). */
            approval: APPROVAL.optional(),
            /**
             * Instead of a push: RedriveExecution (as from the console or the AWS CLI) of the run
             * push N (1-based) started, once it has ended; `approval` then applies to the redriven attempt.
             */
            redrive: z.number().int().min(1).optional(),
            expect: pushExpect.optional(),
          })
          .strict()
          .refine((p) => p.redrive === undefined || (!p.commit && !p.parent && p.forced === undefined), {
            error: 'a redrive step pushes nothing: it takes no commit, parent or forced',
          }),
      )
      .min(1)
      .max(5)
      .default([{ delaySeconds: 0 }]),
    expected: z
      .object({
        status: STATUS.optional(),
        error: z.string().nullable().optional(),
        historyOutcome: OUTCOME.optional(),
        finalVersion: z.enum(['new', 'previous']).optional(),
        /** The commit label live at the end, when the pushes name their commits. */
        liveCommit: commitLabel.optional(),
        /** Distinct executions the pushes started (a second delivery of a commit starts none). */
        executions: z.number().int().min(0).optional(),
        /** Approval requests sent, over every execution. */
        approvalRequests: z.number().int().min(0).optional(),
        lockReleased: z.boolean().default(true),
        slackNotifications: z.number().int().min(0),
        deadLetters: z.number().int().min(0).default(0),
        // How many pushes end superseded, whichever they are: under injected faults an older
        // commit may reach the deploy lock after a newer one, and is then rightly the one superseded.
        supersededRuns: z.number().int().min(0).optional(),
      })
      .strict(),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema> & { faults: Faults };

/** Loads and validates every scenarios/*.yaml; throws naming the file and field. */
export function loadScenarios(dir = SCENARIOS_DIR): Map<string, Scenario> {
  const out = new Map<string, Scenario>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const parsed = scenarioSchema.safeParse(parseYaml(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      throw new Error(
        `scenarios/${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`,
      );
    }
    if (`${parsed.data.name}.yaml` !== file)
      throw new Error(`scenarios/${file}: name "${parsed.data.name}" must match the file name`);
    if (!parsed.data.expected.finalVersion && !parsed.data.expected.liveCommit)
      throw new Error(`scenarios/${file}: expected.finalVersion or expected.liveCommit is required`);
    parsed.data.pushes.forEach((push, index) => {
      if (
        push.redrive !== undefined &&
        (push.redrive > index || parsed.data.pushes[push.redrive - 1]!.redrive)
      )
        throw new Error(
          `scenarios/${file}: pushes[${index}].redrive = ${push.redrive}: must name an earlier push (1-based) that is not itself a redrive`,
        );
    });
    const singlePush = parsed.data.pushes.length === 1;
    if (singlePush && !parsed.data.pushes[0]!.expect && !parsed.data.expected.status)
      throw new Error(`scenarios/${file}: expected.status is required`);
    out.set(parsed.data.name, parsed.data as Scenario);
  }
  return out;
}

export interface PushResult {
  commitSha: string;
  /** The commit's label in the scenario. */
  commit: string;
  /** Why the run was superseded (its PipelineOutput), when it was. */
  supersededReason: string | null;
  executionArn: string | null;
  status: string;
  error: string | null;
  historyOutcome: string | null;
  lockReleased: boolean;
}

export interface ScenarioActual {
  pushes: PushResult[];
  /** An EC2 target's instances that do not run the live commit (all of them must). */
  instancesOffLive: number;
  status: string;
  error: string | null;
  historyOutcome: string | null;
  finalVersion: 'new' | 'previous' | 'other';
  liveCommit: string | null;
  /** The label of the live commit, when it is one the scenario pushed. */
  liveCommitLabel: string | null;
  lockReleased: boolean;
  slackNotifications: number;
  deadLetters: number;
  executions: number;
  approvalRequests: number;
}

export interface TimelineEntry {
  /** Simulated seconds since the scenario started. */
  at: number;
  execution: string;
  event: string;
}

export interface ScenarioResult {
  name: string;
  expected: Scenario['expected'] & { pushes: (z.infer<typeof pushExpect> | null)[] };
  actual: ScenarioActual;
  matches: boolean;
  mismatches: string[];
  timeline: TimelineEntry[];
  simulatedSeconds: number;
  realSeconds: number;
}

const SAMPLE_FOR_APP: Record<string, string> = {
  'retail-bank': 'push-retail-bank-main',
  microblog: 'push-microblog-main',
};

async function until<T>(
  sandbox: ScenarioWorld,
  read: () => T | undefined,
  simTimeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = sandbox.clock.now() + simTimeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (sandbox.clock.now() > deadline)
      throw new Error(
        `scenario timed out (simulated ${Math.round(simTimeoutMs / 60000)} min) waiting for ${what}`,
      );
    if (sandbox.clock.isStopped) throw new Error(`sandbox stopped while waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Acts on the approval the way an operator does outside the links, through the Step Functions
 * API on the sandbox's endpoint (what the console and `aws stepfunctions send-task-success
 * --task-output '{}'`, `send-task-failure` and `stop-execution` send).
 */
async function actThroughApi(
  sandbox: ScenarioWorld,
  execution: Execution,
  action: 'console-approve' | 'console-reject' | 'stop',
): Promise<void> {
  const sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIASCENARIORUNNER00', secretAccessKey: 'scenario-runner' },
  });
  try {
    if (action === 'stop') {
      await sfn.send(new StopExecutionCommand({ executionArn: execution.arn }));
      return;
    }
    const taskToken = sandbox.tokens.list().find((t) => isApprovalWait(t, execution))?.token;
    if (!taskToken) throw new Error(`no task token found for the approval of ${execution.arn}`);
    if (action === 'console-approve') await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    else await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected' }));
  } finally {
    sfn.destroy();
  }
}

/**
 * The pipeline's approval wait (statemachines/pipeline.asl.json). The pipeline has other token
 * waits (the bake window waits on wait-router), which only an AWS event or a timeout ends.
 */
const APPROVAL_STATE = 'Wait for approval';

/** Whether a TaskScheduled's parameters are the approval request's (the token goes to approval-request). */
function isApprovalRequest(parameters: string): boolean {
  return parameters.includes('"taskToken"') && parameters.includes(':function:approval-request"');
}

/** Whether `token` is the approval wait of `execution`. */
function isApprovalWait(token: { executionArn: string; stateName: string }, execution: Execution): boolean {
  return token.executionArn === execution.arn && token.stateName === APPROVAL_STATE;
}

/**
 * RedriveExecution of a run that has ended, through the Step Functions API on the sandbox's
 * endpoint (what the console's Redrive button and `aws stepfunctions redrive-execution` send).
 */
async function redriveThroughApi(sandbox: ScenarioWorld, execution: Execution): Promise<void> {
  const sfn = new SFNClient({
    endpoint: sandbox.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIASCENARIORUNNER00', secretAccessKey: 'scenario-runner' },
  });
  try {
    await sfn.send(new RedriveExecutionCommand({ executionArn: execution.arn }));
  } finally {
    sfn.destroy();
  }
}

/**
 * Whether the run waits for a person: its token exists and the approval request's Lambda has
 * returned (TaskSubmitted), so the request it stores is there for the links to find. Deciding on
 * the token alone races the request's write, the link answers "Unknown approval", and the
 * decision would bypass the approval-callback function.
 */
function waitsForPerson(sandbox: ScenarioWorld, execution: Execution): boolean {
  // A redriven run asks again: only its latest attempt's request counts.
  const attemptStart = execution.history.events.findLast((e) => e.type === 'ExecutionRedriven')?.id ?? 0;
  return (
    sandbox.tokens.list().some((t) => isApprovalWait(t, execution)) &&
    execution.history.events.some(
      (e) =>
        e.id > attemptStart &&
        e.type === 'TaskSubmitted' &&
        (e.taskSubmittedEventDetails as { resource?: string } | undefined)?.resource ===
          'invoke.waitForTaskToken',
    )
  );
}

/** Acts on the approval the way a person would: opens the link (confirmation page), then submits it. */
async function decideApproval(
  sandbox: ScenarioWorld,
  execution: Execution,
  action: ApprovalAction,
): Promise<void> {
  if (action === 'ignore') return;
  const decision = action === 'approve-after-others' ? 'approve' : action;
  if (decision !== 'approve' && decision !== 'reject') return actThroughApi(sandbox, execution, decision);
  const scheduled = [...execution.history.events]
    .reverse()
    .find(
      (e) =>
        e.type === 'TaskScheduled' &&
        isApprovalRequest(String((e.taskScheduledEventDetails as { parameters?: string })?.parameters ?? '')),
    );
  const params = JSON.parse(
    String((scheduled?.taskScheduledEventDetails as { parameters?: string } | undefined)?.parameters ?? '{}'),
  ) as { Payload?: { taskToken?: string; links?: { approveUrl?: string; rejectUrl?: string } } };
  const link = decision === 'approve' ? params.Payload?.links?.approveUrl : params.Payload?.links?.rejectUrl;
  if (link) {
    const url = new URL(link);
    const page = await fetch(url);
    if (page.ok) {
      const form = new URLSearchParams({
        decision: url.searchParams.get('decision') ?? decision,
        expires: url.searchParams.get('expires') ?? '',
        sig: url.searchParams.get('sig') ?? '',
        by: 'scenario-runner',
      });
      const answer = await fetch(new URL(url.pathname, url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (answer.ok) return;
    }
  }
  // No usable link (or it was refused): decide through the API, as `deployctl approve` can.
  const token = params.Payload?.taskToken;
  if (!token) throw new Error(`no task token found for the approval of ${execution.arn}`);
  if (decision === 'approve')
    sandbox.tokens.succeed(token, {
      decision: 'approved',
      by: 'scenario-runner',
      at: new Date().toISOString(),
    });
  else sandbox.tokens.fail(token, 'ApprovalRejected', 'Rejected by scenario-runner');
}

function attr(item: Record<string, unknown> | undefined, name: string): string | null {
  const value = item?.[name] as Record<string, unknown> | undefined;
  return value ? String(Object.values(value)[0]) : null;
}

/** Posts one signed delivery to the webhook. */
function postDelivery(url: string, delivery: { headers: Record<string, string>; body: string }) {
  return fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

/** An EC2 target's instances (none for a Beanstalk target). */
function targetInstances(sandbox: ScenarioWorld, settings: PipelinesConfig['pipelines'][number]) {
  if (settings.target.kind !== 'ec2-ssm') return [];
  const { key, value } = settings.target.instanceTag;
  return sandbox.fleet.list().filter((i) => i.tags[key] === value);
}

/**
 * Plays one scenario end to end and compares the outcome with its expectations. A scenario with a
 * `fleetSize` plays on a fleet of that size; the size before is restored afterwards.
 */
export async function runScenario(sandbox: ScenarioWorld, name: string): Promise<ScenarioResult> {
  const scenario = sandbox.activateScenario(name);
  const settings = sandbox.config.pipelines.find((p) => p.name === scenario.app);
  if (!settings) throw new Error(`scenario ${name}: no pipeline "${scenario.app}" in pipelines.yaml`);
  const sizeBefore = targetInstances(sandbox, settings).length;
  if (scenario.fleetSize === undefined || settings.target.kind !== 'ec2-ssm' || sizeBefore === 0)
    return play(sandbox, name, scenario, settings);
  sandbox.resizeFleet(scenario.fleetSize);
  try {
    return await play(sandbox, name, scenario, settings);
  } finally {
    sandbox.resizeFleet(sizeBefore);
  }
}

async function play(
  sandbox: ScenarioWorld,
  name: string,
  scenario: Scenario,
  settings: PipelinesConfig['pipelines'][number],
): Promise<ScenarioResult> {
  const sample = SAMPLE_FOR_APP[settings.name];
  if (!sample)
    throw new Error(`scenario ${name}: no sample push for pipeline "${settings.name}" in events/github/`);
  const realStart = performance.now();
  const simStart = sandbox.clock.now();
  // Each scenario starts from a healthy target.
  sandbox.fleet.heal();
  if (settings.target.kind === 'elastic-beanstalk')
    sandbox.beanstalk.setHealth(settings.target.environment, 'Green');
  const previousCommit = sandbox.liveCommit(settings.name);
  const slackBefore = sandbox.slack.messages.length;
  const deadBefore = sandbox.statusEvents.deadLetters.length;
  const executions: { commitSha: string; execution: Execution | null }[] = [];

  // Commits by label: a label first seen as a parent builds on what is live now.
  const shas = new Map<string, string>();
  const labels = new Map<string, string>();
  const startLive = previousCommit ?? randomBytes(20).toString('hex');
  const repository = settings.repository;
  const shaOf = (label: string, parent: string | null): string => {
    const known = shas.get(label);
    if (known) return known;
    const sha = randomBytes(20).toString('hex');
    shas.set(label, sha);
    labels.set(sha, label);
    sandbox.github.addCommit(repository, sha, parent);
    return sha;
  };
  // A person deals with each approval request as the scenario says, while the pushes go on (a run
  // may be stopped at its approval before the next push): per attempt, `<arn>#<redriveCount>`.
  const decided = new Set<string>();
  const actions = new Map<string, ApprovalAction>();
  const attempt = (execution: Execution) => `${execution.arn}#${execution.redriveCount}`;
  let pushing = true;
  let abandoned = false;
  const othersRunning = (execution: Execution) =>
    pushing ||
    executions.some((e) => e.execution && e.execution !== execution && e.execution.status === 'RUNNING');
  const watcher = (async () => {
    while (!abandoned && (pushing || executions.some((e) => e.execution?.status === 'RUNNING'))) {
      for (const { execution } of executions) {
        if (!execution || execution.status !== 'RUNNING' || decided.has(attempt(execution))) continue;
        const action = actions.get(attempt(execution)) ?? scenario.approval;
        if (action === 'ignore' || (action === 'approve-after-others' && othersRunning(execution))) continue;
        if (waitsForPerson(sandbox, execution)) {
          decided.add(attempt(execution));
          await decideApproval(sandbox, execution, action);
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  // Awaited once the runs have ended; a failed decision must not go unhandled meanwhile.
  watcher.catch(() => undefined);
  const bound = 6 * 3600 * 1000;

  let branchHead = startLive;
  try {
    for (const [index, push] of scenario.pushes.entries()) {
      if (push.delaySeconds > 0) await sandbox.clock.sleep(push.delaySeconds * 1000);
      if (push.redrive !== undefined) {
        // RedriveExecution of an earlier push's run once it has ended (stopped, timed out, failed).
        const earlier = executions[push.redrive - 1];
        const execution = earlier?.execution;
        if (!earlier || !execution)
          throw new Error(`scenario ${name}: push ${push.redrive} started no run to redrive`);
        await until(
          sandbox,
          () => (execution.status === 'RUNNING' ? undefined : true),
          bound,
          `execution ${execution.name} to end`,
        );
        // The operator redrives after the run's end was handled (its notice, the lock's cleanup).
        await until(
          sandbox,
          () => (sandbox.statusEvents.idle ? true : undefined),
          bound,
          'status notifications',
        );
        await redriveThroughApi(sandbox, execution);
        if (push.approval) actions.set(attempt(execution), push.approval);
        executions.push({ commitSha: earlier.commitSha, execution });
        continue;
      }
      const label = push.commit ?? `push-${index + 1}`;
      const isNew = !shas.has(label);
      const parentSha = push.parent ? shaOf(push.parent, startLive) : branchHead;
      const commitSha = shaOf(label, parentSha);
      // GitHub's `before` is where the branch was: the parent for a new commit, else the old head.
      const before = isNew ? parentSha : branchHead;
      branchHead = commitSha;
      sandbox.faults.setCommit(commitSha, {
        pipeline: settings.name,
        scenario: name,
        faults: scenario.faults,
      });
      const delivery = signDelivery(sample, {
        secret: sandbox.webhookSecret,
        sha: commitSha,
        deliveryId: randomUUID(),
        message: `${name}: change ${index + 1}`,
        // Lead time starts at the commit: make it "just now" on the simulated clock.
        committedAt: sandbox.clock.date(),
        edit: (payload) => {
          payload.before = before;
          payload.forced = push.forced === true;
        },
      });
      // A 503 ("Step Functions is busy; redeliver later") asks for a redelivery of the same delivery,
      // as a person does from the webhook's "Recent Deliveries" page (GitHub docs, "Redelivering
      // webhooks"): up to 3 more times, a simulated minute apart.
      let response = await postDelivery(sandbox.urls.webhook, delivery);
      for (let redelivery = 0; response.status === 503 && redelivery < 3; redelivery++) {
        await sandbox.clock.sleep(60_000);
        response = await postDelivery(sandbox.urls.webhook, delivery);
      }
      const body = (await response.json().catch(() => ({}))) as { executions?: { executionArn?: string }[] };
      const arn = body.executions?.[0]?.executionArn;
      if (response.status !== 202 || !arn)
        throw new Error(
          `scenario ${name}: the webhook answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`,
        );
      const execution = sandbox.engine.executions.get(arn) ?? null;
      if (execution && push.approval && !actions.has(attempt(execution)))
        actions.set(attempt(execution), push.approval);
      executions.push({ commitSha, execution });
    }
  } catch (error) {
    abandoned = true;
    throw error;
  } finally {
    pushing = false;
  }

  for (const { execution } of executions)
    if (execution)
      await until(
        sandbox,
        () => (execution.status === 'RUNNING' ? undefined : true),
        bound,
        `execution ${execution.name}`,
      );
  await watcher;
  // Notices go out asynchronously, with retries minutes apart.
  await until(
    sandbox,
    () => (sandbox.statusEvents.idle ? true : undefined),
    12 * 3600 * 1000,
    'status notifications',
  );

  const history = await sandbox.tableItems(DeployHistoryTable.localName);
  const locks = await sandbox.tableItems(DeployLocksTable.localName);
  const lockItem = locks.find((item) => attr(item, 'targetKey') === targetKeyOf(settings));
  const pushes: PushResult[] = executions.map(({ commitSha, execution }) => {
    const record = execution
      ? history.find((item) => attr(item, 'executionArn') === execution.arn)
      : undefined;
    const output = execution?.output ? readPipelineOutput(execution.output) : null;
    return {
      commitSha,
      commit: labels.get(commitSha) ?? commitSha,
      supersededReason: output?.outcome === 'superseded' ? output.reason : null,
      executionArn: execution?.arn ?? null,
      status: execution?.status ?? 'NOT_STARTED',
      error: execution?.error ?? null,
      historyOutcome: attr(record, 'outcome'),
      lockReleased: attr(lockItem, 'holderExecutionArn') !== execution?.arn,
    };
  });
  const last = pushes[pushes.length - 1]!;
  const distinct = [
    ...new Map(
      executions.flatMap(({ execution }) => (execution ? [[execution.arn, execution] as const] : [])),
    ).values(),
  ];
  const liveCommit = sandbox.liveCommit(settings.name);
  const messages = sandbox.slack.messages.slice(slackBefore);
  const actual: ScenarioActual = {
    pushes,
    instancesOffLive: targetInstances(sandbox, settings).filter((i) => i.currentRelease !== liveCommit)
      .length,
    status: last.status,
    error: last.error,
    historyOutcome: last.historyOutcome,
    finalVersion:
      liveCommit === last.commitSha ? 'new' : liveCommit === previousCommit ? 'previous' : 'other',
    liveCommit,
    liveCommitLabel: liveCommit ? (labels.get(liveCommit) ?? null) : null,
    lockReleased: pushes.every((p) => p.lockReleased),
    slackNotifications: messages.filter((m) => m.kind === 'notification').length,
    deadLetters: sandbox.statusEvents.deadLetters.length - deadBefore,
    executions: distinct.length,
    approvalRequests: distinct
      .flatMap((e) => e.history.events)
      .filter(
        (e) =>
          e.type === 'TaskScheduled' &&
          isApprovalRequest(
            String((e.taskScheduledEventDetails as { parameters?: string })?.parameters ?? ''),
          ),
      ).length,
  };

  const expectedPushes = scenario.pushes.map(
    (p, i) =>
      p.expect ??
      (i === scenario.pushes.length - 1 && scenario.expected.status
        ? {
            status: scenario.expected.status,
            error: scenario.expected.error ?? null,
            ...(scenario.expected.historyOutcome && { historyOutcome: scenario.expected.historyOutcome }),
          }
        : null),
  );
  const mismatches: string[] = [];
  const check = (what: string, want: unknown, got: unknown) => {
    if (want !== undefined && want !== got)
      mismatches.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  expectedPushes.forEach((want, i) => {
    if (!want) return;
    check(`push ${i + 1} status`, want.status, pushes[i]!.status);
    check(`push ${i + 1} error`, want.error, pushes[i]!.error);
    check(`push ${i + 1} history outcome`, want.historyOutcome, pushes[i]!.historyOutcome);
    if (want.supersededReason && !pushes[i]!.supersededReason?.includes(want.supersededReason))
      mismatches.push(
        `push ${i + 1} superseded reason: expected it to contain ${JSON.stringify(want.supersededReason)}, got ${JSON.stringify(pushes[i]!.supersededReason)}`,
      );
  });
  check('live commit', scenario.expected.liveCommit, actual.liveCommitLabel);
  check('executions started', scenario.expected.executions, actual.executions);
  check('approval requests', scenario.expected.approvalRequests, actual.approvalRequests);
  check('final version', scenario.expected.finalVersion, actual.finalVersion);
  check('instances not on the live commit', 0, actual.instancesOffLive);
  check('lock released', scenario.expected.lockReleased, actual.lockReleased);
  check('Slack notifications', scenario.expected.slackNotifications, actual.slackNotifications);
  check('dead letters', scenario.expected.deadLetters, actual.deadLetters);
  check(
    'superseded runs',
    scenario.expected.supersededRuns,
    pushes.filter((p) => p.historyOutcome === 'superseded').length,
  );

  const timeline: TimelineEntry[] = [];
  const all = distinct.flatMap((execution) => [execution, ...execution.children]);
  for (const execution of all) {
    for (const event of execution.history.events) {
      const details = Object.entries(event).find(([k]) => k.endsWith('EventDetails'))?.[1] as
        { name?: string; error?: string } | undefined;
      if (
        !/StateEntered$|^Execution(Started|Succeeded|Failed|Aborted|TimedOut)$|Failed$|TimedOut$/.test(
          event.type,
        )
      )
        continue;
      if (/^(Pass|Choice)StateEntered$/.test(event.type)) continue;
      timeline.push({
        at: Math.round((event.timestamp.getTime() - simStart) / 1000),
        execution: execution.name,
        event: `${event.type}${details?.name ? ` ${details.name}` : ''}${details?.error ? ` (${details.error})` : ''}`,
      });
    }
  }
  timeline.sort((a, b) => a.at - b.at);
  return {
    name,
    expected: { ...scenario.expected, pushes: expectedPushes },
    actual,
    matches: mismatches.length === 0,
    mismatches,
    timeline,
    simulatedSeconds: Math.round((sandbox.clock.now() - simStart) / 1000),
    realSeconds: Math.round((performance.now() - realStart) / 100) / 10,
  };
}
