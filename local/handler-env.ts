/**
 * The environment the real Lambda handlers read in the sandbox: the local endpoint, fake keys,
 * table names, routes, the approval key, Slack and GitHub sinks, smoke-test overrides. Only
 * local secrets (the webhook secret the user chose, a random approval key) appear in it.
 */
import { randomBytes } from 'node:crypto';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { TABLES } from '../functions/commons/tables';
import { stateMachineName } from '../functions/commons/types/pipeline-input';
import { buildRoutes } from '../functions/github-webhook/routes';

/** `SMOKE_TEST_URL_OVERRIDE_<PIPELINE_UPPER_SNAKE>`. */
export const smokeOverrideVariable = (pipeline: string) =>
  `SMOKE_TEST_URL_OVERRIDE_${pipeline.toUpperCase().replace(/-/g, '_')}`;

/** The fake access key the handlers' environment holds; each call is re-keyed to its principal. */
export const HANDLER_ACCESS_KEY_ID = 'AKIASANDBOXLOCAL0000';

/** Variables that would point handlers at real AWS resources: removed while the sandbox runs. */
export const REAL_AWS_VARIABLES = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'GITHUB_WEBHOOK_SECRET_ARN',
  'SLACK_WEBHOOK_SECRET_ARN',
  'APPROVAL_LINK_KEY_SECRET_ARN',
  'GITHUB_TOKEN_SECRET_ARN',
  'PIPELINES_JSON',
];

export interface HandlerEnvInput {
  config: PipelinesConfig;
  region: string;
  awsUrl: string;
  webhookBase: string;
  appsBase: string;
  /** The Slack webhook the notifier posts to (the sink unless the user set one). */
  slackUrl: string;
  webhookSecret: string;
  releaseDocument: string;
  /** The bucket the sandbox's SSM writes complete command output to (OutputS3BucketName). */
  artifactsBucket: string;
  /** The CloudWatch Logs group the SSM agents stream release output to. */
  commandOutputLogGroup: string;
  speedup: number;
  stateMachineArn: (name: string) => string;
  pipelinesFile?: string;
  /** The process environment, for user overrides of log and timing settings. */
  env: NodeJS.ProcessEnv;
}

/** The handlers' environment (strings only). */
export function handlerEnvironment(input: HandlerEnvInput): Record<string, string> {
  const { config, env } = input;
  const out: Record<string, string> = {
    AWS_ENDPOINT_URL: input.awsUrl,
    AWS_ACCESS_KEY_ID: HANDLER_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: 'sandbox-local-secret-not-a-real-key',
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    PIPELINE_ROUTES: JSON.stringify(buildRoutes(config, (p) => input.stateMachineArn(stateMachineName(p)))),
    SSM_DOCUMENT_NAME: input.releaseDocument,
    // The agents stream each invocation's complete output to this log group (CloudWatchOutputConfig),
    // as in the stack; like the stack, no SSM_OUTPUT_BUCKET: the state carries capped tails only.
    SSM_LOG_GROUP: input.commandOutputLogGroup,
    APPROVAL_BASE_URL: input.webhookBase,
    // Execution links on the approval pages open the local console, served beside the approvals.
    CONSOLE_BASE_URL: input.webhookBase,
    // Handlers that tell a person what to do (notices, approval pages) speak of the sandbox:
    // `deployctl ...` without --aws, and the speed-up.
    DEPLOY_CONTROLLER_SANDBOX: '1',
    SANDBOX_SPEEDUP: String(input.speedup),
    APPROVAL_LINK_KEY: randomBytes(32).toString('hex'),
    SLACK_WEBHOOK_URL: input.slackUrl,
    GITHUB_WEBHOOK_SECRET: input.webhookSecret,
    GITHUB_API_URL: `${input.awsUrl}/_sandbox/github`,
    GITHUB_TOKEN: 'sandbox-github-token',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // EMF metric lines would drown the live log; set it to false to see them.
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // The health gate polls in real time against a deadline read from the (accelerated) clock.
    HEALTH_CHECK_TIMEOUT_SECONDS: env.HEALTH_CHECK_TIMEOUT_SECONDS ?? '600',
    SMOKE_TEST_BACKOFF_MS: String(Math.max(1, Math.round(1000 / input.speedup))),
    ...(input.pipelinesFile && { PIPELINES_FILE: input.pipelinesFile }),
  };
  for (const design of TABLES) out[design.envVar] = design.localName;
  for (const p of config.pipelines)
    out[smokeOverrideVariable(p.name)] =
      `${input.appsBase}/${p.name}${new URL(p.verify.smokeTest.url).pathname}`;
  return out;
}
