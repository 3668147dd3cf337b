/** Loads the sample events and histories (fresh copies: tests may change them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';

const root = join(__dirname, '../../../events');

export type EventBridgeSample = {
  id: string;
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    startDate: number;
    stopDate: number | null;
    input: string | null;
    output: string | null;
    error: string | null;
    cause: string | null;
    redriveCount: number;
  } & Record<string, unknown>;
} & Record<string, unknown>;

export const HISTORY_NAMES = [
  'build-failed',
  'tests-failed',
  'scan-failed',
  'health-gate-failed',
  'canary-reverted',
  'verify-failed-rolled-back',
  'rollback-failed',
  'approval-expired',
  'approval-rejected',
  'ssm-instance-failed',
  'timed-out',
  'aborted',
] as const;
export type HistoryName = (typeof HISTORY_NAMES)[number];

/** An EventBridge sample from events/eventbridge. */
export function loadEvent(name: string): EventBridgeSample {
  return structuredClone(
    JSON.parse(readFileSync(join(root, 'eventbridge', `${name}.json`), 'utf8')) as EventBridgeSample,
  );
}

/** The raw GetExecutionHistory response (wire format: epoch-second timestamps), oldest first. */
export function loadHistoryResponse(name: HistoryName): { events: Record<string, unknown>[] } {
  return structuredClone(
    JSON.parse(readFileSync(join(root, 'sfn-history', `${name}.json`), 'utf8')) as {
      events: Record<string, unknown>[];
    },
  );
}

/** The same events as the SDK hands them over (Date timestamps). */
export function loadHistoryEvents(name: HistoryName): HistoryEvent[] {
  return loadHistoryResponse(name).events.map(
    (e) => ({ ...e, timestamp: new Date(Number(e.timestamp) * 1000) }) as HistoryEvent,
  );
}

/** The execution input recorded in the history's ExecutionStarted event. */
export function historyInput(name: HistoryName): Record<string, string> {
  const started = loadHistoryResponse(name).events[0] as { executionStartedEventDetails: { input: string } };
  return JSON.parse(started.executionStartedEventDetails.input) as Record<string, string>;
}
