/**
 * Every Allow statement of every role the sandbox enforces is needed, or is a finding with a
 * written reason (infra/iam-unexercised.ts):
 * 1. every scenario of scenarios/ and the demo's own path (deployctl push, approve, show) run once
 *    on one sandbox with enforcement on; the authoriser records every request it decided
 *    (principal, action, resource, context, decision) and which run first made it;
 * 2. for each statement, the recorded requests of its role are decided again by the same
 *    evaluator against the role's policies without that statement: at least one request for one
 *    of its actions must now be refused. A statement none refuses must be listed with its
 *    reason; a listed statement that is needed, or that matches nothing, fails the test too;
 * 3. the method, end to end: for a fixed sample of three statements (three kinds of principal and
 *    three paths to the authoriser: a function's SDK call, a state machine's `.sync` managed rule,
 *    the SSM agent's download with the instance role), the sandbox enforces the policies without
 *    that statement and plays the scenario that first needed it, and the run fails with
 *    AccessDenied naming the action, as step 2 predicted. The same sandbox switches models
 *    (`authorizer.useModel`, the same evaluator as `startSandbox({ policyModel })`): the handlers
 *    are imported once per process, bound to the first sandbox's endpoint.
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { UNEXERCISED_STATEMENTS, type UnexercisedStatement } from '../../infra/iam-unexercised';
import { createContext } from '../../local/cli/context';
import { memoryOutput } from '../../local/cli/output';
import { story } from '../../local/demo-story';
import { RECORD_LIMIT, type AuthorizationRecord } from '../../local/iam/authorizer';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import type { PolicyModel, PolicyStatementJson, RoleModel } from '../../local/iam/model';
import { describeUse } from '../../local/iam/probes';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { loadScenarios, runScenario } from '../../local/scenarios';

const SPEEDUP = 1200;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A statement of a role, where it sits, and how the findings list names it. */
interface Located {
  role: RoleModel;
  policy: number;
  index: number;
  statement: PolicyStatementJson;
  /** `<principal>: <actions> on <resources>`, for messages. */
  key: string;
}

/** A recorded request, and the run (scenario name or `demo <app>`) that made it first. */
type Recorded = AuthorizationRecord & { run: string };

/** IAM action names are case-insensitive; a statement's action may hold `*` or `?`. */
const actionMatches = (pattern: string, action: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(action);

function statementsOf(model: PolicyModel): Located[] {
  const out: Located[] = [];
  for (const role of model.roles.filter((r) => r.uses.length))
    for (const [policy, { document }] of role.policies.entries())
      for (const [index, statement] of document.Statement.entries())
        if (statement.Effect === 'Allow')
          out.push({
            role,
            policy,
            index,
            statement,
            key: `${describeUse(role)}: ${list(statement.Action).join(' ')} on ${list(statement.Resource).join(' ')}`,
          });
  return out;
}

/** The model without one statement. */
function without(model: PolicyModel, located: Located): PolicyModel {
  const mutant = structuredClone(model);
  const role = mutant.roles.find((r) => r.arn === located.role.arn)!;
  role.policies[located.policy]!.document.Statement.splice(located.index, 1);
  return mutant;
}

const listedFor = (located: Located): UnexercisedStatement | undefined =>
  UNEXERCISED_STATEMENTS.find(
    (f) =>
      f.principal.test(describeUse(located.role)) &&
      f.actions.join(' ') === list(located.statement.Action).join(' ') &&
      (!f.resource || list(located.statement.Resource).some((r) => f.resource!.test(r))),
  );

/** The recorded requests the role may no longer make without the statement. */
async function refusedWithout(
  model: PolicyModel,
  located: Located,
  recorded: Recorded[],
): Promise<Recorded[]> {
  const actions = list(located.statement.Action);
  const candidates = recorded.filter(
    (r) =>
      r.roleArn === located.role.arn &&
      r.decision === 'Allowed' &&
      actions.some((a) => actionMatches(a, r.request.action)),
  );
  if (!candidates.length) return [];
  const mutantRole = without(model, located).roles.find((r) => r.arn === located.role.arn)!;
  // A fresh evaluator: decisions are cached by role ARN, and the policies changed.
  const evaluator = new PolicyEvaluator();
  const refused: Recorded[] = [];
  for (const record of candidates)
    if ((await evaluator.decide(mutantRole, record.request)) !== 'Allowed') refused.push(record);
  return refused;
}

let model: PolicyModel;
let sandbox: Sandbox;
let recorded: Recorded[];
let statements: Located[];
const refusals = new Map<string, Recorded[]>();

beforeAll(async () => {
  model = await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: SPEEDUP, log: false });
  const firstRun = new Map<string, string>();
  const note = (run: string) => {
    for (const key of sandbox.iam!.authorizer.evaluated.keys())
      if (!firstRun.has(key)) firstRun.set(key, run);
  };
  {
    // 'happy' first: the plainest run of each path is the one the end-to-end step replays.
    // The scale scenarios take the same paths as verify-fails and happy, on more instances.
    const names = [...loadScenarios()]
      .filter(([, s]) => s.fleetSize === undefined)
      .map(([name]) => name)
      .sort((a, b) => Number(b === 'happy') - Number(a === 'happy'));
    for (const name of names) {
      // test/sandbox/scenarios.test.ts checks outcomes; here a run must only take its whole path.
      // On a loaded machine a run can end early (a simulated timeout), so it gets a second try
      // (the record is the union of both), and the second must end as expected.
      let result = await runScenario(sandbox, name);
      if (result.mismatches.length) result = await runScenario(sandbox, name);
      expect({ name, mismatches: result.mismatches }).toEqual({ name, mismatches: [] });
      note(name);
    }
    const out = memoryOutput();
    const ctx = createContext(
      { endpoint: sandbox.urls.aws, webhookUrl: sandbox.urls.webhook },
      { out, env: { GITHUB_WEBHOOK_SECRET: sandbox.webhookSecret }, pollMs: 20 },
    );
    for (const app of ['microblog', 'retail-bank'] as const) {
      sandbox.activateScenario('happy');
      const outcome = await story(ctx, sandbox, app);
      expect({ app, match: outcome.match }).toEqual({ app, match: true });
      note(`demo ${app}`);
    }
    expect(sandbox.iam!.authorizer.denials).toEqual([]);
    expect(sandbox.iam!.authorizer.evaluated.size).toBeLessThan(RECORD_LIMIT);
    recorded = [...sandbox.iam!.authorizer.evaluated.entries()].map(([key, record]) => ({
      ...record,
      run: firstRun.get(key)!,
    }));
  }
  statements = statementsOf(model);
  for (const located of statements) refusals.set(located.key, await refusedWithout(model, located, recorded));
}, 900_000);
afterAll(() => sandbox?.stop());

test('the runs exercised every principal the sandbox enforces', () => {
  const roles = new Set(recorded.map((r) => r.roleArn));
  const idle = model.roles.filter((r) => r.uses.length && !roles.has(r.arn)).map(describeUse);
  expect(idle).toEqual([]);
});

test('each Allow statement is needed by a recorded request, or is listed with its reason', () => {
  const unneeded = statements.filter((s) => !refusals.get(s.key)!.length && !listedFor(s)).map((s) => s.key);
  const neededButListed = statements
    .filter((s) => refusals.get(s.key)!.length && listedFor(s))
    .map(
      (s) =>
        `${s.key} (needed by ${refusals.get(s.key)![0]!.request.action} in ${refusals.get(s.key)![0]!.run})`,
    );
  const matchingNothing = UNEXERCISED_STATEMENTS.filter(
    (f) => !statements.some((s) => listedFor(s) === f),
  ).map((f) => `${f.principal.source}: ${f.actions.join(' ')}`);
  expect({ unneeded, neededButListed, matchingNothing }).toEqual({
    unneeded: [],
    neededButListed: [],
    matchingNothing: [],
  });
});

test('a refused request names one of the statement actions, as AWS would', () => {
  for (const located of statements)
    for (const record of refusals.get(located.key)!)
      expect(list(located.statement.Action).some((a) => actionMatches(a, record.request.action))).toBe(true);
});

/**
 * The sample: a principal, an action and the resource that tells its statement apart. The managed
 * rule is the `.sync` CodeBuild rule whose name was wrong (issue 11's first fault).
 */
const SAMPLE: [string, string, RegExp][] = [
  ['function verify', 'cloudwatch:DescribeAlarms', /^\*$/],
  [
    'state machine deploy-microblog',
    'events:PutRule',
    /rule\/StepFunctionsGetEventForCodeBuildStartBuildRule$/,
  ],
  ['instances tagged App=microblog', 's3:GetObject', /^arn:aws:s3:::/],
];

test.each(SAMPLE)(
  'end to end: without the statement of %s that grants %s, the run that needed it fails with AccessDenied naming it',
  async (principal, action, resource) => {
    const granting = statements.filter(
      (s) =>
        describeUse(s.role) === principal &&
        list(s.statement.Action).includes(action) &&
        list(s.statement.Resource).some((r) => resource.test(r)),
    );
    expect(granting.map((s) => s.key)).toHaveLength(1);
    const located = granting[0]!;
    const predicted = refusals.get(located.key)!.filter((r) => r.request.action === action);
    const scenario = predicted.map((r) => r.run).find((run) => !run.startsWith('demo '));
    expect({ action, scenario }).toEqual({ action, scenario: expect.any(String) });
    const authorizer = sandbox.iam!.authorizer;
    const before = authorizer.denials.length;
    authorizer.useModel(without(model, located));
    try {
      const result = await runScenario(sandbox, scenario!);
      expect(result.matches).toBe(false);
      expect(result.actual.pushes.map((p) => p.status)).toContain('FAILED');
      // The first refusal of the run names one of the statement's actions (the sample's own, here).
      const denials = authorizer.denials
        .slice(before)
        .filter((d) => list(located.statement.Action).includes(d.action));
      expect(denials.map((d) => d.action)).toContain(action);
      const denial = denials.find((d) => d.action === action)!;
      expect(denial.message).toContain(`is not authorized to perform: ${action} on resource: `);
      expect(denial.principal).toMatch(
        new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/${located.role.roleName}/`),
      );
    } finally {
      authorizer.useModel(model);
    }
  },
  300_000,
);
