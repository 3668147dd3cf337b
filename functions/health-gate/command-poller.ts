/**
 * Waits for an SSM command's invocations to finish, polling ListCommandInvocations with short,
 * growing delays (0.5 s, x1.5, at most 5 s) inside one Lambda call, bounded by a deadline.
 *
 * One ListCommandInvocations page (Details: true) answers for up to 50 instances, where
 * GetCommandInvocation answers for one: a 300-instance fleet costs 6 calls a round instead of 300,
 * well inside SSM's API request rates. Details carry each plugin's Output, at most 2,500 characters
 * (botocore ssm/2014-11-06 service-2.json, CommandPluginOutput max 2500), plenty for the one-line
 * resource check.
 */
import { ListCommandInvocationsCommand, type CommandInvocation, type SSMClient } from '@aws-sdk/client-ssm';

/** Invocation statuses after which nothing changes any more. */
const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);
/** ListCommandInvocations' MaxResults: 1-50 (botocore ssm/2014-11-06 CommandMaxResults). */
const PAGE_SIZE = 50;

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

/**
 * SSM's line between a plugin's stdout and its stderr in Output (the SSM Agent's
 * "----------ERROR-------" marker, as the sandbox's agent writes it too).
 */
const ERROR_MARKER = /\n?-{10}ERROR-{7}\n?/;

/** The output of an invocation's plugins: stdout, then stderr on a line of its own. */
function outputOf(invocation: CommandInvocation): string {
  return (invocation.CommandPlugins ?? [])
    .map((p) => (p.Output ?? '').replace(ERROR_MARKER, '\n'))
    .join('\n');
}

/** Every invocation SSM has registered for the command so far, by instance id. */
async function readInvocations(client: SSMClient, commandId: string): Promise<Map<string, InvocationResult>> {
  const out = new Map<string, InvocationResult>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListCommandInvocationsCommand({
        CommandId: commandId,
        Details: true,
        MaxResults: PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const invocation of page.CommandInvocations ?? []) {
      if (!invocation.InstanceId) continue;
      out.set(invocation.InstanceId, {
        instanceId: invocation.InstanceId,
        status: String(invocation.Status ?? 'Pending'),
        output: outputOf(invocation),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

/** Results for every instance, finished or `NotFinished` at the deadline; unregistered ones count as pending. */
export async function waitForInvocations(
  client: SSMClient,
  commandId: string,
  instanceIds: readonly string[],
  options: PollOptions,
): Promise<InvocationResult[]> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let results = new Map<string, InvocationResult>();
  let delay = 500;
  for (;;) {
    results = await readInvocations(client, commandId);
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
