/**
 * Notifier Lambda: EventBridge "Step Functions Execution Status Change" events of the pipeline
 * state machines (`deploy-<pipeline>`; RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED) ->
 * Slack notices, GitHub commit statuses and delivery metrics (EMF). Invoked asynchronously:
 * when Slack stays down the handler throws, Lambda retries twice, then the event goes to the
 * on-failure destination (SQS dead-letter queue, alarmed).
 *
 * Environment:
 * - `NOTIFICATIONS_TABLE`: DynamoDB table of sent notices (partition key `notificationId`, TTL
 *   `expiresAtEpoch`); default `notifications` (local sandbox).
 * - `SLACK_WEBHOOK_SECRET_ARN` (AWS) or `SLACK_WEBHOOK_URL` (local): the incoming webhook.
 * - `SLACK_TIMEOUT_MS`: per-attempt Slack timeout (default 5000; 3 attempts per invocation).
 * - `GITHUB_TOKEN_SECRET_ARN` (AWS) or `GITHUB_TOKEN` (local): token with `repo:status`
 *   (fine-grained: "Commit statuses: write"); statuses are skipped when neither is set.
 * - `GITHUB_API_URL`: GitHub API base (default https://api.github.com).
 * - `DEPLOY_LOCKS_TABLE`, `DEPLOY_HISTORY_TABLE`: for runs that died outside their Catch paths
 *   (stopped, timed out, States.Runtime) the notifier releases the lock they still hold and
 *   records their outcome (run-cleanup.ts).
 * - `PIPELINES_JSON` (inlined at bundle time) or `PIPELINES_FILE`: pipeline settings (`notify.*`).
 * - `AWS_ENDPOINT_URL`: optional local endpoint for Step Functions, DynamoDB, Secrets Manager.
 * - `DEPLOY_CONTROLLER_SANDBOX` (sandbox only): notices name sandbox commands (no `--aws`).
 * - `POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_SERVICE_NAME`: logging.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient } from '../commons/clients/dynamodb';
import { sfn } from '../commons/clients/sfn';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { githubTokenConfigured, postCommitStatus } from '../commons/github/commit-status';
import { createLogger } from '../commons/logger';
import { createDeliveryMetrics } from '../commons/metrics';
import { postSlackMessage } from '../commons/slack/post-message';
import { dynamoCleanupActions } from './cleanup-actions';
import { dynamoNotificationStore } from './notification-store';
import { processStatusChange, type NotifierDeps, type NotifierResult } from './process-status-change';

export const logger = createLogger('notifier');
const metrics = createDeliveryMetrics();

/** `SLACK_TIMEOUT_MS` when it is a positive whole number, else 5 s. */
export function slackTimeoutMs(value = process.env.SLACK_TIMEOUT_MS): number {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : 5000;
}

/** The production wiring (module-scope clients, secrets from the environment). */
export function defaultDeps(): NotifierDeps {
  return {
    sfn,
    store: dynamoNotificationStore(documentClient),
    postSlack: (message) => postSlackMessage(message, { timeoutMs: slackTimeoutMs() }),
    postStatus: (status) => postCommitStatus(status),
    githubConfigured: () => githubTokenConfigured(),
    settings: getPipelineSettings,
    metrics,
    logger,
    cleanup: dynamoCleanupActions(documentClient, getPipelineSettings),
  };
}

/** A middy handler over the given dependencies (tests pass local endpoints). */
export function createHandler(deps: NotifierDeps) {
  return middy(async (event: unknown, _context: Context): Promise<NotifierResult> =>
    processStatusChange(event, deps),
  ).use(injectLambdaContext(deps.logger, { resetKeys: true }));
}

/** The Lambda entry point. */
export const handler = createHandler(defaultDeps());
