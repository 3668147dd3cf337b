/**
 * approval-request task. `prepare` -> ApprovalLinks (signed, expiring, single-use); `request`
 * (invoked with `.waitForTaskToken`) stores the token and posts the Slack message. Contract:
 * PrepareApprovalEvent / RequestApprovalEvent in functions/commons/types/tasks.ts.
 *
 * Environment:
 * - APPROVALS_TABLE: Approvals table name (default `approvals`, the sandbox's name)
 * - APPROVAL_LINK_KEY_SECRET_ARN (AWS) or APPROVAL_LINK_KEY (local): link signing key, >= 32 chars
 * - APPROVAL_BASE_URL: where the approval-callback routes are served (default http://127.0.0.1:3000)
 * - SLACK_WEBHOOK_SECRET_ARN (AWS) or SLACK_WEBHOOK_URL (local): Slack incoming webhook
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: approval timeout per pipeline
 * - DEPLOY_HISTORY_TABLE: the live version shown on the approval page (read only)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { approvalBaseUrl, getApprovalLinkKey } from '../commons/approval-links';
import { documentClient } from '../commons/clients/dynamodb';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { createLogger } from '../commons/logger';
import { postSlackMessage, type SlackMessage } from '../commons/slack/post-message';
import type { ApprovalLinks } from '../commons/types/tasks';
import { prepareApproval, requestApproval } from './approval-request';
import { approvalStore, type ApprovalStore } from './approval-store';
import { parseApprovalRequestEvent } from './event';
import { releaseContext, type ContextDeps } from './release-context';
import { lastGoodDeployment } from '../deploy-history/history-store';

const logger = createLogger('approval-request');
const codebuild = new CodeBuildClient({});

/** Production readers of the release context: CodeBuild and the deploy history. */
function contextDeps(): ContextDeps {
  return {
    codebuild,
    lastGood: (pipeline) => lastGoodDeployment(pipeline, { client: documentClient }),
    onError: (part, error) =>
      logger.warn('release context incomplete', { part, error: error.name, message: error.message }),
  };
}

/** The task without the Lambda wrapper (tests pass their own store and Slack poster). */
export async function approvalRequest(
  raw: unknown,
  deps: {
    store?: ApprovalStore;
    postSlack?: (message: SlackMessage) => Promise<void>;
    context?: ContextDeps;
  } = {},
): Promise<ApprovalLinks | { approvalId: string; notified: boolean }> {
  const event = parseApprovalRequestEvent(raw);
  logger.appendKeys({
    pipeline: event.pipeline,
    execution: event.executionArn,
    commit: event.input.commitSha,
    action: event.action,
  });
  if (event.action === 'prepare') {
    const { approval } = getPipelineSettings(event.pipeline);
    const links = prepareApproval({
      key: await getApprovalLinkKey(),
      baseUrl: approvalBaseUrl(),
      timeoutMinutes: approval.timeoutMinutes,
    });
    logger.info('approval prepared', { approvalId: links.approvalId, expiresAt: links.expiresAt });
    return links;
  }
  return requestApproval(event, {
    store: deps.store ?? approvalStore(documentClient),
    postSlack: deps.postSlack ?? ((message) => postSlackMessage(message)),
    logger,
    context: (request) =>
      releaseContext(request.pipeline, request.build ?? {}, deps.context ?? contextDeps()),
  });
}

export const handler = middy((event: unknown) => approvalRequest(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
