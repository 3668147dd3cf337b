/**
 * The webhook's plain handler behind a node:http server on 127.0.0.1 (port 0 by default), the way
 * the local sandbox serves it, for the load test and the webhook bench. Routes come from the
 * sample pipelines.yaml through `buildRoutes`, exactly as the CDK stack builds PIPELINE_ROUTES.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../functions/commons/config/load-config';
import { DEFAULT_MAX_BODY_BYTES, handleWebhook } from '../../functions/github-webhook/handle-webhook';
import { buildRoutes, type Route } from '../../functions/github-webhook/routes';

export const ACCOUNT = '123456789012';
export const stateMachineArnFor = (pipeline: string) =>
  `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:deploy-${pipeline}`;

/** The routes of the sample configuration. */
export function sampleRoutes(): Route[] {
  return buildRoutes(loadConfig(), stateMachineArnFor);
}

export interface WebhookServerOptions {
  sfn: SFNClient;
  secret: string;
  routes?: readonly Route[];
  port?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the server; `close()` ends every connection, including kept-alive ones. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningServer> {
  const routes = options.routes ?? sampleRoutes();
  const logger = new Logger({ serviceName: 'github-webhook-evidence', logLevel: 'SILENT' });
  const secret = { get: async () => options.secret, ageMs: () => 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep one byte over the limit so the handler itself answers 413.
      if (size <= DEFAULT_MAX_BODY_BYTES + 1) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      handleWebhook(
        { method: req.method ?? 'GET', path, headers: req.headers, body },
        { routes, sfn: options.sfn, logger, secret },
      ).then(
        (response) => {
          res.writeHead(response.statusCode, {
            ...response.headers,
            'content-length': Buffer.byteLength(response.body),
          });
          res.end(response.body);
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":"internal error"}');
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/github`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
