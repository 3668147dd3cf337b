/**
 * GitHub webhook Lambda behind API Gateway (HTTP API payload 2.0, or REST API payload 1.0).
 *
 * Environment:
 * - `PIPELINE_ROUTES`: JSON array of `{pipeline, repository, branch, stateMachineArn}` (built by
 *   `buildRoutes` in routes.ts from pipelines.yaml).
 * - `GITHUB_WEBHOOK_SECRET_ARN`: Secrets Manager ARN or name of the webhook secret (AWS), or
 *   `GITHUB_WEBHOOK_SECRET`: the value itself (local sandbox, tests).
 * - `MAX_BODY_BYTES`: largest accepted body (default 5 MiB).
 * - `AWS_ENDPOINT_URL`: optional local endpoint for Step Functions and Secrets Manager.
 * - `POWERTOOLS_LOG_LEVEL`: log level (default INFO); logs are JSON with the delivery id, event,
 *   repository and commit sha on every line of a delivery.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createLogger } from '../commons/logger';
import { DEFAULT_MAX_BODY_BYTES, handleWebhook } from './handle-webhook';
import { readApiGatewayEvent } from './read-request';
import type { WebhookResponse } from './responses';
import { routesFromEnv } from './routes';

export const logger = createLogger('github-webhook');

// Built on the first push that starts a pipeline (commons/clients/sfn.ts: one client per
// process): pings, ignored pushes and refusals never load the SDK.
let client: Promise<SFNClient> | undefined;
const sfn = () => (client ??= import('../commons/clients/sfn').then((m) => m.sfn));

/** `MAX_BODY_BYTES` when it is a positive whole number, else the default. */
export function maxBodyBytes(value = process.env.MAX_BODY_BYTES): number {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

async function webhook(
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
  _context: Context,
): Promise<WebhookResponse> {
  return handleWebhook(readApiGatewayEvent(event), {
    routes: () => routesFromEnv(),
    sfn,
    logger,
    maxBodyBytes: maxBodyBytes(),
  });
}

/** The Lambda entry point. */
export const handler = middy(webhook).use(injectLambdaContext(logger, { resetKeys: true }));
