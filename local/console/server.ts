/**
 * The console on its own HTTP server, for `deployctl console`: the same pages the sandbox serves
 * beside its webhook, reading through the CLI context's SDK clients (the sandbox endpoint, or the
 * real account with --aws and the caller's credentials). Listens on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { CliContext } from '../cli/context';
import { problemPage } from './layout';
import { consoleHandler } from './router';

/** The console server (not listening yet); paths outside the console answer a 404 page. */
export function createConsoleServer(ctx: CliContext): Server {
  const handle = consoleHandler(ctx);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    handle({ method, path: url.pathname })
      .then((page) => page ?? problemPage(404, 'Not found', 'There is no console page here.'))
      .catch(() => problemPage(500, 'Something went wrong', 'The console failed to render this page.'))
      .then((page) => {
        res.writeHead(page.statusCode, {
          'content-length': String(Buffer.byteLength(page.body)),
          ...page.headers,
        });
        res.end(page.body);
      });
  });
  server.keepAliveTimeout = 1000;
  return server;
}

/** Starts listening on 127.0.0.1:`port` (0: any free port); resolves with the port. */
export function listenConsole(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
