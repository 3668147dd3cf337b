/**
 * The deploy lock's guard on every change to a target: the deploy sub-workflows' Lambda tasks that
 * change the target (Beanstalk's UpdateEnvironment, SSM's release and rollback commands) call it
 * first, so a change only happens while the pipeline run that started the sub-workflow holds the
 * target's lock.
 *
 * Why here and not in the pipeline: a stopped, timed-out or runtime-killed run has its lock
 * released by the notifier's cleanup (functions/notifier/run-cleanup.ts), and RedriveExecution
 * restarts it "from the unsuccessful step" (Step Functions developer guide, "Restarting state
 * machine executions with redrive in Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): from "Wait for
 * approval" into "Deploy", or from "Deploy" itself, past "Acquire deploy lock". An operator can
 * redrive from the console or the AWS CLI, so only the workflow itself can check. The check costs
 * no state transition: one consistent read when the lock is ours (every normal run).
 *
 * When the lock is not ours any more, the run asks for it again under the lock's normal rules
 * (deploy-lock.ts, a conditional write): acquired when it is free and nothing newer is live, in
 * flight or waiting; otherwise DeployLockNotHeldError, and the pipeline goes back to "Acquire deploy
 * lock", where it waits or ends superseded as any run does.
 */
import type { LockHolder } from '../commons/types/events/deploy-lock';
import { acquireLock, type AcquireOptions } from './deploy-lock';
import { isHeld, type LockRequest } from './lock-state';

/** This run does not hold the target's lock and could not take it: nothing was changed. */
export class DeployLockNotHeldError extends Error {
  override readonly name = 'DeployLockNotHeldError';
}

/** What the guard found: `held` (ours all along), `reacquired` (ours again), `unguarded` (see below). */
export type GuardOutcome = 'held' | 'reacquired' | 'unguarded';

/**
 * Lets a change to `targetKey` go on only while `holder`'s run holds the lock, taking the lock again
 * when it is free (after a redrive). `holder` null or absent: the sub-workflow was not started by a
 * pipeline run (`deployctl rollback`, which refuses while a run is in progress): unguarded.
 * Throws DeployLockNotHeldError naming the holder or the reason the run is superseded.
 */
export async function guardDeployLock(
  targetKey: string,
  pipeline: string,
  holder: LockHolder | null | undefined,
  options: AcquireOptions,
): Promise<GuardOutcome> {
  if (!holder) return 'unguarded';
  const now = (options.now ?? (() => new Date()))();
  const item = await options.store.get(targetKey);
  if (isHeld(item, now) && item.holderExecutionArn === holder.executionArn) return 'held';
  // The run's own request as its first acquire recorded it (push link, force-push, redeploy), when
  // it is still the newest; otherwise a plain push: its `before` link is in the item's parents.
  const own = item?.latestRequest?.executionArn === holder.executionArn ? item.latestRequest : undefined;
  const request: LockRequest = {
    executionArn: holder.executionArn,
    pipeline,
    commitSha: holder.commitSha,
    receivedAt: holder.receivedAt,
    beforeSha: own?.beforeSha ?? null,
    forced: own?.forced === true,
    redeploy: own?.redeploy === true,
  };
  const answer = await acquireLock(targetKey, request, options);
  if (answer.status === 'acquired') return 'reacquired';
  const why =
    answer.status === 'superseded'
      ? `it is superseded: ${answer.reason} (${answer.supersededBy})`
      : `${answer.heldBy} holds it`;
  throw new DeployLockNotHeldError(
    `This run no longer holds the deploy lock on ${targetKey} (released when the run stopped, timed out or died, before a redrive), and ${why}. Nothing was changed; the run asks for the lock again.`,
  );
}
