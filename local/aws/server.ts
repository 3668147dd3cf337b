/**
 * The local AWS endpoint: one node:http server that answers the wire protocols the real SDK v3
 * clients speak. It dispatches on what each protocol puts on the wire:
 * - JSON 1.0 / 1.1: `X-Amz-Target: <prefix>.<Operation>` (Step Functions, SSM, CodeBuild,
 *   DynamoDB, Secrets Manager, CloudWatch, EventBridge);
 * - awsQuery: a form body with `Action` and `Version` (Elastic Beanstalk);
 * - S3 REST: anything else signed for `s3` (path-style `/<bucket>/<key>`);
 * - `/_sandbox/*`: the sandbox's own JSON control API and Slack sink (not AWS).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseQueryParams } from './query-params';
import { ServiceError } from './service-error';
import { fields, toXml } from './xml';
import { omit } from '../omit';

/** What an operation learns about its request. */
export interface RequestContext {
  requestId: string;
  region: string;
}

// Inputs are the protocol's own JSON / query shapes, validated inside each operation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (input: any, ctx: RequestContext) => unknown;

export interface JsonService {
  /** Short name used in logs, faults and errors, e.g. `sfn`. */
  name: string;
  /** `X-Amz-Target` prefix, e.g. `AWSStepFunctions`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, Operation>;
  /** CloudWatch: also sends `x-amzn-query-error` so the SDK maps legacy awsQuery codes. */
  queryCompatible?: boolean;
}

export interface QueryService {
  name: string;
  /** awsQuery `Version`, e.g. `2010-12-01`. */
  version: string;
  xmlns: string;
  operations: Record<string, Operation>;
}

/** An HTTP answer from a raw handler (S3, control API). */
export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One AWS call as the request pipeline sees it, after the protocol is parsed and before the
 * operation runs. Checks (authorisation, request constraints) read it and may refuse the call.
 */
export interface AwsCall {
  /** The sandbox's short service name (`sfn`, `ssm`, `elasticbeanstalk`, `dynamodb`, `s3`, …). */
  service: string;
  /** SigV4 signing name from the Authorization header (`states`, `ssm`, `s3`, …), if signed. */
  signingName?: string;
  /** Operation name as in the API reference (`StartExecution`, `UpdateEnvironment`). */
  operation: string;
  /** The protocol's input: JSON body, awsQuery params without Action/Version, or S3's request. */
  input: unknown;
  headers: Record<string, string>;
  /** Access key id from the SigV4 Credential scope: who signed the call. */
  accessKeyId?: string;
  region: string;
}

/**
 * A step of the request pipeline: answers a ServiceError to refuse the call (it is then answered
 * in the service's wire format), or undefined to let it go on. Checks run in order, before fault
 * injection and the operation.
 */
export type CallCheck = (call: AwsCall) => ServiceError | undefined | Promise<ServiceError | undefined>;

export interface AwsServerOptions {
  /** Request pipeline steps (authorisation, constraints), run in order on every AWS call. */
  checks?: CallCheck[];
  jsonServices: JsonService[];
  queryServices: QueryService[];
  s3: (request: RawRequest) => RawResponse | Promise<RawResponse>;
  /** Names an S3 request's operation as the API reference does (`ListObjectsV2`, `GetObject`, …). */
  s3Operation?: (request: RawRequest) => string;
  control: (request: RawRequest) => RawResponse | Promise<RawResponse>;
  /** Fault injection: an error to answer instead of running the operation. */
  fault?: (service: string, operation: string, fingerprint: string) => ServiceError | undefined;
  /** Called once per AWS call (not for /_sandbox). */
  onCall?: (service: string, operation: string, error?: ServiceError) => void;
  region?: string;
  maxBodyBytes?: number;
}

const JSON_REPLACER = function (this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON protocols carry timestamps as epoch seconds; toJSON already turned Dates into strings.
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
};

/** JSON text as the JSON protocols write it (Dates as epoch seconds). */
export function awsJson(value: unknown): string {
  return JSON.stringify(value ?? {}, JSON_REPLACER);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ServiceError('RequestEntityTooLarge', `request body is over ${limit} bytes`, 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** `Credential=AKID/20240101/us-east-1/s3/aws4_request` -> `s3`. */
export function signedService(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

/** `Credential=AKID/20240101/…` -> `AKID`. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
}

function regionOf(authorization: string | undefined, fallback: string): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '')?.[1] ?? fallback;
}

export class AwsServer {
  readonly server: Server;
  private readonly jsonByPrefix = new Map<string, JsonService>();
  private readonly queryByVersion = new Map<string, QueryService>();

  constructor(private readonly options: AwsServerOptions) {
    for (const service of options.jsonServices) this.jsonByPrefix.set(service.targetPrefix, service);
    for (const service of options.queryServices) this.queryByVersion.set(service.version, service);
    this.server = createServer((req, res) => void this.handle(req, res));
    // Keep-alive sockets would hold `close()` open until they time out.
    this.server.keepAliveTimeout = 1000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const headers = headersOf(req);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    let body: Buffer;
    try {
      body = await readBody(req, this.options.maxBodyBytes ?? 64 * 1024 * 1024);
    } catch (error) {
      return send(res, {
        status: 413,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: (error as Error).message }),
      });
    }
    const raw: RawRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
    };
    try {
      if (url.pathname.startsWith('/_sandbox/') || url.pathname === '/_sandbox')
        return send(res, await this.options.control(raw));
      const target = headers['x-amz-target'];
      if (target) return send(res, await this.json(target, raw, requestId));
      const contentType = headers['content-type'] ?? '';
      if (
        raw.method === 'POST' &&
        contentType.startsWith('application/x-www-form-urlencoded') &&
        signedService(headers.authorization) !== 's3'
      ) {
        return send(res, await this.query(raw, requestId));
      }
      return send(res, await this.s3(raw, requestId));
    } catch (error) {
      // Only a bug in the sandbox gets here; say so plainly rather than hang the client.
      send(res, {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          __type: 'InternalFailure',
          message: `sandbox error: ${(error as Error).message}`,
        }),
      });
    }
  }

  /** Runs the request pipeline's checks; the first refusal wins. */
  private async refused(
    service: string,
    operation: string,
    input: unknown,
    raw: RawRequest,
  ): Promise<ServiceError | undefined> {
    const checks = this.options.checks ?? [];
    if (!checks.length) return undefined;
    const authorization = raw.headers.authorization;
    const call: AwsCall = {
      service,
      operation,
      input,
      headers: raw.headers,
      region: regionOf(authorization, this.options.region ?? 'us-east-1'),
    };
    const signingName = signedService(authorization);
    if (signingName) call.signingName = signingName;
    const accessKeyId = accessKeyIdOf(authorization);
    if (accessKeyId) call.accessKeyId = accessKeyId;
    for (const check of checks) {
      const refusal = await check(call);
      if (refusal) return refusal;
    }
    return undefined;
  }

  private injected(service: string, operation: string, body: Buffer): ServiceError | undefined {
    const fingerprint = createHash('sha1').update(service).update(operation).update(body).digest('hex');
    return this.options.fault?.(service, operation, fingerprint);
  }

  private async json(target: string, raw: RawRequest, requestId: string): Promise<RawResponse> {
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const operationName = target.slice(dot + 1);
    const service = this.jsonByPrefix.get(prefix);
    const contentType = `application/x-amz-json-${service?.jsonVersion ?? '1.1'}`;
    const answerError = (error: ServiceError): RawResponse => {
      const headers: Record<string, string> = {
        'content-type': contentType,
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      };
      if (service?.queryCompatible) headers['x-amzn-query-error'] = `${error.code};${error.fault}`;
      return {
        status: error.status,
        headers,
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    };
    if (!service)
      return answerError(
        new ServiceError(
          'UnknownOperationException',
          `the sandbox does not implement the service with X-Amz-Target prefix "${prefix}" (operation ${operationName})`,
        ),
      );
    const operation = Object.hasOwn(service.operations, operationName)
      ? service.operations[operationName]
      : undefined;
    if (!operation) {
      this.options.onCall?.(service.name, operationName, new ServiceError('UnknownOperationException', ''));
      return answerError(
        new ServiceError(
          'UnknownOperationException',
          `the sandbox does not implement ${service.name} operation ${operationName}`,
        ),
      );
    }
    let input: unknown;
    try {
      input = raw.body.length ? JSON.parse(raw.body.toString('utf8')) : {};
    } catch {
      return answerError(new ServiceError('SerializationException', 'request body is not valid JSON'));
    }
    const refusal = await this.refused(service.name, operationName, input ?? {}, raw);
    if (refusal) {
      this.options.onCall?.(service.name, operationName, refusal);
      return answerError(refusal);
    }
    const fault = this.injected(service.name, operationName, raw.body);
    if (fault) {
      this.options.onCall?.(service.name, operationName, fault);
      return answerError(fault);
    }
    try {
      const output = await operation(input ?? {}, {
        requestId,
        region: regionOf(raw.headers.authorization, this.options.region ?? 'us-east-1'),
      });
      this.options.onCall?.(service.name, operationName);
      return {
        status: 200,
        headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
        body: awsJson(output),
      };
    } catch (error) {
      return this.failedCall(service.name, operationName, error, answerError);
    }
  }

  /** Answers a failed call in its protocol's error shape; anything not a ServiceError is a sandbox bug (500). */
  private failedCall(
    serviceName: string,
    operation: string,
    error: unknown,
    answerError: (error: ServiceError) => RawResponse,
  ): RawResponse {
    const serviceError =
      error instanceof ServiceError
        ? error
        : new ServiceError(
            'InternalFailure',
            `sandbox error in ${serviceName}.${operation}: ${(error as Error).message}`,
            500,
          );
    this.options.onCall?.(serviceName, operation, serviceError);
    return answerError(serviceError);
  }

  private async query(raw: RawRequest, requestId: string): Promise<RawResponse> {
    const params = parseQueryParams(raw.body.toString('utf8'));
    const action = typeof params.Action === 'string' ? params.Action : '';
    const version = typeof params.Version === 'string' ? params.Version : '';
    const service = this.queryByVersion.get(version);
    const answerError = (error: ServiceError): RawResponse => ({
      status: error.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse xmlns="${service?.xmlns ?? ''}">${toXml('Error', { Type: error.fault, Code: error.code, Message: error.message })}<RequestId>${requestId}</RequestId></ErrorResponse>`,
    });
    if (!service)
      return answerError(
        new ServiceError(
          'InvalidAction',
          `the sandbox does not implement an awsQuery service with Version "${version}" (Action ${action})`,
        ),
      );
    const operation = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
    if (!operation)
      return answerError(
        new ServiceError('InvalidAction', `the sandbox does not implement ${service.name} action ${action}`),
      );
    const input = omit(params, 'Action', 'Version');
    const refusal = await this.refused(service.name, action, input, raw);
    if (refusal) {
      this.options.onCall?.(service.name, action, refusal);
      return answerError(refusal);
    }
    const fault = this.injected(service.name, action, raw.body);
    if (fault) {
      this.options.onCall?.(service.name, action, fault);
      return answerError(fault);
    }
    try {
      const output = (await operation(input, {
        requestId,
        region: regionOf(raw.headers.authorization, this.options.region ?? 'us-east-1'),
      })) as Record<string, unknown> | undefined;
      this.options.onCall?.(service.name, action);
      const result =
        output && Object.keys(output).length ? `<${action}Result>${fields(output)}</${action}Result>` : '';
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<${action}Response xmlns="${service.xmlns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      };
    } catch (error) {
      return this.failedCall(service.name, action, error, answerError);
    }
  }

  private async s3(raw: RawRequest, requestId: string): Promise<RawResponse> {
    const operation = this.options.s3Operation?.(raw) ?? `${raw.method} object`;
    const refusal = await this.refused('s3', operation, raw, raw);
    const fault = refusal ?? this.injected('s3', operation, raw.body);
    const answer = fault
      ? {
          status: fault.status,
          headers: { 'content-type': 'application/xml' },
          body: `<?xml version="1.0" encoding="UTF-8"?>${toXml('Error', { Code: fault.code, Message: fault.message, RequestId: requestId })}`,
        }
      : await this.options.s3(raw);
    this.options.onCall?.('s3', operation, fault);
    return { ...answer, headers: { 'x-amz-request-id': requestId, ...answer.headers } };
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port); resolves with the port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void> {
    return closeServer(this.server);
  }
}

/**
 * Writes a RawResponse. Its `Date` header reads the sandbox's clock (the simulated one once the
 * sandbox installs it), as AWS dates its answers by its own clock: Node's automatic header reads
 * the real clock, which the SDK clients of this process (on the simulated clock) took for a clock
 * skew of hours. The SDK then "corrected" it and retried every error answered with a corrected
 * skew, ExecutionAlreadyExists and ConditionalCheckFailedException included (@aws-sdk/core's
 * AwsSdkSigV4Signer.errorHandler marks `$metadata.clockSkewCorrected` when the offset moves by
 * 4 minutes or more; @smithy/util-retry's isTransientError retries such errors).
 */
export function send(res: ServerResponse, answer: RawResponse): void {
  const body = answer.body ?? '';
  res.writeHead(answer.status, {
    'content-length': String(Buffer.byteLength(body)),
    date: new Date().toUTCString(),
    ...answer.headers,
  });
  res.end(body);
}

/** Closes a server and its idle keep-alive sockets. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests in flight (a long poll) get a moment, then go.
    setTimeout(() => server.closeAllConnections(), 200).unref();
  });
}
