import { SlackDeliveryError } from '../../functions/commons/slack/post-message';
import { InvalidStatusEventError } from '../../functions/notifier/status-event';
import { loadEvent, HISTORY_NAMES } from './support/fixtures';
import { GITHUB_TOKEN, SLACK_PATH, startHarness, withNotify, type Harness } from './support/harness';
import { section } from './support/message-text';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => h.reset());
afterAll(async () => {
  await h.close();
});

type Posted = { text: string; blocks: { type: string }[] };
const slackBodies = () => h.slack.requests.map((r) => JSON.parse(r.body) as Posted);

describe('failed runs', () => {
  test.each(HISTORY_NAMES.filter((n) => n !== 'timed-out' && n !== 'aborted'))(
    '%s: one Slack message with the failed step, and a failure status',
    async (name) => {
      // Prepare
      const event = h.failureEvent(name);

      // Act
      const result = await h.invoke(event);

      // Assess
      expect(result).toMatchObject({ outcome: 'handled', slack: 'sent', githubStatus: 'posted' });
      expect(h.slack.requests).toHaveLength(1);
      expect(h.slack.requests[0]!.path).toBe(SLACK_PATH);
      const message = slackBodies()[0]!;
      expect(section(message, 'Failed step')).toMatch(/^\*Failed step\*\n\S/);
      expect(section(message, 'Rollback')).toBeDefined();
      expect(JSON.stringify(message)).toContain(`#/v2/executions/details/${event.detail.executionArn}`);
      const status = JSON.parse(h.github.requests[0]!.body) as Record<string, string>;
      expect(status.state).toBe('failure');
    },
  );

  test('the history is read newest first and paginated', async () => {
    const event = h.failureEvent('verify-failed-rolled-back');
    await h.invoke(event);
    const historyCalls = h.aws.calls.filter((c) => c.target === 'AWSStepFunctions.GetExecutionHistory');
    expect(historyCalls[0]!.body).toMatchObject({
      executionArn: event.detail.executionArn,
      reverseOrder: true,
      maxResults: 1000,
    });
    expect(slackBodies()[0]!.text).toContain('retail-bank: deployment failed at Smoke test');
  });

  test('pages beyond the first are followed', async () => {
    // Prepare: 1,200 events, so the failure sits on the first page and the start on the second.
    const event = h.failureEvent('verify-failed-rolled-back');
    const execution = h.aws.executions.get(event.detail.executionArn)!;
    const history = execution.history as { id: number; previousEventId: number }[];
    const padding = Array.from({ length: 1100 }, (_, i) => ({
      timestamp: 1772445494 + i / 1000,
      type: 'PassStateEntered',
      id: 0,
      previousEventId: 0,
      stateEnteredEventDetails: { name: `Pad ${i}`, input: '{}' },
    }));
    execution.history = [...history, ...padding].map((e, i) => ({
      ...e,
      id: i + 1,
      previousEventId: e.previousEventId,
    }));
    // The padding is appended after the failure, so reverseOrder puts it first: the failure is on page 2.

    // Act
    await h.invoke(event);

    // Assess
    expect(h.aws.calls.filter((c) => c.target === 'AWSStepFunctions.GetExecutionHistory')).toHaveLength(2);
    expect(section(slackBodies()[0]!, 'Failed step')).toBe('*Failed step*\nSmoke test');
  });

  test('TIMED_OUT and ABORTED are worded as such and get an "error" status', async () => {
    await h.invoke(h.failureEvent('timed-out', 'TIMED_OUT'));
    await h.invoke(h.failureEvent('aborted', 'ABORTED'));
    const [timedOut, aborted] = slackBodies();
    expect(timedOut!.text).toContain('microblog: deployment timed out at Wait during bake');
    expect(aborted!.text).toContain('retail-bank: deployment was stopped (aborted) at Wait for approval');
    expect(h.github.requests.map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual([
      'error',
      'error',
    ]);
  });

  test('input left out of the event is read with DescribeExecution', async () => {
    // Prepare
    const event = loadEvent('failed-input-omitted');
    const withInput = h.failureEvent('verify-failed-rolled-back');
    event.detail.executionArn = withInput.detail.executionArn;
    expect(event.detail.input).toBeNull();

    // Act
    await h.invoke(event);

    // Assess
    expect(h.aws.calls.some((c) => c.target === 'AWSStepFunctions.DescribeExecution')).toBe(true);
    expect(section(slackBodies()[0]!, 'Commit')).toContain(
      '|3f9c2a7> Add overdraft limit check to transfers',
    );
  });

  test('a secret-looking string in the cause never reaches Slack, GitHub or the logs', async () => {
    // Prepare
    const event = h.failureEvent('verify-failed-rolled-back');
    const execution = h.aws.executions.get(event.detail.executionArn)!;
    const leaky =
      'token ghp_0123456789abcdefghijklmnopqrstuvwxyz at https://hooks.slack.com/services/T1/B2/leakedleakedleaked and https://bot:pa55word@git.example.com';
    const failed = (execution.history as Record<string, { error?: string; cause?: string }>[]).find(
      (e) => e.taskFailedEventDetails?.error === 'SmokeTestFailedError',
    )!;
    failed.taskFailedEventDetails!.cause = JSON.stringify({
      errorType: 'SmokeTestFailedError',
      errorMessage: leaky,
    });
    event.detail.cause = leaky;
    (execution.history as Record<string, { cause?: string }>[]).at(-1)!.executionFailedEventDetails!.cause =
      leaky;

    // Act
    await h.invoke(event);

    // Assess
    const everything =
      [...h.slack.requests, ...h.github.requests].map((r) => r.body).join('\n') + h.output.join('');
    for (const secret of ['ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'leakedleakedleaked', 'pa55word'])
      expect(everything).not.toContain(secret);
    expect(section(slackBodies()[0]!, 'Cause')).toContain('[redacted]');
  });

  test('slackOnFailure false: no Slack message, but the status and the metrics', async () => {
    const result = await h.invoke(h.failureEvent('build-failed'), {
      settings: withNotify({ slackOnFailure: false }),
    });
    expect(result).toMatchObject({
      outcome: 'handled',
      slack: 'not-wanted',
      githubStatus: 'posted',
      metrics: ['DeploymentFailed'],
    });
    expect(h.slack.requests).toHaveLength(0);
  });
});

describe('exactly one notice per execution and status', () => {
  test('a duplicate delivery sends nothing the second time', async () => {
    // Prepare
    const event = h.failureEvent('canary-reverted');

    // Act
    const first = await h.invoke(event);
    const second = await h.invoke(structuredClone(event));

    // Assess
    expect(first.outcome).toBe('handled');
    expect(second).toMatchObject({ outcome: 'duplicate', metrics: [] });
    expect(h.slack.requests).toHaveLength(1);
    expect(h.github.requests).toHaveLength(1);
    expect(h.emf()).toHaveLength(1);
    const claim = h.aws.tables.get('notifications')!.get(`${event.detail.executionArn}#FAILED`)!;
    expect(claim).toMatchObject({ pipeline: 'retail-bank', eventId: event.id });
    expect(claim.expiresAtEpoch).toBeGreaterThan(Date.now() / 1000 + 14 * 24 * 3600);
  });

  test('a redriven execution that fails again is announced again', async () => {
    const event = h.failureEvent('timed-out', 'TIMED_OUT');
    await h.invoke(event);
    const redriven = structuredClone(event);
    redriven.detail.redriveCount = 1;
    await h.invoke(redriven);
    expect(h.slack.requests).toHaveLength(2);
  });
});

describe('Slack failures', () => {
  test('5xx answers are retried, then the handler throws and gives the claim back', async () => {
    // Prepare
    const event = h.failureEvent('health-gate-failed');
    h.slack.fallback = { status: 503, body: 'service unavailable' };

    // Act
    const failure = h.invoke(event);

    // Assess: three attempts, the error is Slack's and carries no URL
    await expect(failure).rejects.toThrow(SlackDeliveryError);
    await expect(failure).rejects.toThrow('Slack webhook failed (slack_webhook_http_error, HTTP 503)');
    expect(h.slack.requests).toHaveLength(3);
    expect(h.aws.tables.get('notifications')!.size).toBe(0);
    expect(h.emf()).toHaveLength(0);

    // Lambda's retry (same event) now gets through, exactly once
    h.slack.fallback = { status: 200, body: 'ok' };
    await expect(h.invoke(event)).resolves.toMatchObject({ outcome: 'handled', slack: 'sent' });
    await expect(h.invoke(event)).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(h.slack.requests).toHaveLength(4);
    expect(h.emf()).toHaveLength(1);
  });

  test('a timeout is retried, and a later success counts', async () => {
    h.slack.script({ hang: true }, { hang: true });
    const result = await h.invoke(h.failureEvent('scan-failed'));
    expect(result.slack).toBe('sent');
    expect(h.slack.requests).toHaveLength(3);
  });

  test('timeouts on every attempt end in a throw (dead-letter path)', async () => {
    h.slack.fallback = { hang: true };
    await expect(h.invoke(h.failureEvent('scan-failed'))).rejects.toThrow(
      'Slack webhook failed (slack_webhook_request_error)',
    );
    expect(h.slack.requests).toHaveLength(3);
  });

  test('a 4xx such as invalid_token is not retried', async () => {
    h.slack.fallback = { status: 403, body: 'invalid_token' };
    const failure = h.invoke(h.failureEvent('tests-failed'));
    await expect(failure).rejects.toThrow('HTTP 403');
    expect(h.slack.requests).toHaveLength(1);
  });
});

describe('GitHub commit statuses', () => {
  test('RUNNING posts "pending" with the token, the context and the console link', async () => {
    // Prepare
    const event = loadEvent('running');
    h.register(event);

    // Act
    const result = await h.invoke(event);

    // Assess
    expect(result).toMatchObject({
      outcome: 'handled',
      slack: 'not-wanted',
      githubStatus: 'posted',
      metrics: ['DeploymentStarted'],
    });
    expect(h.slack.requests).toHaveLength(0);
    const [request] = h.github.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(
      '/repos/example-org/retail-bank/statuses/3f9c2a7d8e1b4c5a6f7e8d9c0b1a2f3e4d5c6b7a',
    );
    expect(request!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(request!.headers.accept).toBe('application/vnd.github+json');
    expect(JSON.parse(request!.body)).toEqual({
      state: 'pending',
      context: 'deploy/retail-bank',
      description: 'Deployment running: build, checks, deploy and verify',
      target_url: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${event.detail.executionArn}`,
    });
  });

  test('a GitHub error is logged and never fails the notice', async () => {
    h.github.fallback = { status: 500, body: '{"message":"Server Error"}', contentType: 'application/json' };
    const result = await h.invoke(h.failureEvent('approval-rejected'));
    expect(result).toMatchObject({ outcome: 'handled', slack: 'sent', githubStatus: 'failed' });
    expect(h.github.requests).toHaveLength(1);
    expect(h.output.join('')).toContain('GitHub commit status not posted');
    expect(h.output.join('')).not.toContain(GITHUB_TOKEN);
  });

  test('no token, or githubStatus false: no request at all', async () => {
    await h.invoke(h.failureEvent('approval-expired'), { githubConfigured: () => false });
    await h.invoke(h.failureEvent('build-failed'), { settings: withNotify({ githubStatus: false }) });
    expect(h.github.requests).toHaveLength(0);
    expect(h.slack.requests).toHaveLength(2);
  });
});

/** Execution outputs as the pipeline's "Report deployed" / "Report superseded" states write them. */
const deployedOutput = JSON.stringify({
  outcome: 'deployed',
  pipeline: 'retail-bank',
  commitSha: 'a'.repeat(40),
  deployed: { versionLabel: 'aaaaaaaaaaaa', previousVersionLabel: null, instanceIds: [] },
});
const supersededOutput = JSON.stringify({
  outcome: 'superseded',
  pipeline: 'retail-bank',
  commitSha: 'b'.repeat(40),
  supersededBy: 'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:newer',
  supersededByCommitSha: 'c'.repeat(40),
  reason: `older than ${'c'.repeat(12)}, which is waiting to deploy`,
});

describe('successful and superseded runs', () => {
  test('a superseded run sends no Slack message, counts nothing, and gets no success status: it names the commit that took over', async () => {
    // Prepare
    const event = loadEvent('succeeded-superseded');
    h.register(event);

    // Act
    const result = await h.invoke(event, { settings: withNotify({ slackOnSuccess: true }) });

    // Assess
    expect(result).toMatchObject({ outcome: 'handled', slack: 'not-wanted', metrics: [] });
    expect(h.slack.requests).toHaveLength(0);
    expect(h.emf()).toHaveLength(0);
    expect(JSON.parse(h.github.requests[0]!.body)).toMatchObject({
      state: 'error',
      description:
        'Not deployed: superseded by 2c7f0a3 (older than 2c7f0a3d6e9b, which is waiting to deploy)',
    });
  });

  test('success: lead time and time to restore from the first failure of the streak, no Slack by default', async () => {
    // Prepare: real success (t0), failure (t1), superseded (t2), failure (t3), then this success.
    const event = loadEvent('succeeded');
    h.register(event);
    const sm = event.detail.stateMachineArn;
    const stop = event.detail.stopDate! / 1000;
    const past = [
      { name: 'ok-0', status: 'SUCCEEDED', stop: stop - 9000, output: deployedOutput },
      { name: 'fail-1', status: 'FAILED', stop: stop - 7200 },
      { name: 'superseded-2', status: 'SUCCEEDED', stop: stop - 5000, output: supersededOutput },
      { name: 'fail-3', status: 'TIMED_OUT', stop: stop - 3600 },
    ];
    for (const p of past) {
      const executionArn = `${sm.replace(':stateMachine:', ':execution:')}:${p.name}`;
      h.aws.executions.set(executionArn, {
        executionArn,
        stateMachineArn: sm,
        name: p.name,
        status: p.status,
        startDate: p.stop - 600,
        stopDate: p.stop,
        ...(p.output ? { output: p.output } : {}),
      });
    }

    // Act
    const result = await h.invoke(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'handled', slack: 'not-wanted', githubStatus: 'posted' });
    expect(h.slack.requests).toHaveLength(0);
    const [record] = h.emf();
    expect(record).toMatchObject({
      Pipeline: 'retail-bank',
      DeploymentSucceeded: 1,
      LeadTimeSeconds: 1657,
      TimeToRestoreSeconds: 7200,
    });
    expect(JSON.parse(h.github.requests[0]!.body)).toMatchObject({
      state: 'success',
      description: 'Deployed and verified',
    });
  });

  test('slackOnSuccess true sends a success message', async () => {
    const event = loadEvent('succeeded');
    h.register(event);
    await h.invoke(event, { settings: withNotify({ slackOnSuccess: true }) });
    expect(slackBodies()[0]!.text).toBe(':white_check_mark: retail-bank: deployed 3f9c2a7');
  });
});

describe('metrics (EMF)', () => {
  test('a rolled-back failure emits DeploymentFailed and DeploymentRolledBack in DeployController with only the Pipeline dimension', async () => {
    await h.invoke(h.failureEvent('verify-failed-rolled-back'));
    const [record] = h.emf();
    expect(record).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'DeployController',
            Dimensions: [['Pipeline']],
            Metrics: [
              { Name: 'DeploymentFailed', Unit: 'Count' },
              { Name: 'DeploymentRolledBack', Unit: 'Count' },
            ],
          },
        ],
      },
      Pipeline: 'retail-bank',
      DeploymentFailed: 1,
      DeploymentRolledBack: 1,
    });
    expect(record).not.toHaveProperty('service');
  });

  test('a failed rollback is a failure but not a rollback', async () => {
    await h.invoke(h.failureEvent('rollback-failed'));
    const [record] = h.emf();
    expect(record).toMatchObject({ Pipeline: 'microblog', DeploymentFailed: 1 });
    expect(record).not.toHaveProperty('DeploymentRolledBack');
  });
});

describe('events that are not ours', () => {
  test('a state machine that is not a pipeline is ignored', async () => {
    const event = loadEvent('failed');
    event.detail.stateMachineArn =
      'arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-target-elastic-beanstalk';
    event.detail.executionArn =
      'arn:aws:states:eu-west-1:123456789012:execution:deploy-target-elastic-beanstalk:abc';
    event.detail.input = JSON.stringify({ pipeline: 'no-such-pipeline' });
    const result = await h.invoke(event);
    expect(result.outcome).toBe('ignored');
    expect(h.slack.requests).toHaveLength(0);
    expect(h.aws.tables.get('notifications')!.size).toBe(0);
  });

  test('a failed deploy sub-workflow is left to its parent pipeline run', async () => {
    const event = loadEvent('failed');
    event.detail.stateMachineArn =
      'arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-controller-deploy-beanstalk';
    event.detail.executionArn =
      'arn:aws:states:eu-west-1:123456789012:execution:deploy-controller-deploy-beanstalk:run-deploy';
    event.detail.input = JSON.stringify({
      mode: 'deploy',
      pipeline: 'retail-bank',
      commitSha: '3f9c2a7d8e1b4c5a6f7e8d9c0b1a2f3e4d5c6b7a',
    });
    await expect(h.invoke(event)).resolves.toMatchObject({ outcome: 'ignored' });
    expect(h.slack.requests).toHaveLength(0);
    expect(h.github.requests).toHaveLength(0);
  });

  test('a malformed event is rejected with the fields named', async () => {
    const event = loadEvent('failed') as unknown as { detail: Record<string, unknown> };
    event.detail.status = 'EXPLODED';
    delete event.detail.executionArn;
    const failure = h.invoke(event);
    await expect(failure).rejects.toThrow(InvalidStatusEventError);
    await expect(failure).rejects.toThrow(/detail\.executionArn.*detail\.status/);
  });
});
