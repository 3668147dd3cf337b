/**
 * What Lambda and Step Functions write with the caller's role (local/iam/runtime-writes.ts), on
 * the synthesized policies: every function may write its logs to its own log group and, traced,
 * upload its traces; every traced state machine may send its traces; a role without the log
 * grant is refused, naming the action and the stream.
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import type { PolicyModel, RoleModel } from '../../local/iam/model';
import {
  lambdaLogStream,
  lambdaRuntimeRequests,
  stateMachineTracingRequests,
} from '../../local/iam/runtime-writes';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';

let model: PolicyModel;
beforeAll(async () => {
  model = await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
}, 300_000);

const NOW = new Date('2026-11-29T15:04:05Z');
const functions = () =>
  model.roles.flatMap((role) =>
    role.uses.flatMap((u) => (u.kind === 'lambda' ? [{ role, name: u.functionName }] : [])),
  );
const requestsFor = (name: string) =>
  lambdaRuntimeRequests({
    region: model.region,
    account: model.account,
    functionName: name,
    logGroup: model.names[`lambdaLogGroup/${name}`]!,
    tracing: model.names[`lambdaTracing/${name}`] === 'Active',
    now: NOW,
  });

test('the stream is named as Lambda names it: date, version, environment', () => {
  expect(lambdaLogStream('verify', NOW)).toMatch(/^2026\/11\/29\/\[\$LATEST\][0-9a-f]{32}$/);
});

test('every function has its own log group and active tracing in the template', () => {
  expect(functions().length).toBeGreaterThan(5);
  for (const { name } of functions()) {
    expect({ name, group: model.names[`lambdaLogGroup/${name}`] }).toEqual({
      name,
      group: expect.any(String),
    });
    expect({ name, tracing: model.names[`lambdaTracing/${name}`] }).toEqual({ name, tracing: 'Active' });
  }
});

test('every function role may write its logs and traces', async () => {
  const evaluator = new PolicyEvaluator();
  const refused: string[] = [];
  for (const { role, name } of functions())
    for (const request of requestsFor(name))
      if ((await evaluator.decide(role, request)) !== 'Allowed') refused.push(`${name}: ${request.action}`);
  expect(refused).toEqual([]);
});

test('a function role without its log group grant is refused the log writes only', async () => {
  const { role, name } = functions().find((f) => f.name === 'verify')!;
  const stripped: RoleModel = structuredClone(role);
  for (const policy of stripped.policies)
    policy.document.Statement = policy.document.Statement.filter(
      (s) => ![s.Action ?? []].flat().includes('logs:PutLogEvents'),
    );
  const evaluator = new PolicyEvaluator();
  const decisions = await Promise.all(
    requestsFor(name).map(async (r) => [r.action, await evaluator.decide(stripped, r)]),
  );
  expect(Object.fromEntries(decisions)).toEqual({
    'logs:CreateLogStream': 'ImplicitlyDenied',
    'logs:PutLogEvents': 'ImplicitlyDenied',
    'xray:PutTraceSegments': 'Allowed',
    'xray:PutTelemetryRecords': 'Allowed',
  });
});

test('every traced state machine role may send its traces', async () => {
  const evaluator = new PolicyEvaluator();
  const machines = model.roles.flatMap((role) =>
    role.uses.flatMap((u) => (u.kind === 'states' ? [{ role, name: u.stateMachineName }] : [])),
  );
  expect(machines.length).toBe(4);
  const refused: string[] = [];
  for (const { role, name } of machines) {
    expect({ name, traced: model.names[`stateMachineTracing/${name}`] }).toEqual({ name, traced: 'true' });
    for (const request of stateMachineTracingRequests())
      if ((await evaluator.decide(role, request)) !== 'Allowed') refused.push(`${name}: ${request.action}`);
  }
  expect(refused).toEqual([]);
});
