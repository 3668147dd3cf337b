import {
  commitUrl,
  executionConsoleUrl,
  stateMachineConsoleUrl,
} from '../../functions/commons/console-links';
import { MetricNames } from '../../functions/commons/metrics';
import { SlackDeliveryError } from '../../functions/commons/slack/post-message';
import { summariseCause } from '../../functions/notifier/cause-text';
import { deliveryPoints, leadTimeSeconds } from '../../functions/notifier/delivery-metrics';
import { readNoticeInput } from '../../functions/notifier/execution-input';
import { notificationId } from '../../functions/notifier/notification-store';
import { timeToRestoreSeconds, type PastExecution } from '../../functions/notifier/restore-time';
import { deliverToSlack, isRetryableSlackError } from '../../functions/notifier/slack-delivery';
import {
  isSuperseded,
  parseStatusChange,
  pipelineFromStateMachineArn,
} from '../../functions/notifier/status-event';
import { loadEvent } from './support/fixtures';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:run-1';

describe('console links', () => {
  test('execution deep link uses the region of the ARN', () => {
    expect(executionConsoleUrl(ARN)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`,
    );
    expect(executionConsoleUrl('arn:aws-cn:states:cn-north-1:1:execution:sm:x')).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//,
    );
    expect(stateMachineConsoleUrl('arn:aws:states:us-east-1:1:stateMachine:deploy-x')).toContain(
      '#/statemachines/view/arn:aws:states:us-east-1:1:stateMachine:deploy-x',
    );
    expect(commitUrl('example-org/app', 'abc')).toBe('https://github.com/example-org/app/commit/abc');
    expect(() => executionConsoleUrl('not-an-arn')).toThrow(TypeError);
  });
});

describe('status events', () => {
  test('every sample parses; dates become Dates', () => {
    for (const name of [
      'running',
      'succeeded',
      'succeeded-superseded',
      'failed',
      'failed-input-omitted',
      'timed-out',
      'aborted',
    ]) {
      const change = parseStatusChange(loadEvent(name));
      expect(change.startDate).toBeInstanceOf(Date);
    }
    expect(parseStatusChange(loadEvent('failed-input-omitted')).input).toBeNull();
  });

  test('superseded only for SUCCEEDED with a PipelineOutput of outcome superseded', () => {
    expect(isSuperseded(parseStatusChange(loadEvent('succeeded-superseded')))).toBe(true);
    expect(isSuperseded(parseStatusChange(loadEvent('succeeded')))).toBe(false);
    const output = loadEvent('succeeded-superseded').detail.output!;
    expect(isSuperseded({ status: 'FAILED', output })).toBe(false);
    // What the state machine wrote before it declared its output: the lock answer deep in the state.
    expect(isSuperseded({ status: 'SUCCEEDED', output: '{"lock":{"status":"superseded"}}' })).toBe(false);
    expect(isSuperseded({ status: 'SUCCEEDED', output: 'not json' })).toBe(false);
  });

  test('pipeline name from the state machine name', () => {
    expect(pipelineFromStateMachineArn('arn:aws:states:eu-west-1:1:stateMachine:deploy-microblog')).toBe(
      'microblog',
    );
    expect(pipelineFromStateMachineArn('arn:aws:states:eu-west-1:1:stateMachine:other')).toBeNull();
  });

  test('odd input JSON gives nulls, never a throw', () => {
    expect(readNoticeInput('[1,2]').pipeline).toBeNull();
    expect(readNoticeInput('{oops').commitSha).toBeNull();
    expect(readNoticeInput('{"commitSha": 42, "pipeline": "x"}')).toMatchObject({
      commitSha: null,
      pipeline: 'x',
    });
  });
});

describe('notification ids', () => {
  test('executionArn#status, with the redrive count once redriven', () => {
    expect(notificationId(ARN, 'FAILED')).toBe(`${ARN}#FAILED`);
    expect(notificationId(ARN, 'FAILED', 2)).toBe(`${ARN}#FAILED#redrive-2`);
  });
});

describe('cause summaries', () => {
  test('Lambda errors, CodeBuild builds, nested executions and plain text', () => {
    expect(summariseCause('{"errorType":"SmokeTestFailedError","errorMessage":"503 x3","trace":[]}')).toEqual(
      { text: '503 x3', errorType: 'SmokeTestFailedError', logsUrl: null },
    );
    const build = summariseCause(
      JSON.stringify({
        Build: {
          Id: 'p:1',
          BuildStatus: 'FAILED',
          Phases: [
            { PhaseType: 'BUILD', PhaseStatus: 'FAILED', Contexts: [{ StatusCode: 'E', Message: 'boom' }] },
          ],
          Logs: { DeepLink: 'https://console/logs' },
        },
      }),
    );
    expect(build).toEqual({
      text: 'CodeBuild p:1 FAILED: phase BUILD FAILED (E: boom)',
      errorType: null,
      logsUrl: 'https://console/logs',
    });
    expect(
      summariseCause(
        JSON.stringify({ Error: 'DeployFailed', Cause: '{"errorMessage":"inner"}', Status: 'FAILED' }),
      ),
    ).toMatchObject({ text: 'inner', errorType: 'DeployFailed' });
    expect(summariseCause('plain words')?.text).toBe('plain words');
    expect(summariseCause(null)).toBeNull();
  });
});

describe('delivery metrics', () => {
  test('points per outcome', () => {
    const stopDate = new Date('2026-03-02T10:00:00Z');
    expect(deliveryPoints({ status: 'RUNNING', superseded: false, redriveCount: 0 })).toEqual([
      { name: MetricNames.DeploymentStarted, value: 1 },
    ]);
    expect(deliveryPoints({ status: 'RUNNING', superseded: false, redriveCount: 1 })).toEqual([]);
    expect(deliveryPoints({ status: 'SUCCEEDED', superseded: true, redriveCount: 0 })).toEqual([]);
    expect(
      deliveryPoints({
        status: 'SUCCEEDED',
        superseded: false,
        redriveCount: 0,
        commitTimestamp: '2026-03-02T09:50:00Z',
        stopDate,
        timeToRestoreSeconds: 60,
      }),
    ).toEqual([
      { name: 'DeploymentSucceeded', value: 1 },
      { name: 'LeadTimeSeconds', value: 600 },
      { name: 'TimeToRestoreSeconds', value: 60 },
    ]);
    expect(
      deliveryPoints({
        status: 'ABORTED',
        superseded: false,
        redriveCount: 0,
        rollbackOutcome: 'reverted-by-beanstalk',
      }),
    ).toEqual([
      { name: 'DeploymentFailed', value: 1 },
      { name: 'DeploymentRolledBack', value: 1 },
    ]);
  });

  test('lead time needs a valid, earlier commit time', () => {
    const stop = new Date('2026-03-02T10:00:00Z');
    expect(leadTimeSeconds('garbage', stop)).toBeNull();
    expect(leadTimeSeconds('2026-03-02T11:00:00Z', stop)).toBeNull();
    expect(leadTimeSeconds(null, stop)).toBeNull();
  });
});

describe('time to restore', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 10, minutes));
  const run = (name: string, status: string, minutes: number | null): PastExecution => ({
    executionArn: name,
    status,
    stopDate: minutes === null ? null : at(minutes),
  });
  const never = async () => false;

  test('null when the previous run succeeded', async () => {
    expect(
      await timeToRestoreSeconds(
        { executionArn: 'now', stopDate: at(50) },
        [run('now', 'SUCCEEDED', 50), run('a', 'SUCCEEDED', 40), run('b', 'FAILED', 30)],
        never,
      ),
    ).toBeNull();
  });

  test('from the first failure of the streak; running and later runs ignored', async () => {
    const list = [
      run('later', 'FAILED', 59),
      run('now', 'SUCCEEDED', 50),
      run('r', 'RUNNING', null),
      run('f2', 'ABORTED', 40),
      run('f1', 'FAILED', 20),
      run('ok', 'SUCCEEDED', 10),
    ];
    expect(await timeToRestoreSeconds({ executionArn: 'now', stopDate: at(50) }, list, never)).toBe(30 * 60);
  });

  test('superseded successes do not end the streak', async () => {
    const list = [run('s', 'SUCCEEDED', 45), run('f1', 'FAILED', 20), run('ok', 'SUCCEEDED', 10)];
    expect(
      await timeToRestoreSeconds({ executionArn: 'now', stopDate: at(50) }, list, async (arn) => arn === 's'),
    ).toBe(30 * 60);
  });
});

describe('Slack delivery', () => {
  test('retryable: no answer, 5xx and 429; not 4xx or other errors', () => {
    expect(isRetryableSlackError(new SlackDeliveryError('x'))).toBe(true);
    expect(isRetryableSlackError(new SlackDeliveryError('x', { status: 502 }))).toBe(true);
    expect(isRetryableSlackError(new SlackDeliveryError('x', { status: 429 }))).toBe(true);
    expect(isRetryableSlackError(new SlackDeliveryError('x', { status: 404 }))).toBe(false);
    expect(isRetryableSlackError(new Error('SecretUnavailableError'))).toBe(false);
  });

  test('backs off between attempts, doubling', async () => {
    const waits: number[] = [];
    let calls = 0;
    const post = async () => {
      calls += 1;
      throw new SlackDeliveryError('down', { status: 500 });
    };
    await expect(
      deliverToSlack(
        post,
        { text: 'x' },
        { attempts: 3, backoffMs: 100, sleep: async (ms) => void waits.push(ms) },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });
});
