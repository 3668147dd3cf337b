/**
 * Event-driven waits on a watched resource (watch-store.ts): a task registers, an event settles
 * the resource; whichever comes second resumes the task with `{waitKey, status}`.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Logger } from '@aws-lambda-powertools/logger';
import { resumeTask } from './resume-task';
import { pendingEvent, type WatchItem, type WatchStore } from './watch-store';

export interface WatchDeps {
  sfn: SFNClient;
  watches: WatchStore;
}

/**
 * Claims the item's pending event for its token and resumes the task. A task that no longer waits
 * (its safety poll fired, its run ended) gives the event back for the next wait of the resource.
 */
export async function resumeWithEvent(
  deps: WatchDeps,
  item: WatchItem,
  logger: Pick<Logger, 'info'>,
): Promise<boolean> {
  if (!pendingEvent(item)) return false;
  const { waitKey, taskToken, eventId, eventStatus } = item as Required<WatchItem>;
  if (!(await deps.watches.claim(waitKey, taskToken, eventId))) return false;
  const resumed = await resumeTask(deps.sfn, taskToken, { waitKey, status: eventStatus }, logger);
  if (!resumed) await deps.watches.unclaim(waitKey, eventId);
  return resumed;
}

/** A task's registration: resumes it at once when the resource settled since `since`. */
export async function registerWatch(
  deps: WatchDeps,
  request: { waitKey: string; taskToken: string; since: string },
  logger: Pick<Logger, 'info'>,
): Promise<boolean> {
  const item = await deps.watches.register(request.waitKey, request.taskToken, request.since);
  return resumeWithEvent(deps, item, logger);
}

/**
 * A task waiting on any one of several resources (a pipeline's alarms): its token goes on each;
 * the first pending event resumes it.
 */
export async function registerWatchGroup(
  deps: WatchDeps,
  request: { waitKeys: readonly string[]; taskToken: string; since: string },
  logger: Pick<Logger, 'info'>,
): Promise<boolean> {
  const items: WatchItem[] = [];
  for (const waitKey of request.waitKeys)
    items.push(await deps.watches.register(waitKey, request.taskToken, request.since));
  for (const item of items) if (await resumeWithEvent(deps, item, logger)) return true;
  return false;
}

/** A service event: recorded, then handed to the task waiting on the resource, if any. */
export async function routeWatchEvent(
  deps: WatchDeps,
  event: { waitKey: string; status: string; at: Date; eventId: string },
  logger: Pick<Logger, 'info'>,
): Promise<boolean> {
  const item = await deps.watches.recordEvent(event.waitKey, event.status, event.at, event.eventId);
  if (!item) {
    logger.info('an older event than the one recorded', { waitKey: event.waitKey });
    return false;
  }
  return resumeWithEvent(deps, item, logger);
}
