/**
 * Waits for an SSM command's invocations to finish, polling GetCommandInvocation with short,
 * growing delays (0.5 s, x1.5, at most 5 s) inside one Lambda call, bounded by a deadline.
 */
import { GetCommandInvocationCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Invocation statuses after which nothing changes any more. */
const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

export interface InvocationResult {
  instanceId: string;
  /** SSM status, or `NotFinished` when the deadline came first. */
  status: string;
  output: string;
}

export interface PollOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One invocation's state; an invocation SSM has not registered yet counts as pending. */
async function readInvocation(
  client: SSMClient,
  commandId: string,
  instanceId: string,
): Promise<InvocationResult> {
  try {
    const out = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    return {
      instanceId,
      status: out.Status ?? 'Pending',
      output: `${out.StandardOutputContent ?? ''}${out.StandardErrorContent ? `\n${out.StandardErrorContent}` : ''}`,
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'InvocationDoesNotExist')
      return { instanceId, status: 'Pending', output: '' };
    throw error;
  }
}

/** Results for every instance, finished or `NotFinished` at the deadline. */
export async function waitForInvocations(
  client: SSMClient,
  commandId: string,
  instanceIds: readonly string[],
  options: PollOptions,
): Promise<InvocationResult[]> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const results = new Map<string, InvocationResult>();
  let delay = 500;
  for (;;) {
    const pending = instanceIds.filter((id) => !TERMINAL.has(results.get(id)?.status ?? ''));
    for (const result of await Promise.all(pending.map((id) => readInvocation(client, commandId, id))))
      results.set(result.instanceId, result);
    const stillPending = instanceIds.filter((id) => !TERMINAL.has(results.get(id)?.status ?? ''));
    const left = deadline - now();
    if (stillPending.length === 0 || left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 1.5, 5000);
  }
  return instanceIds.map((id) => {
    const result = results.get(id) ?? { instanceId: id, status: 'Pending', output: '' };
    return TERMINAL.has(result.status)
      ? result
      : {
          ...result,
          status: 'NotFinished',
          output: `still ${result.status} after ${Math.round(options.timeoutMs / 1000)} s`,
        };
  });
}
