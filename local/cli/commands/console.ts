/**
 * `deployctl console [--port n]`: serves the local console (pipelines, runs live, waiting
 * approvals, failures, DORA metrics) on http://127.0.0.1:<port>/ until Ctrl-C. With --aws it
 * reads the real account with the caller's credentials; approvals link to the deployed
 * approval pages (API Gateway), so decisions go through the same signed, single-use links.
 */
import { createConsoleServer, listenConsole } from '../../console/server';
import type { CliContext } from '../context';
import { CliError } from '../errors';

/** Port when neither --port nor CONSOLE_PORT is given. */
export const DEFAULT_CONSOLE_PORT = 3001;

/** Checks a --port / CONSOLE_PORT value: a whole number from 0 to 65535. */
export function parsePort(value: string | undefined, fallback = DEFAULT_CONSOLE_PORT): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a port number from 0 to 65535, got "${value}".`);
  return port;
}

export interface ConsoleOptions {
  port?: string;
  /** Resolves when the console should stop (default: SIGINT or SIGTERM). */
  until?: Promise<void>;
  /** Called with the URL once it listens. */
  onListening?: (url: string) => void;
}

function signal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export async function consoleCommand(ctx: CliContext, options: ConsoleOptions = {}): Promise<number> {
  const server = createConsoleServer(ctx);
  let port: number;
  try {
    port = await listenConsole(server, parsePort(options.port ?? process.env.CONSOLE_PORT));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new CliError(
        `Port ${options.port ?? process.env.CONSOLE_PORT ?? DEFAULT_CONSOLE_PORT} is in use; pass --port (0 for any free port).`,
      );
    throw error;
  }
  const url = `http://127.0.0.1:${port}/`;
  ctx.out.line(
    `console on ${url}  (${ctx.mode === 'aws' ? 'your AWS account, region ' + ctx.region : `sandbox at ${ctx.endpoint}`}); Ctrl-C stops it`,
  );
  options.onListening?.(url);
  await (options.until ?? signal());
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
}
