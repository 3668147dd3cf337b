/**
 * DynamoDB's engine: dynalite (npm `dynalite`, DynamoDB's API on LevelDB, here in memory on
 * memory-level), run as its own HTTP server on an ephemeral 127.0.0.1 port that only the sandbox
 * talks to. Callers go through `call(operation, input)`, which speaks DynamoDB's JSON 1.0 protocol
 * to it and turns its error answers into ServiceErrors, so the sandbox's endpoint answers them in
 * the same wire format (and its request pipeline and fault injection run first).
 */
import type { Server } from 'node:http';
import { request } from 'node:http';
import { ServiceError } from '../../aws/service-error';

// dynalite ships no type declarations: it exports `dynalite(options) -> http.Server`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** The DynamoDB operations dynalite 4.0.0 implements (its index.js `validOperations`). */
export const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

/**
 * dynalite needs a SigV4-shaped Authorization header (it checks the shape, not the signature):
 * the sandbox's endpoint has already read the caller's.
 */
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIASANDBOXLOCAL0000/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0';

/** A running dynalite: JSON calls in, parsed answers out. */
export class DynaliteEngine {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts an empty in-memory dynalite on 127.0.0.1:0; tables are ACTIVE as soon as created. */
  static async start(): Promise<DynaliteEngine> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    // Keep-alive sockets would hold close() open.
    server.keepAliveTimeout = 1000;
    return new DynaliteEngine(server, port);
  }

  /**
   * Runs one DynamoDB operation (`GetItem`, `Scan`, …) with its JSON 1.0 input; resolves with
   * the parsed output. Rejects with a ServiceError carrying DynamoDB's error name (the part of
   * `__type` after `#`), message and HTTP status.
   */
  call(operation: string, input: unknown): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input ?? {});
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            'x-amz-date': '20260101T000000Z',
            authorization: AUTHORIZATION,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
            } catch {
              reject(
                new ServiceError('InternalFailure', `dynalite answered ${res.statusCode}: ${text}`, 500),
              );
              return;
            }
            const status = res.statusCode ?? 500;
            if (status >= 200 && status < 300) return resolve(parsed);
            const type = String(parsed.__type ?? 'InternalFailure');
            const message = String(parsed.message ?? parsed.Message ?? '');
            reject(new ServiceError(type.slice(type.indexOf('#') + 1), message, status));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Stops dynalite and drops its data. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}
