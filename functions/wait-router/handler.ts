/**
 * wait-router: ends the deploy sub-workflows' waits when the service says the work is done,
 * instead of a poll loop. Two callers:
 * - the deploy-ssm sub-workflow, with `lambda:invoke.waitForTaskToken` and
 *   `{action: 'register', kind: 'ssm-command', id, taskToken, pipeline}` (`id`: a command id, or
 *   a rollback's batch ids joined by commas): stores the token under each command; when every
 *   command's final-status event came first, resumes the task at once;
 * - an EventBridge rule, with SSM's "EC2 Command Status-change Notification" for the release
 *   document's final statuses: records the status and resumes the task waiting on that command
 *   once all of its commands are final (SendTaskSuccess with `{waitKey, status}`);
 * - the deploy-beanstalk sub-workflow, with `{action: 'register', kind: 'eb-environment',
 *   application, environment, since, taskToken, pipeline}`, and an EventBridge rule with Elastic
 *   Beanstalk's "Elastic Beanstalk resource status change" events for the pipelines' environments:
 *   an update that succeeded or failed at or after `since` resumes the task (route-watch.ts);
 * - the pipeline's bake window, with `{action: 'register', kind: 'cloudwatch-alarms', alarms,
 *   since, taskToken, pipeline}`, and an EventBridge rule with CloudWatch's "CloudWatch Alarm State
 *   Change" events to ALARM for the pipelines' alarms: the first alarm that fired at or after
 *   `since` resumes the task (the bake then checks the alarms and fails).
 * Duplicate and late events are harmless: a settled token answers TaskTimedOut or InvalidToken,
 * which is logged and ignored. A lost event costs the sub-workflow one safety poll (its
 * HeartbeatSeconds), never a stuck run.
 *
 * Environment: TASK_WAITS_TABLE; POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { documentClient } from '../commons/clients/dynamodb';
import { sfn } from '../commons/clients/sfn';
import { createLogger } from '../commons/logger';
import { parseEvent } from '../commons/parse-event';
import { waitRouterEvent } from '../commons/types/events/wait-router';
import { resumeTask } from './resume-task';
import { environmentWaitKey, settledOfEvent } from './beanstalk-events';
import { alarmFiredOfEvent, alarmWaitKey } from './alarm-events';
import { registerWatch, registerWatchGroup, routeWatchEvent } from './route-watch';
import { groupOutcome, isServiceEvent, outcomeOfEvent, waitKeyOf } from './service-events';
import { waitStore, type WaitItem, type WaitStore } from './wait-store';
import { watchStore, type WatchStore } from './watch-store';

const logger = createLogger('wait-router');
const parseRegister = parseEvent(waitRouterEvent, 'wait-router');

export interface WaitRouterDependencies {
  sfn: SFNClient;
  store: WaitStore;
  watches: WatchStore;
}

/** What the router did (the Lambda result; Step Functions ignores a token task's result). */
export interface WaitRouterResult {
  waitKey?: string;
  /** A waiting task was resumed by this call. */
  resumed: boolean;
}

/** Resumes `token` when every item of its group has a final status. */
async function resumeWhenAllFinal(
  deps: WaitRouterDependencies,
  token: string,
  items: WaitItem[],
): Promise<boolean> {
  const outcome = groupOutcome(items);
  if (!outcome) return false;
  return resumeTask(deps.sfn, token, outcome, logger);
}

/** The function without the Lambda wrapper. */
export async function waitRouter(
  raw: unknown,
  deps: WaitRouterDependencies = {
    sfn,
    store: waitStore(documentClient),
    watches: watchStore(documentClient),
  },
): Promise<WaitRouterResult> {
  if (isServiceEvent(raw)) {
    const settled = settledOfEvent(raw) ?? alarmFiredOfEvent(raw);
    if (settled) {
      const resumed = await routeWatchEvent(deps, settled, logger);
      logger.info('event routed', { waitKey: settled.waitKey, status: settled.status, resumed });
      return { waitKey: settled.waitKey, resumed };
    }
    const outcome = outcomeOfEvent(raw);
    if (!outcome) {
      logger.info('the event ends no wait');
      return { resumed: false };
    }
    const item = await deps.store.recordOutcome(outcome.waitKey, outcome.status);
    if (!item.taskToken) {
      logger.info('final status recorded before any task waits', { ...outcome });
      return { waitKey: outcome.waitKey, resumed: false };
    }
    const others = (item.waitGroup ?? []).filter((key) => key !== item.waitKey);
    const items = [item, ...(await Promise.all(others.map((key) => deps.store.get(key))))];
    // Only the task that registered last may be resumed through a sibling's item.
    const current = items.filter((i) => i.taskToken === item.taskToken);
    const resumed =
      current.length === items.length && (await resumeWhenAllFinal(deps, item.taskToken, items));
    logger.info('event routed', { ...outcome, resumed });
    return { waitKey: outcome.waitKey, resumed };
  }
  const event = parseRegister(raw);
  logger.appendKeys({ pipeline: event.pipeline });
  if (event.kind === 'eb-environment') {
    const waitKey = environmentWaitKey(event.application, event.environment);
    const resumed = await registerWatch(
      deps,
      { waitKey, taskToken: event.taskToken, since: event.since },
      logger,
    );
    logger.info(resumed ? 'the environment had already settled' : 'waiting for the environment', { waitKey });
    return { waitKey, resumed };
  }
  if (event.kind === 'cloudwatch-alarms') {
    const waitKeys = event.alarms.map(alarmWaitKey);
    const resumed = await registerWatchGroup(
      deps,
      { waitKeys, taskToken: event.taskToken, since: event.since },
      logger,
    );
    logger.info(resumed ? 'an alarm had already fired' : 'waiting for an alarm or the end of the bake', {
      waitKey: waitKeys.join(','),
    });
    return { waitKey: waitKeys.join(','), resumed };
  }
  const group = event.id.split(',').map((id) => waitKeyOf(event.kind, id));
  const items = await deps.store.register(group, event.taskToken);
  // The events came first (the commands ended before the task registered): resume now.
  const resumed = await resumeWhenAllFinal(deps, event.taskToken, items);
  logger.info(resumed ? 'the events had already come' : 'waiting for the events', {
    waitKey: group.join(','),
  });
  return { waitKey: group.join(','), resumed };
}

export const handler = middy((event: unknown) => waitRouter(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
