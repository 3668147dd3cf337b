/**
 * How the CLI fails: one line, never a stack trace. A CliError carries its exit code; anything
 * else is classified here (connection refused -> the sandbox is not running, exit 2; AWS service
 * errors -> "<ErrorName>: <message>", exit 1).
 */

/** A failure the user can act on; `exitCode` 1 for "it did not work", 2 for "cannot reach it". */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit code when the sandbox (or the given endpoint) does not answer. */
export const EXIT_UNREACHABLE = 2;

/**
 * The one line printed when nothing listens on the sandbox endpoint; for the webhook (`push`) it
 * also says how to point at a sandbox started elsewhere.
 */
export function sandboxNotRunning(url: string, kind: 'endpoint' | 'webhook' = 'endpoint'): CliError {
  const elsewhere =
    kind === 'webhook'
      ? ' If it runs on another port, pass --webhook-url <its webhook URL> or set PORT (npm start prints both).'
      : ' If it runs on another port, pass --endpoint <url> or set SANDBOX_PORT.';
  return new CliError(
    `The local sandbox is not running on ${url}. Start it with \`npm start\` in another shell, or pass --aws.${elsewhere}`,
    EXIT_UNREACHABLE,
  );
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The network error code inside an SDK or fetch error (fetch hides it in `cause`). */
export function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    // The SDK wraps errors from another realm (e.g. a test VM) as "AWS SDK error wrapper for Error: connect ECONNREFUSED ...".
    const message = (current as { message?: unknown }).message;
    const named =
      typeof message === 'string'
        ? /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)\b/.exec(message)?.[1]
        : undefined;
    if (named) return named;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const inner = errors.map(networkCode).find(Boolean);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface ErrorContext {
  /** Sandbox mode: a refused connection means the sandbox is not running. */
  sandbox: boolean;
  /** The URL the failed call went to (sandbox endpoint unless a command says otherwise). */
  url: string;
}

/** Any thrown value as a CliError with a one-line message. */
export function toCliError(error: unknown, context: ErrorContext): CliError {
  if (error instanceof CliError) return error;
  const code = networkCode(error);
  if (code) {
    return context.sandbox
      ? sandboxNotRunning(context.url)
      : new CliError(`Cannot reach ${context.url} (${code}).`, EXIT_UNREACHABLE);
  }
  const named = error as { name?: unknown; message?: unknown; $metadata?: unknown };
  const name = typeof named?.name === 'string' && named.name !== 'Error' ? named.name : undefined;
  const message = typeof named?.message === 'string' ? firstLine(named.message) : String(error);
  // AWS SDK errors carry $metadata: say which service error it was.
  if (named && typeof named === 'object' && '$metadata' in named && name)
    return new CliError(`${name}: ${message}`);
  return new CliError(name && !message.startsWith(name) ? `${name}: ${message}` : message);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
