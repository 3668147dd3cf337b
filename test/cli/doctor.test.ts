/**
 * deployctl doctor against the sandbox: every check passes on the sandbox as it starts; with one
 * statement removed from a role (the "deployed" policy), the IAM check names the missing
 * permission and the principal, and the command exits 1.
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { compareVersions, MIN_SSM_AGENT } from '../../local/cli/commands/doctor';
import type { PolicyModel } from '../../local/iam/model';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { SSM_AGENT_VERSION } from '../../local/services/ssm/model';
import { deployctl } from './support';

let sandbox: Sandbox;
const envOf = (s: Sandbox) => ({ SANDBOX_PORT: String(s.ports.aws), PORT: String(s.ports.webhook) });

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, log: false });
});
afterAll(() => sandbox?.stop());

test('versions compare numerically; the simulated agent is new enough', () => {
  expect(compareVersions('3.3.987.0', MIN_SSM_AGENT)).toBeLessThan(0);
  expect(compareVersions('3.3.2746.0', MIN_SSM_AGENT)).toBe(0);
  expect(compareVersions(SSM_AGENT_VERSION, MIN_SSM_AGENT)).toBeGreaterThan(0);
});

test('doctor passes against the sandbox, one ✓ line per check', async () => {
  const run = await deployctl(envOf(sandbox), 'doctor');
  expect(run.err).toBe('');
  expect(run.out).not.toContain('✗');
  expect(run.out).toMatch(
    /✓ IAM: DeployController-FunctionsVerifyRole\w+ \(function verify\) allows all \d+ actions/,
  );
  expect(run.out).toContain(
    '✓ Beanstalk: retail-bank-prod has an Application Load Balancer and enhanced health',
  );
  expect(run.out).toMatch(/✓ SSM: 3 instances tagged App=microblog Online with agent ≥ 3\.3\.2746\.0/);
  expect(run.out).toContain('✓ CodeBuild: a GitHub source credential is imported');
  expect(run.out).toContain('✓ Alarm retail-bank-5xx exists');
  expect(run.out).toMatch(/all \d+ checks passed/);
  expect(run.code).toBe(0);
});

test('with one role statement removed, doctor names the missing permission and the principal', async () => {
  const model = structuredClone(await loadPolicyModel(loadConfig(), SANDBOX_NAMES)) as PolicyModel;
  const verify = model.roles.find((r) =>
    r.uses.some((u) => u.kind === 'lambda' && u.functionName === 'verify'),
  )!;
  for (const policy of verify.policies)
    policy.document.Statement = policy.document.Statement.filter(
      (s) => ![s.Action ?? []].flat().includes('cloudwatch:DescribeAlarms'),
    );
  const broken = await startSandbox({
    sandboxPort: 0,
    port: 0,
    log: false,
    simulateClock: false,
    policyModel: model,
  });
  try {
    const run = await deployctl(envOf(broken), 'doctor');
    expect(run.out).toMatch(
      new RegExp(
        `✗ IAM: ${verify.arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(function verify\\) is not allowed cloudwatch:DescribeAlarms on \\S+ \\(implicitDeny\\) — fix: `,
      ),
    );
    expect(run.out).toMatch(/1 of \d+ checks failed/);
    expect(run.code).toBe(1);
  } finally {
    await broken.stop();
  }
});
