/**
 * Cleanup of runs that died outside their Catch paths (stopped, timed out, States.Runtime): the
 * lock is released only through the holder-conditional release, the outcome only recorded when
 * the run recorded none, and the notice line says what happened, also on a retried notice.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import {
  cleanUpDeadRun,
  cleanupText,
  diedOutsideCatch,
  everHeldLock,
  redrivenSince,
  type CleanupActions,
} from '../../functions/notifier/run-cleanup';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:run-1';

function actions(overrides: Partial<CleanupActions> = {}) {
  const calls: string[] = [];
  const out: CleanupActions = {
    releaseLock: async (pipeline, arn) => {
      calls.push(`release ${pipeline} ${arn}`);
      return { released: true, targetKey: 'eb:retail-bank/retail-bank-prod' };
    },
    recordOutcomeIfOpen: async (pipeline, arn, outcome) => {
      calls.push(`record ${pipeline} ${arn} ${outcome.error}`);
      return true;
    },
    ...overrides,
  };
  return { out, calls };
}

const acquired: HistoryEvent = {
  id: 30,
  timestamp: new Date(),
  type: 'TaskStateExited',
  stateExitedEventDetails: {
    name: 'Acquire deploy lock',
    output: JSON.stringify({ lock: { status: 'acquired', waitSeconds: 0, targetKey: 'eb:x/y' } }),
  },
};

describe('run cleanup', () => {
  it('runs only for runs that did not end in one of the pipeline Fail states', () => {
    expect(diedOutsideCatch('ABORTED', null)).toBe(true);
    expect(diedOutsideCatch('TIMED_OUT', 'States.Timeout')).toBe(true);
    expect(diedOutsideCatch('FAILED', 'States.Runtime')).toBe(true);
    expect(diedOutsideCatch('FAILED', 'BuildFailed')).toBe(false);
    expect(diedOutsideCatch('FAILED', 'ApprovalRejected')).toBe(false);
  });

  it('releases the lock the stopped run holds and records its outcome', async () => {
    // Prepare
    const { out, calls } = actions();
    // Act
    const report = await cleanUpDeadRun(
      { pipeline: 'retail-bank', executionArn: ARN, status: 'ABORTED', error: null, heldLock: true },
      out,
    );
    // Assess
    expect(calls).toEqual([`release retail-bank ${ARN}`, `record retail-bank ${ARN} States.Aborted`]);
    expect(report).toMatchObject({
      lock: 'released',
      outcome: 'recorded',
      targetKey: 'eb:retail-bank/retail-bank-prod',
    });
    expect(cleanupText(report)).toBe(
      'The run stopped (StopExecution) before its cleanup ran. The deploy lock on eb:retail-bank/retail-bank-prod was released, so the next push can deploy. The outcome was recorded in the deployment history.',
    );
  });

  it('says the lock was released on a retried notice, although the first attempt released it', async () => {
    const { out } = actions({
      releaseLock: async () => ({ released: false, targetKey: 'eb:retail-bank/retail-bank-prod' }),
      recordOutcomeIfOpen: async () => false,
    });
    const report = await cleanUpDeadRun(
      {
        pipeline: 'retail-bank',
        executionArn: ARN,
        status: 'FAILED',
        error: 'States.Runtime',
        heldLock: true,
      },
      out,
    );
    expect(report).toMatchObject({ lock: 'released', outcome: 'already' });
    expect(cleanupText(report)).toContain('died outside its cleanup paths (States.Runtime)');
  });

  it('says so when the run never held a lock (stopped during the build)', async () => {
    const { out } = actions({
      releaseLock: async () => ({ released: false, targetKey: 'eb:retail-bank/retail-bank-prod' }),
    });
    const report = await cleanUpDeadRun(
      {
        pipeline: 'retail-bank',
        executionArn: ARN,
        status: 'TIMED_OUT',
        error: 'States.Timeout',
        heldLock: false,
      },
      out,
    );
    expect(report.lock).toBe('not-held');
    expect(cleanupText(report)).toContain('It held no deploy lock.');
  });

  it('never throws: a DynamoDB outage is reported, and the lease stays the last resort', async () => {
    const { out } = actions({
      releaseLock: async () => {
        throw Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' });
      },
      recordOutcomeIfOpen: async () => {
        throw new Error('Service unavailable');
      },
    });
    const report = await cleanUpDeadRun(
      { pipeline: 'retail-bank', executionArn: ARN, status: 'ABORTED', error: null, heldLock: true },
      out,
    );
    expect(report).toMatchObject({ lock: 'failed', outcome: 'failed' });
    expect(cleanupText(report)).toContain('could NOT be released (Service unavailable)');
  });

  it('reads from the history whether the run ever held the lock', () => {
    expect(everHeldLock([acquired])).toBe(true);
    const waiting = structuredClone(acquired);
    waiting.stateExitedEventDetails!.output = JSON.stringify({ lock: { status: 'waiting' } });
    expect(everHeldLock([waiting])).toBe(false);
    expect(everHeldLock([])).toBe(false);
  });

  it('leaves the lock alone when the run was redriven before its cleanup ran (same ARN, new attempt)', async () => {
    // Prepare: the ABORTED event of attempt 0 is handled after an operator redrove the run.
    const redriven: HistoryEvent = {
      id: 41,
      timestamp: new Date(),
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: 1 },
    };
    const history = [redriven, acquired];
    const { out, calls } = actions();

    // Act
    const report = await cleanUpDeadRun(
      {
        pipeline: 'retail-bank',
        executionArn: ARN,
        status: 'ABORTED',
        error: null,
        heldLock: everHeldLock(history),
        redriven: redrivenSince(history, 0),
      },
      out,
    );

    // Assess
    expect(calls).toEqual([]);
    expect(report).toMatchObject({ lock: 'redriven', outcome: 'already' });
    expect(cleanupText(report)).toBe(
      'The run stopped (StopExecution) before its cleanup ran. It was redriven before its cleanup ran: its new attempt holds or asks for the deploy lock itself.',
    );
    // The event of the redriven attempt itself (redriveCount 1) is cleaned up as usual.
    expect(redrivenSince(history, 1)).toBe(false);
    expect(redrivenSince([acquired], 0)).toBe(false);
  });
});
