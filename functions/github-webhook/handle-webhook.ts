/**
 * `POST /webhooks/github` as a plain function over a normalised request: the Lambda handler and
 * the local sandbox's HTTP server both call it. Order matters: cheap refusals first, the
 * signature before any parsing, and only a verified, well-formed push reaches Step Functions.
 *
 * Import cost: the Step Functions side (start-pipeline.ts and the SDK it needs) is imported on
 * the first push that starts a pipeline, so a cold start that answers a ping or an ignored push
 * never evaluates the SDK (bench/bundles.bench.ts measures both).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { decide } from './decide';
import { DeliveryLog } from './delivery-log';
import { parseDelivery } from './parse-delivery';
import { normaliseHeaders, type WebhookRequest } from './read-request';
import { failure, json, type WebhookResponse } from './responses';
import type { Route } from './routes';
import type { StartOutcome } from './start-pipeline';
import { checkSignature } from './verify-signature';
import { REFRESH_AFTER_MS, webhookSecretProvider, type SecretProvider } from './webhook-secret';

export const WEBHOOK_PATH = '/webhooks/github';
/** Default body limit; GitHub caps payloads at 25 MB but pushes are far smaller. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface WebhookDeps {
  /** The routes, or a function that reads them (its error becomes a logged 500). */
  routes: readonly Route[] | (() => readonly Route[]);
  /** The client, or a function that builds it on first use (the Lambda handler's lazy client). */
  sfn: SFNClient | (() => SFNClient | Promise<SFNClient>);
  logger: Logger;
  secret?: SecretProvider;
  maxBodyBytes?: number;
  now?: () => Date;
}

const EVENT = /^[a-z_]{1,64}$/;
const DELIVERY = /^[A-Za-z0-9._-]{1,100}$/;
const defaultSecret = webhookSecretProvider();
let startModule: Promise<typeof import('./start-pipeline')> | undefined;

/** Handles one request; never throws (unexpected failures become a generic 500). */
export async function handleWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const log = new DeliveryLog(deps.logger);
  try {
    return await handle(request, deps, log);
  } catch (error) {
    log.error('webhook failed unexpectedly', { errorName: (error as Error)?.name });
    return failure(500, 'internal error');
  }
}

async function handle(
  request: WebhookRequest,
  deps: WebhookDeps,
  log: DeliveryLog,
): Promise<WebhookResponse> {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  if (path !== WEBHOOK_PATH) return failure(404, 'not found');
  if (request.method.toUpperCase() !== 'POST')
    return failure(405, 'method not allowed', 'use POST', { allow: 'POST' });
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (request.body.length > maxBytes)
    return failure(413, 'payload too large', `the body is over ${maxBytes} bytes`);

  const headers = normaliseHeaders(request.headers);
  const signatureHeader = headers['x-hub-signature-256'];
  const event = headers['x-github-event']?.trim();
  const deliveryId = headers['x-github-delivery']?.trim();
  log.addKeys({ deliveryId: deliveryId?.slice(0, 100), event: event?.slice(0, 64) });

  const verified = await verify(request.body, signatureHeader, deps.secret ?? defaultSecret, log);
  if (!verified.valid) return verified.refusal;

  if (!event || !EVENT.test(event))
    return failure(400, 'malformed delivery', 'X-GitHub-Event header is missing or invalid');
  if (!deliveryId || !DELIVERY.test(deliveryId))
    return failure(400, 'malformed delivery', 'X-GitHub-Delivery header is missing or invalid');
  const parsed = parseDelivery(headers['content-type'], verified.text);
  if (!parsed.ok) return failure(400, 'malformed delivery', parsed.message);

  const repository = (parsed.payload.repository as { full_name?: unknown } | null | undefined)?.full_name;
  const after = parsed.payload.after;
  log.addKeys({
    repository: typeof repository === 'string' ? repository.slice(0, 140) : undefined,
    commitSha: typeof after === 'string' ? after.slice(0, 64) : undefined,
  });

  let routes: readonly Route[];
  try {
    routes = typeof deps.routes === 'function' ? deps.routes() : deps.routes;
  } catch (error) {
    log.error('webhook routes are not configured correctly', { error: (error as Error).message });
    return failure(500, 'webhook is not configured');
  }

  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const decision = decide({ event, deliveryId, receivedAt }, parsed.payload, routes);
  switch (decision.kind) {
    case 'ping':
      log.info('ping', { hookId: decision.hookId });
      return json(200, { status: 'pong', zen: decision.zen, hookId: decision.hookId });
    case 'ignore':
      log.info('delivery ignored', { reason: decision.reason });
      return json(202, { status: 'ignored', reason: decision.reason });
    case 'malformed':
      log.warn('malformed push', { reason: decision.message });
      return failure(400, 'malformed delivery', decision.message);
    case 'start': {
      const { startPipelines } = await (startModule ??= import('./start-pipeline'));
      const sfn = typeof deps.sfn === 'function' ? await deps.sfn() : deps.sfn;
      return answerStarts(await startPipelines(sfn, decision.starts), log);
    }
  }
}

/** The verified body text, or the 401 or 500 to answer. */
async function verify(
  body: Buffer,
  header: string | undefined,
  secret: SecretProvider,
  log: DeliveryLog,
): Promise<{ valid: true; text: string } | { valid: false; refusal: WebhookResponse }> {
  let value: string;
  try {
    value = await secret.get(false);
  } catch (error) {
    // A deployment mistake: log which setting is missing (never a value), answer generically.
    log.error('webhook secret is unavailable', {
      errorName: (error as Error)?.name,
      error: (error as Error)?.message,
    });
    return { valid: false, refusal: failure(500, 'webhook is not configured') };
  }
  let check = await checkSignature(value, body, header);
  if (!check.valid && check.reason === 'mismatch' && secret.ageMs() > REFRESH_AFTER_MS) {
    // The secret may have been rotated since it was cached: read it again, once.
    const fresh = await secret.get(true).catch((error: unknown) => {
      log.warn('could not re-read the webhook secret; keeping the cached one', {
        errorName: (error as Error)?.name,
      });
      return value;
    });
    if (fresh !== value) check = await checkSignature(fresh, body, header);
  }
  if (check.valid) return check;
  log.warn('signature rejected', { reason: check.reason });
  const message =
    check.reason === 'missing'
      ? 'X-Hub-Signature-256 header is missing'
      : 'X-Hub-Signature-256 does not match the body';
  return { valid: false, refusal: failure(401, 'invalid signature', message) };
}

function answerStarts(outcomes: StartOutcome[], log: DeliveryLog): WebhookResponse {
  const failed = outcomes.filter((o) => o.kind === 'failed');
  const duplicates = outcomes.every((o) => o.kind === 'duplicate');
  // In a mixed answer (a redelivery after a partial failure) each existing execution is flagged.
  const executions = outcomes.flatMap((o) =>
    o.kind === 'failed'
      ? []
      : [{ ...o.execution, ...(o.kind === 'duplicate' && !duplicates && { duplicate: true }) }],
  );
  if (failed.length) {
    // Whatever did start is reported; a redelivery starts the rest and finds these as duplicates.
    const retryable = failed.some((f) => f.retryable);
    log.error('could not start pipeline', {
      failures: failed.map(({ pipeline, errorName }) => ({ pipeline, errorName })),
      executions,
    });
    return json(retryable ? 503 : 502, {
      error: retryable ? 'Step Functions is busy; redeliver later' : 'could not start the pipeline',
      executions,
    });
  }
  if (duplicates) {
    // A redelivery, or another delivery of the same commit: the existing run is the answer.
    log.info('duplicate: this commit already has a run', { executions });
    return json(202, { status: 'duplicate', executions });
  }
  log.info('pipelines started', { executions });
  return json(202, { status: 'started', executions });
}
