/**
 * Runs the real handler modules (`functions/<name>/handler.ts`) in-process, the way Lambda calls
 * them: a JSON round-trip of the event and the result, a Lambda-shaped context
 * (awsRequestId, functionName, invokedFunctionArn, getRemainingTimeInMillis, ...), a timeout, and
 * errors reported by their `name` as `errorType` (which is what Step Functions matches).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installEsmInterop } from '../../esm-interop';
import type { LambdaResult } from '../../sfn/integrations';

/** The project's functions folder. */
export const FUNCTIONS_DIR = resolve(__dirname, '../../../functions');

import { FUNCTION_MANIFESTS } from '../../../functions/manifest';

export { FUNCTION_NAMES } from '../../../functions/manifest';

/**
 * Synchronous invocation payloads: "Invocation payload (request and response): 6 MB each for
 * synchronous" (Lambda developer guide, "Lambda quotas"). A larger request is refused with
 * RequestTooLargeException, HTTP 413 (botocore lambda service-2.json, Invoke errors), message as
 * AWS words it ("<n> byte payload is too large for the RequestResponse invocation type (limit
 * 6291456 bytes)"); a larger response is an Unhandled function error `Function.ResponseSizeTooLarge`,
 * "Response payload size exceeded maximum allowed payload size (6291556 bytes)." (the answer AWS
 * gives, as getmoto/moto's Lambda tests record it).
 */
export const REQUEST_LIMIT_BYTES = 6_291_456;
export const RESPONSE_LIMIT_BYTES = 6_291_556;

/** Lambda's default MemorySize, for fakes that have no manifest. */
const DEFAULT_MEMORY_MB = 128;

type Handler = (event: unknown, context: LambdaContext) => unknown;

export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

export interface InvocationRecord {
  functionName: string;
  requestId: string;
  errorType?: string;
  errorMessage?: string;
  realMs: number;
}

export interface LambdaRuntimeOptions {
  region: string;
  account: string;
  /** Real seconds a handler may run before it is reported as timed out (Lambda's Timeout). */
  timeoutSeconds?: number;
  /** Function name -> folder under functions/ (defaults to the same name). */
  folders?: Record<string, string>;
  /** Replaces a handler (tests use fakes before the real handlers exist). */
  handlers?: Record<string, Handler>;
  /** A function error to return instead of running the handler (fault injection). */
  fault?: (functionName: string) => LambdaResult | undefined;
  functionsDir?: string;
  /**
   * Runs an invocation in its function's identity (the sandbox's IAM: local/iam/caller.ts), so the
   * AWS calls the handler makes are signed as its role.
   */
  runAs?: <T>(functionName: string, fn: () => Promise<T>) => Promise<T>;
}

export class LambdaRuntime {
  private readonly loaded = new Map<string, Promise<Handler>>();
  readonly invocations: InvocationRecord[] = [];
  /** Invocations running now, by function (attributes Slack messages to their sender). */
  readonly active = new Map<string, number>();

  constructor(private readonly options: LambdaRuntimeOptions) {
    installEsmInterop();
  }

  arn(functionName: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.account}:function:${functionName}`;
  }

  /** Whether a handler can be found for the function (fake or real file). */
  has(functionName: string): boolean {
    if (this.options.handlers?.[functionName]) return true;
    return existsSync(this.handlerPath(functionName));
  }

  private handlerPath(functionName: string): string {
    const folder = this.options.folders?.[functionName] ?? functionName;
    return join(this.options.functionsDir ?? FUNCTIONS_DIR, folder, 'handler.ts');
  }

  private load(functionName: string): Promise<Handler> {
    const fake = this.options.handlers?.[functionName];
    if (fake) return Promise.resolve(fake);
    let handler = this.loaded.get(functionName);
    if (!handler) {
      const path = this.handlerPath(functionName);
      handler = (async () => {
        if (!existsSync(path))
          throw Object.assign(new Error(`Function not found: ${this.arn(functionName)} (no ${path})`), {
            name: 'ResourceNotFoundException',
          });
        const module = (await import(path)) as { handler?: Handler; default?: { handler?: Handler } };
        const fn = module.handler ?? module.default?.handler;
        if (typeof fn !== 'function')
          throw Object.assign(new Error(`${path} does not export a handler function`), {
            name: 'Runtime.HandlerNotFound',
          });
        return fn;
      })();
      this.loaded.set(functionName, handler);
      handler.catch(() => this.loaded.delete(functionName));
    }
    return handler;
  }

  /** Imports the handlers that exist now (so the first invocation does not pay the import). */
  async preload(names: readonly string[]): Promise<string[]> {
    const present = names.filter((name) => this.has(name));
    await Promise.all(present.map((name) => this.load(name).catch(() => undefined)));
    return present;
  }

  /**
   * Invokes a function synchronously (RequestResponse); never throws. A request over 6 MB answers
   * RequestTooLargeException (a `serviceError`, 413) without running the function; a response over
   * 6 MB answers the function error Function.ResponseSizeTooLarge.
   */
  async invoke(functionName: string, event: unknown): Promise<LambdaResult> {
    const requestId = randomUUID();
    const started = performance.now();
    this.active.set(functionName, (this.active.get(functionName) ?? 0) + 1);
    const finish = (result: LambdaResult): LambdaResult => {
      this.active.set(functionName, (this.active.get(functionName) ?? 1) - 1);
      this.invocations.push({
        functionName,
        requestId,
        realMs: performance.now() - started,
        ...('errorType' in result && {
          errorType: result.errorType,
          errorMessage: result.errorMessage.slice(0, 500),
        }),
      });
      return result;
    };
    const requestBytes = Buffer.byteLength(JSON.stringify(event ?? null), 'utf8');
    if (requestBytes > REQUEST_LIMIT_BYTES)
      return finish({
        errorType: 'RequestTooLargeException',
        errorMessage: `${requestBytes} byte payload is too large for the RequestResponse invocation type (limit ${REQUEST_LIMIT_BYTES} bytes)`,
        serviceError: { statusCode: 413 },
      });
    const injected = this.options.fault?.(functionName);
    if (injected) return finish(injected);
    let handler: Handler;
    try {
      handler = await this.load(functionName);
    } catch (error) {
      const e = error as Error;
      return finish({
        errorType: e.name === 'Error' ? 'Runtime.ImportModuleError' : e.name,
        errorMessage: e.message,
      });
    }
    const timeoutMs = (this.options.timeoutSeconds ?? 60) * 1000;
    const deadline = performance.now() + timeoutMs;
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arn(functionName),
      // As deployed: the function's manifest (functions/<name>/manifest.ts) sizes it.
      memoryLimitInMB: String(
        FUNCTION_MANIFESTS.find((m) => m.name === functionName)?.memoryMb ?? DEFAULT_MEMORY_MB,
      ),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `sandbox/[$LATEST]${requestId.replace(/-/g, '')}`,
      getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<LambdaResult>((resolveTimeout) => {
      timer = setTimeout(
        () =>
          resolveTimeout({
            errorType: 'Sandbox.Timedout',
            errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
          }),
        timeoutMs,
      );
    });
    const run = (async (): Promise<LambdaResult> => {
      try {
        // Lambda passes JSON, not object references: a handler cannot mutate the caller's data.
        const call = async () => handler(JSON.parse(JSON.stringify(event ?? null)), context);
        const result = await (this.options.runAs ? this.options.runAs(functionName, call) : call());
        const text = JSON.stringify(result === undefined ? null : result);
        if (Buffer.byteLength(text, 'utf8') > RESPONSE_LIMIT_BYTES)
          return {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).`,
          };
        return { payload: JSON.parse(text) };
      } catch (error) {
        const e = error as Error;
        return {
          errorType: e?.name || 'Error',
          errorMessage: e?.message ?? String(error),
          trace: (e?.stack ?? '')
            .split('\n')
            .slice(1, 6)
            .map((l) => l.trim()),
        };
      }
    })();
    try {
      return finish(await Promise.race([run, timedOut]));
    } finally {
      clearTimeout(timer);
    }
  }
}
