/**
 * deployctl's commands against the local sandbox started in this process (free ports, high
 * speed-up): push, executions, show (with --follow), approve and reject, rollback, Slack
 * messages, scenarios, and the errors a user gets for bad arguments.
 */
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { banner } from '../../local/start';
import { deployctl, startedName, until, useCliSandbox } from './support';

const box = useCliSandbox();
const { cli } = box;

// Waiting starts when the request's Lambda has returned (TaskSubmitted), not when the token exists.
const waitingForApproval = (name: string) =>
  until(
    () =>
      box.sandbox.tokens.list().some((t) => t.executionArn === box.execution(name).arn) &&
      box
        .execution(name)
        .history.events.some(
          (e) =>
            e.type === 'TaskSubmitted' &&
            (e.taskSubmittedEventDetails as { resource?: string } | undefined)?.resource ===
              'invoke.waitForTaskToken',
        ),
  );
const SHA_1 = '1111111111111111111111111111111111111111';
const SHA_2 = '2222222222222222222222222222222222222222';

describe('push, executions and show', () => {
  let name: string;

  it('push starts a pipeline execution and says how to follow it', async () => {
    const run = await cli('push', 'microblog', '--sha', SHA_1, '--message', 'Fix follower count');
    expect(run).toMatchObject({ code: 0, err: '' });
    name = startedName(run.out);
    expect(name).toMatch(/^microblog-111111111111-[0-9a-f]{16}$/);
    expect(run.out).toContain(`deployctl show ${name} --follow`);
    expect(box.execution(name)).toBeDefined();
  });

  it("push dates the commit at the sandbox's simulated now, not the sample's recorded 2025 date", async () => {
    // Lead time runs from the commit: the sample's fixed date made it months long.
    const before = box.sandbox.clock.now();
    const run = await cli('push', 'retail-bank');
    const after = box.sandbox.clock.now();
    const input = JSON.parse(box.execution(startedName(run.out)).input) as { commitTimestamp: string };
    const committed = Date.parse(input.commitTimestamp);
    expect(input.commitTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(committed).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(committed).toBeLessThanOrEqual(after);
  });

  it('executions lists it, and filters by pipeline and status', async () => {
    const all = await cli('executions');
    expect(all.code).toBe(0);
    expect(all.out.split('\n')[0]).toMatch(/^NAME\s+PIPELINE\s+STATUS\s+STARTED\s+DURATION$/);
    expect(all.out).toMatch(new RegExp(`${name}\\s+microblog\\s+(RUNNING|SUCCEEDED)`));
    const none = await cli('executions', '--pipeline', 'retail-bank');
    expect(none.out).not.toContain(name);
    const failed = await cli('ls', '--status', 'failed', '--pipeline', 'microblog');
    expect(failed.out).toMatch(/^No executions of microblog with status FAILED/);
  });

  it('show --follow prints the timeline as it happens, nested deploy indented, and exits 0 on success', async () => {
    const run = await cli('show', name, '--follow');
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^deploy-microblog/${name} {2}(RUNNING|SUCCEEDED) {2}started `));
    expect(lines[1]).toBe('commit 1111111 "Fix follower count" pushed by alice-dev');
    expect(run.out).toMatch(/\+\d+:\d\d\s+\S+\s+ok\s+Build and unit tests/);
    expect(run.out).toMatch(/↳ deploy-ssm\//);
    // The release wait is event-driven: one wait resumed by SSM's event, then one status read.
    expect(run.out).toMatch(/ok\s+Wait for rolling release\n/);
    expect(run.out).toMatch(/ok\s+Follow rolling release\n/);
    expect(lines[lines.length - 1]).toMatch(/^SUCCEEDED after \d/);
    // Each step is printed once.
    expect(lines.filter((l) => /\bSmoke test\b/.test(l))).toHaveLength(1);
  });

  it('show without --follow renders the finished execution by a unique name prefix', async () => {
    const run = await cli('show', name.slice(0, 20));
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/ok\s+Release deploy lock/);
  });
});

describe('approve and reject', () => {
  it('approve lets a waiting retail-bank release continue; a second decision is refused', async () => {
    const name = startedName((await cli('push', 'retail-bank')).out);
    await waitingForApproval(name);
    const waiting = await cli('show', name);
    // The deadline and the link come with the waiting step.
    expect(waiting.out).toMatch(
      /WAITING\s+Wait for approval {2}waiting for a decision until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(deployctl approve\|reject\)/,
    );
    expect(waiting.out.split('\n').pop()).toMatch(
      new RegExp(
        `^RUNNING - waiting at "Wait for approval": deployctl approve ${name} \\(or reject\\) before \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, or open http://127\\.0\\.0\\.1:\\d+/approvals/`,
      ),
    );

    const approved = await cli('approve', name, '--by', 'Ada Lovelace');
    expect(approved).toMatchObject({ code: 0, err: '' });
    expect(approved.out).toMatch(
      /^approved {2}retail-bank-.* \(by Ada Lovelace via deployctl\); the deploy continues/,
    );

    const again = await cli('reject', name);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already approved by Ada Lovelace via deployctl\.$/);

    const followed = await cli('show', name, '--follow');
    expect(followed.code).toBe(0);
    expect(followed.out).toMatch(/ok\s+Wait for approval/);
    expect(followed.out).toMatch(/↳ deploy-beanstalk\//);
    expect(box.sandbox.liveCommit('retail-bank')).toBe(JSON.parse(box.execution(name).input).commitSha);
  });

  it('reject ends the run as approval rejected, with the reason in the cause', async () => {
    const name = startedName((await cli('push', 'retail-bank')).out);
    await waitingForApproval(name);
    const rejected = await cli('reject', name, '--by', 'grace', '--reason', 'release freeze until Friday');
    expect(rejected.code).toBe(0);
    expect(rejected.out).toMatch(/^rejected {2}retail-bank-/);
    const followed = await cli('show', name, '--follow');
    expect(followed.code).toBe(1);
    expect(followed.out).toMatch(
      /FAILED\s+Wait for approval {2}ApprovalRejected: rejected by grace via deployctl - release freeze until Friday/,
    );
    expect(followed.out.split('\n').pop()).toMatch(/^FAILED after .* - ApprovalRejected/);
  });

  it('approve refuses an execution that is not running, and one that is not waiting for approval', async () => {
    const done = [...box.sandbox.engine.executions.values()].find(
      (e) => e.status === 'SUCCEEDED' && e.name.startsWith('microblog-'),
    )!;
    const run = await cli('approve', done.name);
    expect(run).toMatchObject({ code: 1, out: '' });
    expect(run.err).toBe(`Execution ${done.name} is SUCCEEDED: there is nothing to approve.`);

    const name = startedName((await cli('push', 'microblog')).out);
    const notWaiting = await cli('approve', name);
    expect(notWaiting.code).toBe(1);
    expect(notWaiting.err).toMatch(new RegExp(`^Execution ${name} is not waiting for an approval`));
    expect((await cli('show', name, '--follow')).code).toBe(0);
  });

  it('the Slack sink got the approval requests', async () => {
    const run = await cli('slack');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/approval {6}Approval needed: retail-bank/);
    // The links come with the request, not only in --json.
    const base = box.sandbox.urls.approvals.replace(/\/+$/, '');
    expect(run.out).toMatch(
      new RegExp(`Approve: +${base}/[0-9a-f-]{36}\\?decision=approve&expires=\\d+&sig=`),
    );
    expect(run.out).toMatch(new RegExp(`Reject: +${base}/[0-9a-f-]{36}\\?decision=reject&`));
  });
});

describe('first hour', () => {
  it('the start banner says which repository and branch each pipeline listens to', () => {
    const text = banner(box.sandbox);
    expect(text).toMatch(/retail-bank +pushes to example-org\/retail-bank main {2}-> {2}arn:aws:states:/);
    expect(text).toMatch(/microblog +pushes to example-org\/microblog main/);
  });

  it("the simulated SSM agents run a release that honours the document's ENV_VAR parameters (>= 3.3.2746.0)", async () => {
    const ssm = new SSMClient({
      endpoint: box.sandbox.urls.aws,
      region: 'us-east-1',
      credentials: {
        accessKeyId: 'AKIASANDBOXLOCAL0000',
        secretAccessKey: 'sandbox-local-secret-not-a-real-key',
      },
    });
    const out = await ssm.send(new DescribeInstanceInformationCommand({}));
    const versions = (out.InstanceInformationList ?? []).map((i) => i.AgentVersion!.split('.').map(Number));
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      const [a, b, c] = v as [number, number, number];
      expect(a * 1e8 + b * 1e5 + c).toBeGreaterThanOrEqual(3 * 1e8 + 3 * 1e5 + 2746);
    }
  });
});

describe('rollback', () => {
  it('refuses while a run of the pipeline is in progress', async () => {
    const name = startedName((await cli('push', 'microblog', '--sha', SHA_2)).out);
    const refused = await cli('rollback', 'microblog');
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `microblog has a running execution (${name}); let it finish or stop it, or pass --force.`,
    );
    expect((await cli('show', name, '--follow')).code).toBe(0);
    expect(box.sandbox.liveCommit('microblog')).toBe(SHA_2);
  });

  it('puts the target back on the previous good version, follows it and marks the replaced one rolled back', async () => {
    const before = box.sandbox.liveCommit('microblog');
    const run = await cli('rollback', 'microblog');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`^rolling back {2}microblog from ${before} to [0-9a-f]{40}`));
    expect(run.out).toMatch(/execution deploy-ssm\/rollback-microblog-/);
    expect(run.out).toMatch(/ok\s+Roll back updated instances/);
    expect(run.out).toContain(`deploy history: ${before} marked rolled-back`);
    const live = box.sandbox.liveCommit('microblog');
    expect(live).not.toBe(before);
    expect(run.out).toContain(` to ${live} `);
  });

  it('explains when there is no good version to go back to, and rejects unknown pipelines', async () => {
    const none = await cli('rollback', 'retail-bank');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(
      /^retail-bank has one good version in the deploy history \([0-9a-f]+, live now\): there is no earlier good version to roll back to\.$/,
    );
    const unknown = await cli('rollback', 'payments');
    expect(unknown.err).toBe(
      'Unknown pipeline "payments". Pipelines in pipelines.yaml: retail-bank, microblog.',
    );
  });
});

describe('scenarios', () => {
  it('lists the scenarios', async () => {
    const run = await cli('scenario', 'list');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^canary-regression\s+retail-bank\s+/m);
  });

  it('runs one: timeline, expected vs actual, exit 0 when they match', async () => {
    const run = await cli('scenario', 'run', 'build-fails');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/FAILED\s+Build and unit tests {2}States.TaskFailed/);
    expect(run.out).toMatch(/^status\s+FAILED\s+FAILED\s+yes$/m);
    expect(run.out).toMatch(/scenario build-fails: as expected$/);
  });

  it('names the known scenarios for an unknown one', async () => {
    const run = await cli('scenario', 'run', 'meteor-strike');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^Unknown scenario "meteor-strike"\. Scenarios: .*canary-regression/);
  });
});

describe('bad arguments', () => {
  it.each([
    [
      ['push', 'payments'],
      'No sample push for "payments". Apps with a sample in events/github: retail-bank, microblog.',
    ],
    [['push', 'microblog', '--sha', 'abc'], '--sha must be a full 40-character hex commit id, got "abc".'],
    [['push', 'microblog', '--branch', 'bad..name'], '--branch "bad..name" is not a valid branch name.'],
    [
      ['executions', '--status', 'sleeping'],
      '--status must be one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (any case), got "sleeping".',
    ],
    [['executions', '--limit', '0'], '--limit must be a whole number from 1 to 1000, got "0".'],
    [
      ['executions', '--pipeline', 'payments'],
      'Unknown pipeline "payments". Pipelines in pipelines.yaml: retail-bank, microblog.',
    ],
    [
      ['show', 'no-such-execution'],
      'No execution named "no-such-execution". `deployctl executions` lists them.',
    ],
    [
      ['show', 'bad name!'],
      '"bad name!" is neither an execution ARN nor an execution name (1-80 characters of A-Z a-z 0-9 _ -).',
    ],
    [
      ['show', 'arn:aws:states:us-east-1:123456789012:execution:deploy-microblog:nope'],
      'Execution arn:aws:states:us-east-1:123456789012:execution:deploy-microblog:nope does not exist.',
    ],
    [['approve', 'microblog', '--by', 'x'], /^"microblog" matches \d+ executions \(microblog-/],
    [['reject', 'microblog-x', '--reason', ' '], '--reason must not be empty.'],
  ])('%j', async (argv, message) => {
    const run = await cli(...(argv as string[]));
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    if (typeof message === 'string') expect(run.err).toBe(message);
    else expect(run.err).toMatch(message);
  });

  it('a branch other than main is ignored by the webhook, with its reason', async () => {
    const run = await cli('push', 'microblog', '--branch', 'feature/x');
    expect(run).toMatchObject({ code: 0, out: 'ignored  branch is not configured for this repository' });
  });

  it('a redelivery is answered as a duplicate', async () => {
    const first = await cli(
      'push',
      'microblog',
      '--delivery',
      '0b0e3c56-1111-4a5b-8c9d-0e1f2a3b4c5d',
      '--sha',
      'a'.repeat(40),
    );
    const name = startedName(first.out);
    const again = await cli(
      'push',
      'microblog',
      '--delivery',
      '0b0e3c56-1111-4a5b-8c9d-0e1f2a3b4c5d',
      '--sha',
      'a'.repeat(40),
    );
    expect(again.out).toBe(`duplicate  microblog  ${name} (this delivery already started it)`);
    expect((await cli('show', name, '--follow')).out.split('\n').pop()).toMatch(/^SUCCEEDED after /);
  });

  it('a wrong webhook secret is reported with the webhook answer', async () => {
    const run = await deployctl({ ...box.env, GITHUB_WEBHOOK_SECRET: 'not-the-secret' }, 'push', 'microblog');
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      'The webhook answered 401: invalid signature: X-Hub-Signature-256 does not match the body.',
    );
  });
});
