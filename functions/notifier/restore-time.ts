/**
 * Time to restore: when a run succeeds after one or more failed runs, the seconds from the stop of
 * the FIRST failure of that streak (when the pipeline went red) to this success. Superseded runs
 * end SUCCEEDED but deployed nothing, so they neither end nor break a streak; running ones are
 * skipped. Only the first ListExecutions page is read (50 newest runs): enough for any streak
 * someone still needs a number for.
 */

export interface PastExecution {
  executionArn: string;
  status: string;
  stopDate: Date | null;
}

const FAILED = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Seconds to restore, or null when the run before this success was not a failure.
 * `isSuperseded` is asked only about SUCCEEDED runs that could end the streak.
 */
export async function timeToRestoreSeconds(
  current: { executionArn: string; stopDate: Date },
  executions: readonly PastExecution[],
  isSuperseded: (executionArn: string) => Promise<boolean>,
): Promise<number | null> {
  const earlier = executions
    .filter(
      (e): e is PastExecution & { stopDate: Date } =>
        e.executionArn !== current.executionArn && e.stopDate !== null,
    )
    .filter((e) => e.stopDate.getTime() <= current.stopDate.getTime())
    .sort((a, b) => b.stopDate.getTime() - a.stopDate.getTime());

  let firstFailure: Date | null = null;
  for (const execution of earlier) {
    if (FAILED.has(execution.status)) {
      firstFailure = execution.stopDate; // keeps moving back to the start of the streak
      continue;
    }
    if (execution.status === 'SUCCEEDED') {
      if (await isSuperseded(execution.executionArn)) continue;
      break; // a real success: the streak (if any) started after it
    }
  }
  return firstFailure
    ? Math.max(0, Math.round((current.stopDate.getTime() - firstFailure.getTime()) / 1000))
    : null;
}
