/**
 * Every Allow statement of every role the controller runs as is needed, proven on the sandbox
 * with enforcement on:
 * - the cheapest scenario set that runs every role (microblog end to end and its SSM rollback,
 *   retail-bank with approval, canary, verify failure, rollback and notice, a failing build with
 *   its JUnit report) is played once and every request the roles made is recorded; then each
 *   statement is removed in turn and the recorded requests are decided again: at least one of
 *   them must be refused, naming an action of that statement. A statement no scenario needs is a
 *   finding: it is listed below with the reason it stays, and a listed statement that becomes
 *   needed fails the test too (the list stays true);
 * - end to end, for one statement of each kind of principal, the sandbox runs with that statement
 *   removed and the scenario fails with AccessDenied naming the action.
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import type { PolicyModel, PolicyStatementJson, RoleModel } from '../../local/iam/model';
import { describeUse } from '../../local/iam/probes';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';
import { startSandbox } from '../../local/sandbox';
import { runScenario } from '../../local/scenarios';

/** The scenarios that, together, run every role of the controller. */
const SCENARIOS = ['happy', 'ssm-instance-fails', 'verify-fails', 'tests-fail'];

/**
 * Statements no scenario needs, by `<use>: <actions>`, and why they stay.
 */
const KEPT: Record<string, string> = {};

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statementKey = (role: RoleModel, statement: PolicyStatementJson) =>
  `${describeUse(role)}: ${list(statement.Action).join(' ')} on ${list(statement.Resource).join(' ')}`;

let model: PolicyModel;
let recorded: { roleArn: string; request: import('../../local/iam/operations').IamRequest; via: string }[];

beforeAll(async () => {
  model = await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
  const sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 1200, log: false });
  try {
    for (const name of SCENARIOS) {
      const result = await runScenario(sandbox, name);
      expect({ name, mismatches: result.mismatches }).toEqual({ name, mismatches: [] });
    }
    expect(sandbox.iam!.authorizer.denials.filter((d) => !d.via.includes('CloudWatch output'))).toEqual([]);
    recorded = [...sandbox.iam!.authorizer.granted.values()];
  } finally {
    await sandbox.stop();
  }
}, 900_000);

test('each Allow statement is needed by a recorded call, or is a finding with a reason', async () => {
  const unneeded: string[] = [];
  const staleFindings: string[] = [];
  for (const role of model.roles.filter((r) => r.uses.length)) {
    const requests = recorded.filter((r) => r.roleArn === role.arn);
    for (const [p, policy] of role.policies.entries())
      for (const [i, statement] of policy.document.Statement.entries()) {
        if (statement.Effect !== 'Allow') continue;
        const mutant: RoleModel = structuredClone(role);
        mutant.policies[p]!.document.Statement.splice(i, 1);
        const evaluator = new PolicyEvaluator();
        const actions = new Set(list(statement.Action));
        let needed = false;
        for (const { request } of requests) {
          if (!actions.has(request.action)) continue;
          if ((await evaluator.decide(mutant, request)) !== 'Allowed') {
            needed = true;
            break;
          }
        }
        const key = statementKey(role, statement);
        if (!needed && !KEPT[key]) unneeded.push(key);
        if (needed && KEPT[key]) staleFindings.push(key);
      }
  }
  expect({ unneeded, staleFindings }).toEqual({ unneeded: [], staleFindings: [] });
}, 600_000);

/** The model without the statements of one role that grant `action`. */
function without(match: (role: RoleModel) => boolean, action: string): PolicyModel {
  const mutant = structuredClone(model);
  const role = mutant.roles.find(match);
  if (!role) throw new Error('no such role');
  let removed = 0;
  for (const policy of role.policies) {
    const before = policy.document.Statement.length;
    policy.document.Statement = policy.document.Statement.filter((s) => !list(s.Action).includes(action));
    removed += before - policy.document.Statement.length;
  }
  if (!removed) throw new Error(`no statement grants ${action}`);
  return mutant;
}

const uses =
  (kind: string, name: string) =>
  (role: RoleModel): boolean =>
    role.uses.some((u) => Object.values(u).includes(kind) && Object.values(u).includes(name));

test.each([
  ['function verify', uses('lambda', 'verify'), 'cloudwatch:DescribeAlarms'],
  ['state machine deploy-microblog', uses('states', 'deploy-microblog'), 'events:PutRule'],
  ['CodeBuild project deploy-microblog-build', uses('codebuild', 'deploy-microblog-build'), 's3:PutObject'],
  ['the microblog instances', (r: RoleModel) => r.uses.some((u) => u.kind === 'ec2'), 's3:GetObject'],
])(
  'end to end: without the %s statement granting %s, happy fails with AccessDenied naming it',
  async (_, match, action) => {
    const sandbox = await startSandbox({
      sandboxPort: 0,
      port: 0,
      speedup: 1200,
      log: false,
      policyModel: without(match, action),
    });
    try {
      const result = await runScenario(sandbox, 'happy');
      expect(result.matches).toBe(false);
      expect(result.actual.pushes[0]?.status).toBe('FAILED');
      expect(sandbox.iam!.authorizer.denials.map((d) => d.action)).toContain(action);
    } finally {
      await sandbox.stop();
    }
  },
  300_000,
);
