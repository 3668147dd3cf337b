/**
 * What every command needs, built once from the global options: where the sandbox (or AWS) is,
 * the SDK clients, the sandbox control API, the pipelines configuration and the output.
 *
 * Environment: SANDBOX_PORT (sandbox AWS endpoint port, default 4566), PORT (webhook port, default
 * 3000), GITHUB_WEBHOOK_SECRET (signs `push`; sandbox default `local-sandbox-secret`), AWS_REGION
 * (with --aws), PIPELINES_FILE (default: the repository's pipelines.yaml).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../functions/commons/config/load-config';
import type { PipelinesConfig } from '../../functions/commons/config/schema';
import { CliError } from './errors';
import type { Output } from './output';
import { SandboxApi } from './sandbox-api';

/** The sandbox's webhook secret when GITHUB_WEBHOOK_SECRET is unset (documented in the README). */
export const DEFAULT_WEBHOOK_SECRET = 'local-sandbox-secret';

/** Global options as commander hands them over. */
export interface GlobalOptions {
  endpoint?: string;
  webhookUrl?: string;
  aws?: boolean;
}

export interface CliContext {
  /** `sandbox`: the local endpoint; `aws`: the real account (default credential chain). */
  mode: 'sandbox' | 'aws';
  /** The sandbox's AWS endpoint (unused with --aws). */
  endpoint: string;
  webhookUrl: string;
  webhookSecret: string;
  region: string;
  sfn: SFNClient;
  dynamo: DynamoDBDocumentClient;
  /** The sandbox's control API; throws a clear error with --aws. */
  sandbox(): SandboxApi;
  config(): PipelinesConfig;
  out: Output;
  /** Real milliseconds between polls of --follow. */
  pollMs: number;
  sleep(ms: number): Promise<void>;
}

/** http://127.0.0.1:<SANDBOX_PORT or 4566>. */
export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${env.SANDBOX_PORT || '4566'}`;
}

/** http://127.0.0.1:<PORT or 3000>/webhooks/github. */
export function defaultWebhookUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${env.PORT || '3000'}/webhooks/github`;
}

/** A URL option, checked: http(s) with a host. */
export function parseUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${option} must be a URL such as http://127.0.0.1:4566, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`${option} must be an http:// or https:// URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

export interface ContextOverrides {
  out: Output;
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
  config?: PipelinesConfig;
}

/** Builds the context for one CLI run. */
export function createContext(options: GlobalOptions, overrides: ContextOverrides): CliContext {
  const env = overrides.env ?? process.env;
  const aws = options.aws === true;
  if (aws && options.endpoint)
    throw new CliError(
      '--aws and --endpoint cannot be used together: --aws talks to the real account, --endpoint to a sandbox.',
    );
  const endpoint = parseUrl(options.endpoint ?? defaultEndpoint(env), '--endpoint');
  // With --aws there is no default webhook: `push` asks for --webhook-url (or WEBHOOK_URL) itself.
  const webhookOption = options.webhookUrl ?? (aws ? env.WEBHOOK_URL : defaultWebhookUrl(env));
  const webhookUrl = webhookOption ? parseUrl(webhookOption, '--webhook-url') : '';
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  // The sandbox takes any signature: fixed keys skip the credential chain (no IMDS probe).
  const clientConfig = aws
    ? { ...(env.AWS_REGION && { region: env.AWS_REGION }) }
    : { region, endpoint, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } };
  const sfn = new SFNClient(clientConfig);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  });
  let config = overrides.config;
  let api: SandboxApi | undefined;
  return {
    mode: aws ? 'aws' : 'sandbox',
    endpoint,
    webhookUrl,
    webhookSecret: env.GITHUB_WEBHOOK_SECRET || (aws ? '' : DEFAULT_WEBHOOK_SECRET),
    region,
    sfn,
    dynamo,
    sandbox: () => {
      if (aws)
        throw new CliError(
          'This command works with the local sandbox only (it uses the sandbox control API); drop --aws.',
        );
      api ??= new SandboxApi(endpoint);
      return api;
    },
    config: () => (config ??= loadConfig()),
    out: overrides.out,
    pollMs: overrides.pollMs ?? 1000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
