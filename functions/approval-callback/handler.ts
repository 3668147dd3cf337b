/**
 * approval-callback: HTTP API routes `GET /approvals/{approvalId}` (confirmation page) and
 * `POST /approvals/{approvalId}` (decides). Also exports the CLI's entry points.
 *
 * Environment:
 * - APPROVALS_TABLE: Approvals table name (default `approvals`, the sandbox's name)
 * - APPROVAL_LINK_KEY_SECRET_ARN (AWS) or APPROVAL_LINK_KEY (local): link signing key
 * - SLACK_WEBHOOK_SECRET_ARN (AWS) or SLACK_WEBHOOK_URL (local): decision follow-ups (optional)
 * - PIPELINES_JSON (bundled) or PIPELINES_FILE: what a release will do (target, bake, alarms)
 * - CONSOLE_BASE_URL (sandbox): execution links go to the local console instead of AWS's
 * - DEPLOY_CONTROLLER_SANDBOX, SANDBOX_SPEEDUP (sandbox): the expiry also in real time
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { approvalStore, type ApprovalStore } from '../approval-request/approval-store';
import { getApprovalLinkKey, signClaims, verifyLinkWithCurrentKey } from '../commons/approval-links';
import { getPipelineSettings } from '../commons/config/pipeline-settings';
import { documentClient } from '../commons/clients/dynamodb';
import { sfn } from '../commons/clients/sfn';
import { createLogger } from '../commons/logger';
import { postSlackMessage, type SlackMessage } from '../commons/slack/post-message';
import { handleApprovalCallback, type CallbackDeps } from './approval-callback';
import { readExecutionState } from './execution-state';
import type { HtmlResponse } from './pages';
import { readApprovalRequest } from './read-request';

export {
  approvalRequestIn,
  cleanActor,
  decideApproval,
  decideByExecution,
  findWaitingApproval,
  sendDecision,
} from './decide';

const logger = createLogger('approval-callback');

/** Slack only when a webhook is configured: a follow-up is a courtesy, not a requirement. */
const slackConfigured = () => Boolean(process.env.SLACK_WEBHOOK_SECRET_ARN || process.env.SLACK_WEBHOOK_URL);

/** Production dependencies, with overrides for tests and the local runtime. */
export function callbackDeps(
  overrides: { store?: ApprovalStore; sfn?: SFNClient; postSlack?: (m: SlackMessage) => Promise<void> } = {},
): CallbackDeps {
  const postSlack =
    overrides.postSlack ??
    (slackConfigured() ? (message: SlackMessage) => postSlackMessage(message) : undefined);
  return {
    store: overrides.store ?? approvalStore(documentClient),
    sfn: overrides.sfn ?? sfn,
    verify: (fields) => verifyLinkWithCurrentKey(fields),
    sign: async (claims) => signClaims(await getApprovalLinkKey(), claims),
    executionState: (arn) => readExecutionState(overrides.sfn ?? sfn, arn),
    settings: (pipeline) => getPipelineSettings(pipeline),
    logger,
    ...(postSlack ? { postSlack } : {}),
  };
}

/** The route without the Lambda wrapper. */
export async function approvalCallback(
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
  deps: CallbackDeps = callbackDeps(),
): Promise<HtmlResponse> {
  const request = readApprovalRequest(event);
  logger.appendKeys({ approvalId: request.approvalId ?? 'none', method: request.method });
  return handleApprovalCallback(request, deps);
}

export const handler = middy((event: APIGatewayProxyEvent | APIGatewayProxyEventV2) =>
  approvalCallback(event),
).use(injectLambdaContext(logger, { resetKeys: true }));
