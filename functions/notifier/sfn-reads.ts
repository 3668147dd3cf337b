/**
 * The Step Functions reads the notifier needs, each one call or one paginated walk. The client is
 * passed in (module-scope client in the handler, a local endpoint in tests and the sandbox).
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  paginateGetExecutionHistory,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';

/** Input and output of an execution (the event leaves `input` out when it is too large). */
export async function describeExecutionData(
  sfn: SFNClient,
  executionArn: string,
): Promise<{ input: string | null; output: string | null }> {
  const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return { input: out.input ?? null, output: out.output ?? null };
}

/**
 * The execution's history, newest first (`reverseOrder`), paginated. The failure is at the end of
 * a run, so if a huge history is cut at `maxEvents` only the oldest, least useful events are lost.
 */
export async function readExecutionHistory(
  sfn: SFNClient,
  executionArn: string,
  options: { maxEvents?: number } = {},
): Promise<HistoryEvent[]> {
  const maxEvents = options.maxEvents ?? 10_000;
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory(
    { client: sfn, pageSize: 1000 },
    { executionArn, reverseOrder: true },
  )) {
    events.push(...(page.events ?? []));
    if (events.length >= maxEvents) break;
  }
  return events;
}

/** The state machine's most recent executions (first page, newest first). */
export async function listRecentExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  maxResults = 50,
): Promise<ExecutionListItem[]> {
  const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults }));
  return out.executions ?? [];
}
