/**
 * Task tokens for `.waitForTaskToken` states: issued when the task starts, settled once by
 * SendTaskSuccess / SendTaskFailure, refused after the state timed out or the execution ended.
 */
import { randomBytes } from 'node:crypto';
import { ServiceError } from '../aws/service-error';

export interface PendingTask {
  token: string;
  executionArn: string;
  stateName: string;
  resolve: (output: unknown) => void;
  reject: (error: { error: string; cause: string }) => void;
  lastHeartbeat: Date;
  /** Called on each SendTaskHeartbeat (the state's HeartbeatSeconds timer starts again). */
  onHeartbeat?: () => void;
}

const MAX_TOKEN_LENGTH = 1024;

export class TaskTokens {
  private readonly pending = new Map<string, PendingTask>();
  /** Tokens that ended and why, so a late callback gets TaskTimedOut rather than InvalidToken. */
  private readonly closed = new Map<string, 'timed-out' | 'settled' | 'execution-ended'>();

  /** A fresh opaque token (base64url, like AWS's long opaque tokens). */
  issue(
    executionArn: string,
    stateName: string,
    resolve: PendingTask['resolve'],
    reject: PendingTask['reject'],
  ): string {
    const token = `AQB${randomBytes(96).toString('base64url')}`;
    this.pending.set(token, { token, executionArn, stateName, resolve, reject, lastHeartbeat: new Date() });
    return token;
  }

  /** True while `token` waits for a callback (not settled, timed out, or ended with its run). */
  isPending(token: string): boolean {
    return this.pending.has(token);
  }

  /** Calls `fn` on every SendTaskHeartbeat for `token` while it waits. */
  onHeartbeat(token: string, fn: () => void): void {
    const task = this.pending.get(token);
    if (task) task.onHeartbeat = fn;
  }

  private take(token: unknown): PendingTask {
    if (typeof token !== 'string' || token.length < 1 || token.length > MAX_TOKEN_LENGTH) {
      throw new ServiceError('InvalidToken', 'Invalid Token: the task token must be 1-1024 characters');
    }
    const task = this.pending.get(token);
    if (task) return task;
    const closed = this.closed.get(token);
    if (closed === 'timed-out' || closed === 'execution-ended' || closed === 'settled')
      throw new ServiceError('TaskTimedOut', 'Task Timed Out');
    throw new ServiceError('InvalidToken', 'Invalid Token');
  }

  succeed(token: unknown, output: unknown): PendingTask {
    const task = this.take(token);
    this.finish(task.token, 'settled');
    task.resolve(output);
    return task;
  }

  fail(token: unknown, error: string, cause: string): PendingTask {
    const task = this.take(token);
    this.finish(task.token, 'settled');
    task.reject({ error, cause });
    return task;
  }

  heartbeat(token: unknown): PendingTask {
    const task = this.take(token);
    task.lastHeartbeat = new Date();
    task.onHeartbeat?.();
    return task;
  }

  /** The state timed out (or its execution ended): later callbacks get TaskTimedOut. */
  finish(token: string, why: 'timed-out' | 'settled' | 'execution-ended'): void {
    if (this.pending.delete(token)) this.closed.set(token, why);
  }

  /** Closes every token of an execution. */
  finishExecution(executionArn: string): void {
    for (const task of [...this.pending.values()])
      if (task.executionArn === executionArn) this.finish(task.token, 'execution-ended');
  }

  /** Tokens still waiting, for the control API (tokens themselves are not secret in the sandbox). */
  list(): Omit<PendingTask, 'resolve' | 'reject'>[] {
    return [...this.pending.values()].map(({ resolve: _r, reject: _j, ...rest }) => rest);
  }

  clear(): void {
    this.pending.clear();
    this.closed.clear();
  }
}
