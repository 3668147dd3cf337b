import {
  classifyDeploy,
  isFailureEvent,
  type BeanstalkEventRecord,
  type ClassifyInput,
} from '../../functions/beanstalk-deploy/classify-deploy';

const startedAt = new Date('2025-03-01T10:00:00Z');
const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);
const ev = (seconds: number, severity: string, message: string): BeanstalkEventRecord => ({
  date: at(seconds),
  severity,
  message,
});

/**
 * Messages as Beanstalk writes them. Quoted: "Environment update is starting.", "Environment update
 * completed successfully.", "Failed to deploy application.", "The environment was reverted to the
 * previous configuration setting.", "Update environment operation is complete, but with errors."
 * (awsebcli's event strings), and the instance command failure lines (a real `eb deploy` log).
 * The traffic-splitting evaluation / roll-back lines are representative of that policy's events.
 */
const MSG = {
  starting: 'Environment update is starting.',
  tempAsg:
    'Created temporary auto scaling group awseb-e-mp3xyz-immutable-stack-AWSEBAutoScalingGroup-1Q2W3E4R5T6Y.',
  evaluating:
    'Starting traffic splitting evaluation: sending 10 percent of traffic to the new instances for 5 minutes.',
  completed: 'Environment update completed successfully.',
  failedDeploy: 'Failed to deploy application.',
  reverted: 'The environment was reverted to the previous configuration setting.',
  withErrors:
    'Update environment operation is complete, but with errors. For more information, see troubleshooting documentation.',
  commandFailed:
    '[Instance: i-0efbdcf69182ec996] Command failed on instance. Return code: 1 Output: Engine execution has encountered an error..',
  unsuccessful:
    "Unsuccessful command execution on instance id(s) 'i-0efbdcf69182ec996'. Aborting the operation.",
  rollingBack:
    'Rolling back traffic to the previous version: the new instances failed health checks during the evaluation period.',
  healthSevere:
    'Environment health has transitioned from Ok to Severe. 100.0 % of the requests are failing with HTTP 5xx.',
};

const base = (over: Partial<ClassifyInput>): ClassifyInput => ({
  environment: { status: 'Updating', health: 'Grey', versionLabel: 'aaaaaaaaaaaa' },
  events: [],
  versionLabel: 'bbbbbbbbbbbb',
  startedAt,
  now: at(20),
  evaluationMinutes: 5,
  ...over,
});

describe('classifyDeploy', () => {
  const cases: [string, Partial<ClassifyInput>, { status: string; waitSeconds?: number }][] = [
    [
      'just started: poll quickly',
      { events: [ev(1, 'INFO', MSG.starting)] },
      { status: 'in-progress', waitSeconds: 10 },
    ],
    [
      'fleet launching after a minute: poll slower',
      { now: at(120), events: [ev(1, 'INFO', MSG.starting), ev(40, 'INFO', MSG.tempAsg)] },
      { status: 'in-progress', waitSeconds: 20 },
    ],
    [
      'canary evaluation with minutes left: longest wait',
      { now: at(240), events: [ev(1, 'INFO', MSG.starting), ev(180, 'INFO', MSG.evaluating)] },
      { status: 'in-progress', waitSeconds: 30 },
    ],
    [
      'canary evaluation nearly over: short wait',
      { now: at(475), events: [ev(180, 'INFO', MSG.evaluating)] },
      { status: 'in-progress', waitSeconds: 10 },
    ],
    [
      'failure while Beanstalk rolls back: keep waiting for Ready',
      { now: at(400), events: [ev(380, 'WARN', MSG.rollingBack)] },
      { status: 'in-progress', waitSeconds: 15 },
    ],
    [
      'Ready on our version, completed',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Green', versionLabel: 'bbbbbbbbbbbb' },
        events: [ev(1, 'INFO', MSG.starting), ev(590, 'INFO', MSG.completed)],
      },
      { status: 'succeeded', waitSeconds: 0 },
    ],
    [
      'Ready on our version, a health warning is not a deploy failure',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Yellow', versionLabel: 'bbbbbbbbbbbb' },
        events: [ev(300, 'WARN', MSG.healthSevere), ev(590, 'INFO', MSG.completed)],
      },
      { status: 'succeeded' },
    ],
    [
      'traffic rolled back to the previous version',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' },
        events: [ev(380, 'WARN', MSG.rollingBack), ev(590, 'ERROR', MSG.failedDeploy)],
      },
      { status: 'reverted', waitSeconds: 0 },
    ],
    [
      'reverted to the previous configuration',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' },
        events: [ev(590, 'INFO', MSG.reverted)],
      },
      { status: 'reverted' },
    ],
    [
      'new instances failed their commands, old version kept',
      {
        now: at(300),
        environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' },
        events: [
          ev(200, 'ERROR', MSG.commandFailed),
          ev(201, 'ERROR', MSG.unsuccessful),
          ev(202, 'ERROR', MSG.failedDeploy),
        ],
      },
      { status: 'reverted' },
    ],
    // A traffic-splitting deployment that fails its evaluation: Beanstalk moves traffic back to the
    // old instances and terminates the new ones ("Deployment policies and settings"), and resets
    // the expected version to the last successful one ("Enhanced health notifications and
    // troubleshooting"). Either label outcome is Beanstalk's own revert: no second rollback.
    ...(['aaaaaaaaaaaa', 'bbbbbbbbbbbb'] as const).map(
      (label): [string, Partial<ClassifyInput>, { status: string; waitSeconds?: number }] => [
        `failed traffic-splitting evaluation, environment labelled ${label === 'aaaaaaaaaaaa' ? 'old' : 'new (not reset yet)'}`,
        {
          now: at(700),
          environment: { status: 'Ready', health: 'Green', versionLabel: label },
          events: [
            ev(1, 'INFO', MSG.starting),
            ev(60, 'INFO', MSG.tempAsg),
            ev(180, 'INFO', MSG.evaluating),
            ev(400, 'WARN', MSG.healthSevere),
            ev(690, 'ERROR', MSG.failedDeploy),
          ],
        },
        { status: 'reverted', waitSeconds: 0 },
      ],
    ),
    [
      'Ready on our version but with errors',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Red', versionLabel: 'bbbbbbbbbbbb' },
        events: [ev(590, 'ERROR', MSG.withErrors)],
      },
      { status: 'failed', waitSeconds: 0 },
    ],
    [
      'an unknown ERROR wording still counts as a failure',
      {
        now: at(600),
        environment: { status: 'Ready', health: 'Red', versionLabel: 'bbbbbbbbbbbb' },
        events: [ev(590, 'ERROR', 'Something new went wrong.')],
      },
      { status: 'failed' },
    ],
    [
      'update not visible yet right after the call',
      { now: at(5), environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' } },
      { status: 'in-progress', waitSeconds: 10 },
    ],
    [
      'Ready on another version without any failure, long after the start',
      { now: at(300), environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' } },
      { status: 'failed' },
    ],
    [
      'environment terminated',
      { environment: { status: 'Terminated', health: 'Grey', versionLabel: null } },
      { status: 'failed' },
    ],
  ];

  test.each(cases)('%s', (_name, input, expected) => {
    // Act
    const result = classifyDeploy(base(input));
    // Assess
    expect(result.status).toBe(expected.status);
    if (expected.waitSeconds !== undefined) expect(result.waitSeconds).toBe(expected.waitSeconds);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  test('reverted names the version Beanstalk went back to and the cause', () => {
    // Act
    const result = classifyDeploy(
      base({
        now: at(600),
        environment: { status: 'Ready', health: 'Green', versionLabel: 'aaaaaaaaaaaa' },
        events: [ev(380, 'WARN', MSG.rollingBack), ev(590, 'ERROR', MSG.failedDeploy)],
      }),
    );
    // Assess
    expect(result.reason).toContain('rolled back');
    expect(result.reason).toContain('aaaaaaaaaaaa');
    expect(result.reason).toContain(MSG.failedDeploy);
  });

  test('events come newest first, at most ten, each bounded', () => {
    // Prepare
    const events = Array.from({ length: 15 }, (_, i) =>
      ev(i, 'INFO', `event ${i} ${'x'.repeat(i === 14 ? 500 : 0)}`),
    );
    // Act
    const result = classifyDeploy(base({ events: [...events].reverse(), now: at(30) }));
    // Assess
    expect(result.events).toHaveLength(10);
    expect(result.events[0]).toMatch(/^2025-03-01T10:00:14\.000Z INFO event 14 x+\.\.\.$/);
    expect(result.events[0]!.length).toBeLessThan(360);
    expect(result.events[9]).toContain('event 5');
  });

  test.each([
    [MSG.failedDeploy, true],
    [MSG.reverted, true],
    [MSG.withErrors, true],
    [MSG.commandFailed, true],
    [MSG.unsuccessful, true],
    [MSG.rollingBack, true],
    [MSG.starting, false],
    [MSG.completed, false],
    [MSG.evaluating, false],
    [MSG.tempAsg, false],
    [MSG.healthSevere, false],
  ])('isFailureEvent(INFO "%s") = %s', (message, expected) => {
    expect(isFailureEvent({ date: startedAt, severity: 'INFO', message })).toBe(expected);
  });
});
