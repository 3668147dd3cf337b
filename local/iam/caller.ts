/**
 * Who is calling. Every handler runs in this one process, so the sandbox tells callers apart the
 * way AWS does, by access key: each principal (a role session) gets an access key id of its own,
 * and the Lambda runtime runs each invocation inside `runAs(<the function's principal>)`
 * (AsyncLocalStorage). Outgoing SDK requests made inside that context are re-keyed as they are
 * created (Node's `http.client.request.created` diagnostics channel, before the headers are
 * written): the SigV4 `Credential=<key id>/…` scope names the principal's key instead of the
 * shared fake key. Only this process's requests that carry the sandbox's handler key are touched;
 * the signature is not recomputed (the sandbox does not verify signatures).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** A role session: what AWS calls the principal of a call made with a role's credentials. */
export interface Caller {
  roleArn: string;
  /** The session name (a Lambda function's name, an instance id, …). */
  sessionName: string;
}

const context = new AsyncLocalStorage<Caller>();

/** Runs `fn` (and everything it starts) as `caller`. */
export function runAs<T>(caller: Caller, fn: () => T): T {
  return context.run(caller, fn);
}

/** The caller of the current async context, if any. */
export function currentCaller(): Caller | undefined {
  return context.getStore();
}

/**
 * A temporary-credential style access key id (`ASIA` + 16 characters) derived from the role:
 * stable, so denials and logs name the same key for the same role in every run.
 */
export function accessKeyIdFor(roleArn: string): string {
  return `ASIA${createHash('sha256').update(roleArn).digest('hex').slice(0, 16).toUpperCase()}`;
}

/** `arn:aws:sts::<account>:assumed-role/<role name>/<session>`: the principal AWS names in denials. */
export function sessionArn(caller: Caller): string {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(caller.roleArn);
  return match ? `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/${caller.sessionName}` : caller.roleArn;
}

const CHANNEL = 'http.client.request.created';

/**
 * Re-keys outgoing requests signed with `sharedAccessKeyId` to the current caller's key id, and
 * remembers which key is whose. Returns the function that stops it.
 */
export function installCallerKeys(
  sharedAccessKeyId: string,
  onKey: (accessKeyId: string, caller: Caller) => void,
): () => void {
  const listener = (message: unknown) => {
    const caller = context.getStore();
    if (!caller) return;
    const request = (message as { request?: ClientRequest }).request;
    if (!request || request.headersSent) return;
    const authorization = request.getHeader('authorization');
    if (typeof authorization !== 'string' || !authorization.includes(`Credential=${sharedAccessKeyId}/`))
      return;
    const keyId = accessKeyIdFor(caller.roleArn);
    onKey(keyId, caller);
    request.setHeader(
      'authorization',
      authorization.replace(`Credential=${sharedAccessKeyId}/`, `Credential=${keyId}/`),
    );
  };
  dc.subscribe(CHANNEL, listener);
  return () => dc.unsubscribe(CHANNEL, listener);
}
