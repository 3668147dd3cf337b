/**
 * One pipeline status change, end to end: read what happened (input, history, earlier runs),
 * claim the notice, post the GitHub status (best effort), send Slack (retried; on failure the
 * claim is given back and the error rethrown for Lambda's retries and the dead-letter queue),
 * then publish the delivery metrics. All reads happen before the claim, so the window between
 * claiming and sending is as short as it can be.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { PipelineSettings } from '../commons/config/schema';
import type { CommitStatus } from '../commons/github/commit-status';
import { publishDeliveryMetrics, type MetricName } from '../commons/metrics';
import type { SlackMessage } from '../commons/slack/post-message';
import { deliveryPoints } from './delivery-metrics';
import { readNoticeInput } from './execution-input';
import { analyseFailure, type FailureAnalysis } from './failure-analysis';
import { commitStatusFor } from './github-status';
import { notificationId, type NotificationStore } from './notification-store';
import { timeToRestoreSeconds } from './restore-time';
import {
  cleanUpDeadRun,
  cleanupText,
  diedOutsideCatch,
  everHeldLock,
  redrivenSince,
  type CleanupActions,
  type CleanupReport,
} from './run-cleanup';
import { deliverToSlack, type PostFn, type SlackDeliveryOptions } from './slack-delivery';
import { failureMessage, successMessage, type NoticeContext } from './slack-message';
import { describeExecutionData, listRecentExecutions, readExecutionHistory } from './sfn-reads';
import {
  isFailureStatus,
  isSuperseded,
  parseStatusChange,
  supersededOutput,
  pipelineFromStateMachineArn,
  type StatusChange,
} from './status-event';

export interface NotifierDeps {
  sfn: SFNClient;
  store: NotificationStore;
  postSlack: PostFn;
  postStatus: (status: CommitStatus) => Promise<void>;
  /** Whether a GitHub token is configured at all. */
  githubConfigured: () => boolean;
  /** Settings of a pipeline; throws (ConfigError) for a state machine that is not a pipeline. */
  settings: (pipeline: string) => PipelineSettings;
  metrics: Metrics;
  logger: Logger;
  slackRetry?: SlackDeliveryOptions;
  /** Lock release and outcome record for runs that died outside their Catch paths (run-cleanup.ts). */
  cleanup?: CleanupActions;
}

export interface NotifierResult {
  outcome: 'ignored' | 'duplicate' | 'handled';
  slack: 'sent' | 'not-wanted';
  githubStatus: 'posted' | 'skipped' | 'failed';
  metrics: MetricName[];
}

const IGNORED: NotifierResult = {
  outcome: 'ignored',
  slack: 'not-wanted',
  githubStatus: 'skipped',
  metrics: [],
};

/** Input/output from the event, or from DescribeExecution when EventBridge left them out. */
async function executionData(
  change: StatusChange,
  deps: NotifierDeps,
): Promise<{ input: string | null; output: string | null }> {
  const needsOutput = change.status === 'SUCCEEDED' && change.output === null;
  if (change.input !== null && !needsOutput) return { input: change.input, output: change.output };
  const described = await describeExecutionData(deps.sfn, change.executionArn);
  return { input: change.input ?? described.input, output: change.output ?? described.output };
}

async function restoreSeconds(change: StatusChange, deps: NotifierDeps): Promise<number | null> {
  if (!change.stopDate) return null;
  try {
    const executions = await listRecentExecutions(deps.sfn, change.stateMachineArn);
    return await timeToRestoreSeconds(
      { executionArn: change.executionArn, stopDate: change.stopDate },
      executions.map((e) => ({
        executionArn: e.executionArn ?? '',
        status: e.status ?? '',
        stopDate: e.stopDate ?? null,
      })),
      async (arn) =>
        isSuperseded({ status: 'SUCCEEDED', output: (await describeExecutionData(deps.sfn, arn)).output }),
    );
  } catch (error) {
    // A missing metric point must never cost the notice.
    deps.logger.warn('time to restore not computed', { error: (error as Error).message });
    return null;
  }
}

/** Handles one EventBridge "Step Functions Execution Status Change" event. */
export async function processStatusChange(event: unknown, deps: NotifierDeps): Promise<NotifierResult> {
  const change = parseStatusChange(event);
  deps.logger.appendKeys({ executionArn: change.executionArn, status: change.status });

  const data = await executionData(change, deps);
  const input = readNoticeInput(data.input);
  // Only `deploy-<pipeline>` runs are announced: the deploy sub-workflows carry a `pipeline` field
  // too, but their failure is reported once, by the parent pipeline run.
  const pipeline = pipelineFromStateMachineArn(change.stateMachineArn);
  deps.logger.appendKeys({ pipeline, commitSha: input.commitSha });
  let settings: PipelineSettings;
  try {
    if (!pipeline) throw new Error('state machine is not named deploy-<pipeline>');
    if (input.pipeline && input.pipeline !== pipeline)
      throw new Error(`input names pipeline ${input.pipeline}`);
    settings = deps.settings(pipeline);
  } catch (error) {
    // Sub-workflows and foreign state machines: their parent pipeline reports the outcome.
    deps.logger.warn('not a pipeline execution; ignored', { error: (error as Error).message });
    return IGNORED;
  }

  const supersededBy = supersededOutput({ status: change.status, output: data.output });
  const superseded = supersededBy !== null;
  let failure: FailureAnalysis | null = null;
  let cleanup: CleanupReport | null = null;
  if (isFailureStatus(change.status)) {
    const history = await readExecutionHistory(deps.sfn, change.executionArn);
    failure = analyseFailure(change.status, history, { error: change.error, cause: change.cause });
    // Before the claim: idempotent, and a retried notice must not skip it.
    if (deps.cleanup && diedOutsideCatch(change.status, change.error)) {
      cleanup = await cleanUpDeadRun(
        {
          pipeline: settings.name,
          executionArn: change.executionArn,
          status: change.status,
          error: change.error,
          heldLock: everHeldLock(history),
          redriven: redrivenSince(history, change.redriveCount),
        },
        deps.cleanup,
      );
      deps.logger.info('cleaned up a run that ended outside its Catch paths', { ...cleanup });
    }
  }
  const restore = change.status === 'SUCCEEDED' && !superseded ? await restoreSeconds(change, deps) : null;

  const context: NoticeContext = {
    pipeline: settings.name,
    executionArn: change.executionArn,
    executionName: change.executionName,
    status: change.status,
    input,
    startDate: change.startDate,
    stopDate: change.stopDate,
    ...(cleanup && { cleanup: cleanupText(cleanup) }),
  };
  let message: SlackMessage | null = null;
  if (failure && settings.notify.slackOnFailure) message = failureMessage(context, failure);
  if (change.status === 'SUCCEEDED' && !superseded && settings.notify.slackOnSuccess)
    message = successMessage(context);
  const points = deliveryPoints({
    status: change.status,
    superseded,
    redriveCount: change.redriveCount,
    rollbackOutcome: failure?.rollback.outcome ?? null,
    commitTimestamp: input.commitTimestamp,
    stopDate: change.stopDate,
    timeToRestoreSeconds: restore,
  });

  const id = notificationId(change.executionArn, change.status, change.redriveCount);
  if (!(await deps.store.claim(id, { pipeline: settings.name, eventId: change.eventId }))) {
    deps.logger.info('already handled; duplicate delivery ignored', { notificationId: id });
    return { ...IGNORED, outcome: 'duplicate' };
  }

  let githubStatus: NotifierResult['githubStatus'] = 'skipped';
  if (settings.notify.githubStatus && deps.githubConfigured() && input.repository && input.commitSha) {
    try {
      await deps.postStatus(
        commitStatusFor({
          pipeline: settings.name,
          repository: input.repository,
          commitSha: input.commitSha,
          executionArn: change.executionArn,
          status: change.status,
          superseded,
          supersededBy: supersededBy && {
            commitSha: supersededBy.supersededByCommitSha,
            reason: supersededBy.reason,
          },
          failure,
        }),
      );
      githubStatus = 'posted';
    } catch (error) {
      // Statuses are a convenience: never fail (and so never re-send Slack) because of them.
      deps.logger.warn('GitHub commit status not posted', { error: (error as Error).message });
      githubStatus = 'failed';
    }
  }

  if (message) {
    try {
      const attempts = await deliverToSlack(deps.postSlack, message, deps.slackRetry);
      deps.logger.info('Slack notice sent', {
        attempts,
        failedStep: failure?.failedStep,
        error: failure?.error,
      });
    } catch (error) {
      try {
        await deps.store.release(id);
      } catch (releaseError) {
        deps.logger.error('claim not released; a retry will see a duplicate and send nothing', {
          error: (releaseError as Error).message,
        });
      }
      deps.logger.error('Slack notice failed; leaving it to Lambda retries and the dead-letter queue', {
        error: (error as Error).message,
      });
      throw error;
    }
  }

  publishDeliveryMetrics(deps.metrics, settings.name, points);
  return {
    outcome: 'handled',
    slack: message ? 'sent' : 'not-wanted',
    githubStatus,
    metrics: points.map((p) => p.name),
  };
}
