/**
 * The sandbox's own JSON API under `/_sandbox` on the local AWS endpoint, for `deployctl`, the
 * demo and tests (not an AWS API; no signature needed):
 *
 * | method | path | answer |
 * |---|---|---|
 * | GET  | /_sandbox/health | `{status:"ok", speedup, now, scenario}` |
 * | GET  | /_sandbox/state | environment, versions, instances, locks, alarms, pending tasks, executions |
 * | GET  | /_sandbox/scenarios | every scenario with description, faults and expectations |
 * | POST | /_sandbox/scenario | `{name}`: activate for the next executions -> the scenario |
 * | POST | /_sandbox/scenarios/{name}/run | plays it end to end (waits) -> runScenario's result |
 * | POST | /_sandbox/faults | `{...faults}` (scenario `faults` keys): an ad-hoc scenario `custom` |
 * | GET  | /_sandbox/slack | `{messages, refused, rejected}` of the Slack sink (rejected: Block Kit refusals) |
 * | POST | /_sandbox/slack/... | the Slack incoming-webhook sink itself |
 * | GET  | /_sandbox/notifications | status-change deliveries to the notifier and the dead-letter list |
 * | GET  | /_sandbox/builds | builds with phases and log lines |
 * | GET  | /_sandbox/github | commit statuses the notifier posted |
 * | POST | /_sandbox/github/repos/{owner}/{repo}/statuses/{sha} | the GitHub status API sink |
 * | GET  | /_sandbox/github/repos/{owner}/{repo}/compare/{base}...{head} | GitHub's compare API over the scenario's commits |
 * | POST | /_sandbox/fleet | `{instances: N}` (1-500): each EC2 target's fleet resized on the live release |
 * | POST | /_sandbox/reset | back to the initial world |
 *
 * It reads the sandbox through `ControlTarget` only.
 */
import type { RawRequest, RawResponse } from './aws/server';
import type { SimClock } from './clock';
import type { FaultBook, Faults } from './faults';
import type { GitHubStandIn } from './github-standin';
import { faultsSchema, type Scenario, type ScenarioResult } from './scenarios';
import type { CodeBuildSimulator } from './services/codebuild/model';
import type { StatusEventBus } from './services/events/status-events';
import type { Instance } from './services/ssm/model';
import type { SlackSink } from './sim/slack-sink';
import { FLEET_LIMITS } from './world';

/** What the control API needs from the sandbox. */
export interface ControlTarget {
  speedup: number;
  clock: Pick<SimClock, 'date'>;
  faults: Pick<FaultBook, 'activeScenario' | 'activate' | 'slackDown'>;
  scenarios: ReadonlyMap<string, Scenario>;
  slack: Pick<SlackSink, 'handle' | 'messages' | 'refused' | 'rejected'>;
  statusEvents: Pick<StatusEventBus, 'deliveries' | 'deadLetters'>;
  codebuild: Pick<CodeBuildSimulator, 'builds' | 'describe' | 'log'>;
  githubStatuses: unknown[];
  github: Pick<GitHubStandIn, 'compare'>;
  state(): Promise<Record<string, unknown>>;
  activateScenario(name: string): Scenario;
  runScenario(name: string): Promise<ScenarioResult>;
  /** Sets every EC2 target's fleet size; RangeError outside FLEET_LIMITS. */
  resizeFleet(instances: number): { pipeline: string; instances: Instance[] }[];
  reset(): Promise<void>;
}

const json = (status: number, body: unknown): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

export const CONTROL_ENDPOINTS = [
  'GET /_sandbox/health',
  'GET /_sandbox/state',
  'GET /_sandbox/scenarios',
  'POST /_sandbox/scenario {"name"}',
  'POST /_sandbox/scenarios/{name}/run',
  'POST /_sandbox/faults {throttleShare, serverErrorShare, lambdaTimeoutOnce, ...}',
  'GET /_sandbox/slack',
  'GET /_sandbox/notifications',
  'GET /_sandbox/builds',
  'GET /_sandbox/github',
  'POST /_sandbox/fleet {"instances": N}',
  'POST /_sandbox/reset',
];

function body(request: RawRequest): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(request.body.toString('utf8') || '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Answers one control API request. */
export async function controlApi(sandbox: ControlTarget, request: RawRequest): Promise<RawResponse> {
  const path = request.path.replace(/\/+$/, '') || '/_sandbox';
  const route = `${request.method} ${path}`;
  if (path.startsWith('/_sandbox/slack/')) return sandbox.slack.handle(request);
  const status = /^POST \/_sandbox\/github\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(route);
  if (status) {
    const payload = body(request);
    if (!payload || typeof payload.state !== 'string')
      return json(422, { message: 'Validation Failed: state is required' });
    const record = {
      repository: `${status[1]}/${status[2]}`,
      sha: status[3],
      ...payload,
      receivedAt: new Date().toISOString(),
    };
    sandbox.githubStatuses.push(record);
    return json(201, { id: sandbox.githubStatuses.length, ...record });
  }
  const compare =
    /^GET \/_sandbox\/github\/repos\/([^/]+)\/([^/]+)\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/.exec(
      route.split('?')[0]!,
    );
  if (compare) {
    const answer = sandbox.github.compare(`${compare[1]}/${compare[2]}`, compare[3]!, compare[4]!);
    // GitHub answers 404 "Not Found" for a commit it does not know.
    return answer
      ? json(200, { url: request.path, ...answer })
      : json(404, {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
        });
  }
  const run = /^POST \/_sandbox\/scenarios\/([a-z0-9-]+)\/run$/.exec(route);
  if (run) {
    if (!sandbox.scenarios.has(run[1]!))
      return json(404, { error: `unknown scenario "${run[1]}"`, known: [...sandbox.scenarios.keys()] });
    try {
      return json(200, await sandbox.runScenario(run[1]!));
    } catch (error) {
      return json(500, { error: (error as Error).message });
    }
  }
  switch (route) {
    case 'GET /_sandbox':
      return json(200, { endpoints: CONTROL_ENDPOINTS });
    case 'GET /_sandbox/health':
      return json(200, {
        status: 'ok',
        speedup: sandbox.speedup,
        now: sandbox.clock.date().toISOString(),
        scenario: sandbox.faults.activeScenario.name,
      });
    case 'GET /_sandbox/state':
      return json(200, await sandbox.state());
    case 'GET /_sandbox/scenarios':
      return json(200, {
        active: sandbox.faults.activeScenario.name,
        scenarios: [...sandbox.scenarios.values()],
      });
    case 'POST /_sandbox/scenario': {
      const name = body(request)?.name;
      if (typeof name !== 'string')
        return json(400, {
          error: 'body must be {"name": "<scenario>"}',
          known: [...sandbox.scenarios.keys()],
        });
      if (!sandbox.scenarios.has(name))
        return json(404, { error: `unknown scenario "${name}"`, known: [...sandbox.scenarios.keys()] });
      return json(200, { active: name, scenario: sandbox.activateScenario(name) });
    }
    case 'POST /_sandbox/faults': {
      const parsed = faultsSchema.safeParse(body(request));
      if (!parsed.success)
        return json(400, {
          error: `faults are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
        });
      sandbox.faults.activate('custom', parsed.data as Faults);
      return json(200, { active: 'custom', faults: parsed.data });
    }
    case 'GET /_sandbox/slack':
      return json(200, {
        messages: sandbox.slack.messages,
        refused: sandbox.slack.refused,
        rejected: sandbox.slack.rejected,
        down: sandbox.faults.slackDown,
      });
    case 'GET /_sandbox/notifications':
      return json(200, {
        deliveries: sandbox.statusEvents.deliveries.map(({ event: _e, ...d }) => d),
        deadLetters: sandbox.statusEvents.deadLetters.map((d) => ({
          eventId: d.eventId,
          executionArn: d.executionArn,
          status: d.status,
          attempts: d.attempts,
          lastError: d.lastError,
          event: d.event,
        })),
      });
    case 'GET /_sandbox/builds':
      return json(200, {
        builds: [...sandbox.codebuild.builds.values()].map((b) => ({
          ...sandbox.codebuild.describe(b),
          log: sandbox.codebuild.log(b.id),
        })),
      });
    case 'GET /_sandbox/github':
      return json(200, { statuses: sandbox.githubStatuses });
    case 'POST /_sandbox/fleet': {
      const instances = body(request)?.instances;
      if (
        typeof instances !== 'number' ||
        !Number.isInteger(instances) ||
        instances < FLEET_LIMITS.min ||
        instances > FLEET_LIMITS.max
      )
        return json(400, {
          error: `body must be {"instances": N} with N a whole number from ${FLEET_LIMITS.min} to ${FLEET_LIMITS.max}; got ${JSON.stringify(instances ?? null)}`,
        });
      const fleets = sandbox.resizeFleet(instances);
      return json(200, {
        instances,
        fleets: fleets.map((f) => ({
          pipeline: f.pipeline,
          instances: f.instances.map((i) => ({
            id: i.id,
            name: i.name,
            tags: i.tags,
            pingStatus: i.pingStatus,
            currentRelease: i.currentRelease,
          })),
        })),
      });
    }
    case 'POST /_sandbox/reset':
      await sandbox.reset();
      return json(200, { reset: true, state: await sandbox.state() });
    default:
      return json(404, { error: `no sandbox endpoint ${route}`, endpoints: CONTROL_ENDPOINTS });
  }
}
