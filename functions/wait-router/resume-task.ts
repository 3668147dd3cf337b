/** Resumes a `.waitForTaskToken` task with SendTaskSuccess; a task that no longer waits is not an error. */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { WaitOutcome } from './service-events';

/**
 * SendTaskSuccess errors that mean "nobody waits on this token any more" (API reference,
 * SendTaskSuccess, Errors: TaskTimedOut, InvalidToken, TaskDoesNotExist).
 */
const NOT_WAITING = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * SendTaskSuccess with `{waitKey, status}` as the task's output. Returns false when the task no
 * longer waits (settled by a duplicate, timed out into its safety poll, or its run ended); other
 * errors (throttling, access denied) are thrown so that Lambda retries the event.
 */
export async function resumeTask(
  client: SFNClient,
  taskToken: string,
  outcome: WaitOutcome,
  logger: Pick<Logger, 'info'>,
): Promise<boolean> {
  try {
    await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome) }));
    return true;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (!NOT_WAITING.has(name)) throw error;
    logger.info('the task no longer waits', { waitKey: outcome.waitKey, error: name });
    return false;
  }
}
