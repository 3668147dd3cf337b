import { readNoticeInput } from '../../functions/notifier/execution-input';
import { analyseFailure } from '../../functions/notifier/failure-analysis';
import {
  escapeMrkdwn,
  failureMessage,
  formatDuration,
  successMessage,
  type NoticeContext,
} from '../../functions/notifier/slack-message';
import type { FailureStatus } from '../../functions/notifier/status-event';
import { historyInput, loadHistoryEvents, type HistoryName } from './support/fixtures';
import { messageText, section } from './support/message-text';

function contextFor(name: HistoryName, status: FailureStatus): NoticeContext {
  const input = historyInput(name);
  const pipeline = input.pipeline!;
  return {
    pipeline,
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:deploy-${pipeline}:${pipeline}-run-1`,
    executionName: `${pipeline}-run-1`,
    status,
    input: readNoticeInput(JSON.stringify(input)),
    startDate: new Date('2026-03-02T09:58:14Z'),
    stopDate: new Date('2026-03-02T10:25:04Z'),
  };
}

function render(name: HistoryName, status: FailureStatus = 'FAILED') {
  const context = contextFor(name, status);
  const message = failureMessage(context, analyseFailure(status, loadHistoryEvents(name)));
  return { context, message, text: messageText(message) };
}

const cases: [HistoryName, { step: string; error: string; cause: string; rollback: string }][] = [
  [
    'build-failed',
    {
      step: 'Build and unit tests',
      error: '`BuildFailed`',
      cause: 'phase INSTALL FAILED',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'tests-failed',
    {
      step: 'Build and unit tests',
      error: '`TestsFailed`',
      cause: 'python -m pytest',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'scan-failed',
    {
      step: 'Dependency scan',
      error: '`VulnerabilitiesFound`',
      cause: 'dependency-check.sh',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'health-gate-failed',
    {
      step: 'Check target health',
      error: '`HealthGateFailed` (from `TargetUnhealthyError`',
      cause: 'health Red',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'canary-reverted',
    {
      step: 'Deploy',
      error: '`CanaryReverted`',
      cause: 'requests to the canary are failing',
      rollback: 'Elastic Beanstalk reverted the canary by itself',
    },
  ],
  [
    'verify-failed-rolled-back',
    {
      step: 'Smoke test',
      error: '`VerifyFailedRolledBack` (from `SmokeTestFailedError` in Smoke test)',
      cause: 'answered 503 on 3 of 3 attempts',
      rollback: 'Rolled back to `retail-bank-8d41e07c2b9a` and the rollback held',
    },
  ],
  [
    'rollback-failed',
    {
      step: 'Check alarms',
      error: '`RollbackFailed` (from `AlarmTriggeredError`',
      cause: 'microblog-5xx went to ALARM',
      rollback: '*Rollback to `commit 1c0ffee` FAILED*',
    },
  ],
  [
    'approval-expired',
    {
      step: 'Wait for approval',
      error: '`ApprovalExpired` (from `States.Timeout`',
      cause: 'within 60 minutes',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'approval-rejected',
    {
      step: 'Wait for approval',
      error: '`ApprovalRejected`',
      cause: 'Rejected by grace',
      rollback: 'Nothing to roll back',
    },
  ],
  [
    'ssm-instance-failed',
    {
      step: 'Deploy',
      error: '`DeployFailed`',
      cause: 'database is locked',
      rollback: 'Rolled back and the rollback held',
    },
  ],
];

describe('failureMessage', () => {
  test.each(cases)('%s: failed step, error, cause, rollback line and links', (name, expected) => {
    // Act
    const { context, message, text } = render(name);

    // Assess
    expect(section(message, 'Failed step')).toBe(`*Failed step*\n${expected.step}`);
    expect(section(message, 'Error')).toContain(expected.error);
    expect(section(message, 'Cause')).toContain(expected.cause);
    expect(section(message, 'Rollback')).toContain(expected.rollback);
    expect(section(message, 'Pipeline')).toBe(`*Pipeline*\n${context.pipeline}`);
    const sha = context.input.commitSha!;
    expect(section(message, 'Commit')).toContain(
      `<https://github.com/${context.input.repository}/commit/${sha}|${sha.slice(0, 7)}>`,
    );
    expect(section(message, 'Author')).toBe(`*Author*\n${context.input.commitAuthor}`);
    expect(text).toContain(
      `<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${context.executionArn}|Open the execution in the Step Functions console>`,
    );
    // Never contradicts itself: a rollback command only when production may be off a good version.
    const settled = /Nothing to roll back|rollback held|reverted the canary/.test(
      section(message, 'Rollback') ?? '',
    );
    if (settled) expect(text).not.toContain('deployctl rollback');
    else expect(text).toContain(`npx deployctl rollback ${context.pipeline} --aws`);
    expect(message.text).toContain(context.pipeline);
  });

  test('"Nothing to roll back" is never followed by a rollback command', () => {
    const { message } = render('build-failed');
    expect(section(message, 'Rollback')).toContain('Nothing to roll back');
    expect(section(message, 'What now')).not.toContain('rollback');
  });

  test("in the sandbox the commands are the sandbox's: no --aws, no AWS CLI redrive", () => {
    const sandbox = { DEPLOY_CONTROLLER_SANDBOX: '1' };
    const context = contextFor('timed-out', 'TIMED_OUT');
    const events = loadHistoryEvents('timed-out');
    const message = failureMessage(context, analyseFailure('TIMED_OUT', events), sandbox);
    const now = section(message, 'What now');
    expect(now).toContain(`\`npx deployctl rollback ${context.pipeline}\``);
    expect(now).toContain(`npx deployctl push ${context.pipeline} --sha ${context.input.commitSha}`);
    expect(now).toContain(`npx deployctl show ${context.executionName}`);
    expect(messageText(message)).not.toContain('--aws');
    expect(now).not.toContain('aws stepfunctions');
    // Outside the sandbox the same notice names the AWS commands.
    const aws = section(failureMessage(context, analyseFailure('TIMED_OUT', events), {}), 'What now');
    expect(aws).toContain(`npx deployctl rollback ${context.pipeline} --aws`);
    expect(aws).toContain('aws stepfunctions redrive-execution');
  });

  test('the commit field shows the first line of the message only', () => {
    const { message } = render('verify-failed-rolled-back');
    expect(section(message, 'Commit')).toMatch(/\|3f9c2a7> Add overdraft limit check to transfers$/);
  });

  test('CodeBuild failures link the build logs', () => {
    const { text } = render('tests-failed');
    expect(text).toContain('|Build logs>');
    expect(text).toContain(
      'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/microblog-build',
    );
  });

  test('a named Fail state suggests a new push; an uncaught failure suggests a redrive', () => {
    expect(section(render('verify-failed-rolled-back').message, 'What now')).toContain('push a fix to main');
    const context = contextFor('verify-failed-rolled-back', 'FAILED');
    const uncaught = failureMessage(
      context,
      analyseFailure('FAILED', [], {
        error: 'States.Runtime',
        cause: 'An error occurred while executing the state',
      }),
    );
    expect(section(uncaught, 'What now')).toContain(
      `aws stepfunctions redrive-execution --execution-arn ${context.executionArn}`,
    );
  });

  test('TIMED_OUT is worded as a timeout, with the step that was running and a redrive', () => {
    const { message, context } = render('timed-out', 'TIMED_OUT');
    expect(message.text).toContain('microblog: deployment timed out at Wait during bake');
    expect(section(message, 'Error')).toContain('`States.Timeout`');
    expect(section(message, 'Rollback')).toContain('No rollback ran');
    expect(section(message, 'What now')).toContain(
      `redrive-execution --execution-arn ${context.executionArn}`,
    );
  });

  test('ABORTED is worded as stopped', () => {
    const { message } = render('aborted', 'ABORTED');
    expect(message.text).toContain('retail-bank: deployment was stopped (aborted) at Wait for approval');
    expect(section(message, 'Cause')).toContain('Stopped by ada from the console');
  });

  test('commit messages cannot ping channels or forge links, and secrets in causes are scrubbed', () => {
    // Prepare
    const context = contextFor('verify-failed-rolled-back', 'FAILED');
    context.input.commitMessage = 'Fix <!channel> see <https://evil.example|docs> & more';
    const events = loadHistoryEvents('verify-failed-rolled-back');
    const failed = events.find(
      (e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'SmokeTestFailedError',
    )!;
    failed.taskFailedEventDetails!.cause = JSON.stringify({
      errorType: 'SmokeTestFailedError',
      errorMessage:
        'POST https://hooks.slack.com/services/T0/B0/abcdefABCDEF123456 and https://ci:topsecretpw@ci.example.com/hook failed',
    });

    // Act
    const message = failureMessage(context, analyseFailure('FAILED', events));
    const text = JSON.stringify(message);

    // Assess
    expect(section(message, 'Commit')).toContain(
      'Fix &lt;!channel&gt; see &lt;https://evil.example|docs&gt; &amp; more',
    );
    expect(text).not.toContain('abcdefABCDEF123456');
    expect(text).not.toContain('topsecretpw');
    expect(section(message, 'Cause')).toContain('[redacted]');
  });

  test('missing input fields still give a readable message', () => {
    const context = { ...contextFor('build-failed', 'FAILED'), input: readNoticeInput(null) };
    const message = failureMessage(context, analyseFailure('FAILED', loadHistoryEvents('build-failed')));
    expect(section(message, 'Commit')).toBe('*Commit*\nunknown commit');
    expect(section(message, 'Author')).toBe('*Author*\nunknown');
  });
});

describe('successMessage', () => {
  test('names the pipeline, the commit and links the execution', () => {
    const context = { ...contextFor('verify-failed-rolled-back', 'FAILED'), status: 'SUCCEEDED' as const };
    const message = successMessage(context);
    expect(message.text).toBe(':white_check_mark: retail-bank: deployed 3f9c2a7');
    expect(messageText(message)).toContain('ran 26m 50s');
  });
});

describe('helpers', () => {
  test('formatDuration and escapeMrkdwn', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(3_723_000)).toBe('1h 2m');
    expect(escapeMrkdwn('<a> & <b>')).toBe('&lt;a&gt; &amp; &lt;b&gt;');
  });
});
