/**
 * `deployctl push <app>`: a signed sample GitHub push delivery (events/github/push-<app>-main.json)
 * to the webhook, as GitHub would send it, and what the webhook made of it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES_DIR, signDelivery } from '../../../events/sign-delivery';
import type { CliContext } from '../context';
import { CliError, networkCode, sandboxNotRunning } from '../errors';
import { SANDBOX_PATHS } from '../sandbox-api';

export interface PushOptions {
  sha?: string;
  message?: string;
  branch?: string;
  /** X-GitHub-Delivery; reuse one to see a redelivery answered as a duplicate. */
  delivery?: string;
}

/** What `push` learnt: the webhook's HTTP status and JSON body. */
export interface PushResult {
  status: number;
  body: Record<string, unknown>;
  executions: { pipeline: string; executionArn: string; name: string }[];
}

const SHA = /^[0-9a-f]{40}$/;
/** Git's ref-name rules, roughly: no spaces, control characters, `..`, `~^:?*[\`, leading `-` or `/`. */
const BRANCH = /^(?!-|\/)(?!.*(?:\.\.|\/\/|@\{|\.lock$|\/$|\.$))[^\s\p{Cc}~^:?*[\\]{1,200}$/u;

/** Apps with a sample push delivery (`events/github/push-<app>-main.json`). */
export function sampleFor(app: string): string {
  const name = `push-${app}-main`;
  if (!/^[a-z0-9-]{1,60}$/.test(app) || !existsSync(join(SAMPLES_DIR, `${name}.json`))) {
    throw new CliError(
      `No sample push for "${app}". Apps with a sample in events/github: retail-bank, microblog.`,
    );
  }
  return name;
}

/**
 * When the pushed commit was made: now on the clock the run will be measured by. In the sandbox
 * that is its simulated clock (`GET /_sandbox/health` `now`), which runs ahead of the wall clock;
 * with --aws, or when the sandbox cannot say, the wall clock.
 */
async function commitTime(ctx: CliContext): Promise<Date> {
  if (ctx.mode === 'sandbox') {
    try {
      const health = await ctx.sandbox().request<{ now?: unknown }>('GET', SANDBOX_PATHS.health);
      const now = typeof health.now === 'string' ? new Date(health.now) : undefined;
      if (now && Number.isFinite(now.getTime())) return now;
    } catch {
      // Not reachable here: the delivery below names the webhook URL that did not answer.
    }
  }
  return new Date();
}

/** Signs and sends the delivery; throws CliError for refused or failed deliveries. */
export async function pushDelivery(
  ctx: CliContext,
  app: string,
  options: PushOptions = {},
): Promise<PushResult> {
  const sample = sampleFor(app);
  const sha = options.sha?.toLowerCase() ?? randomBytes(20).toString('hex');
  if (!SHA.test(sha))
    throw new CliError(`--sha must be a full 40-character hex commit id, got "${options.sha}".`);
  if (options.branch !== undefined && !BRANCH.test(options.branch))
    throw new CliError(`--branch "${options.branch}" is not a valid branch name.`);
  if (options.message !== undefined && !options.message.trim())
    throw new CliError('--message must not be empty.');
  if (!ctx.webhookUrl)
    throw new CliError(
      "With --aws, push needs --webhook-url (your API's https://.../webhooks/github URL) or WEBHOOK_URL.",
    );
  if (!ctx.webhookSecret)
    throw new CliError(
      'With --aws, push needs GITHUB_WEBHOOK_SECRET (the secret the webhook checks signatures with).',
    );
  const branch = options.branch;
  const delivery = signDelivery(sample, {
    secret: ctx.webhookSecret,
    sha,
    committedAt: await commitTime(ctx),
    deliveryId: options.delivery ?? randomUUID(),
    ...(options.message !== undefined && { message: options.message }),
    ...(branch !== undefined && {
      edit: (body: Record<string, unknown>) => {
        body.ref = `refs/heads/${branch}`;
      },
    }),
  });
  let response: Response;
  try {
    response = await fetch(ctx.webhookUrl, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
  } catch (error) {
    if (networkCode(error))
      throw ctx.mode === 'sandbox'
        ? sandboxNotRunning(ctx.webhookUrl, 'webhook')
        : new CliError(`Cannot reach ${ctx.webhookUrl} (${networkCode(error)}).`, 2);
    throw error;
  }
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(
      `The webhook answered ${response.status} with a body that is not JSON; is ${ctx.webhookUrl} the deploy controller's webhook?`,
    );
  }
  const executions = Array.isArray(body.executions) ? (body.executions as PushResult['executions']) : [];
  return { status: response.status, body, executions };
}

/** The command: prints started / duplicate / ignored, or fails with the webhook's error. */
export async function pushCommand(ctx: CliContext, app: string, options: PushOptions = {}): Promise<number> {
  const { status, body, executions } = await pushDelivery(ctx, app, options);
  const { out } = ctx;
  if (status >= 400) {
    const detail = [body.error, body.message].filter((v) => typeof v === 'string').join(': ');
    throw new CliError(`The webhook answered ${status}${detail ? `: ${detail}` : ''}.`);
  }
  switch (body.status) {
    case 'started':
      for (const e of executions) {
        out.line(`${out.paint('green', 'started')}  ${e.pipeline}  ${e.name}`);
        out.line(`  follow it:  deployctl show ${e.name} --follow`);
      }
      return 0;
    case 'duplicate':
      for (const e of executions)
        out.line(
          `${out.paint('yellow', 'duplicate')}  ${e.pipeline}  ${e.name} (this delivery already started it)`,
        );
      return 0;
    case 'ignored':
      out.line(`${out.paint('yellow', 'ignored')}  ${String(body.reason ?? 'no reason given')}`);
      return 0;
    default:
      out.line(`${status}  ${JSON.stringify(body)}`);
      return 0;
  }
}
