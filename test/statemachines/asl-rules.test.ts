/**
 * Static rules for every ASL file: JSONPath only, asl-validator clean, every Task retries transient
 * errors with backoff and jitter and catches into a cleanup path, Fail states use the contract's
 * error names, and the placeholders match what pipelineSubstitutions produces.
 */
import { createRequire } from 'node:module';
import { ErrorNames } from '../../functions/commons/types/tasks';
import {
  DEFINITION_FILES,
  deploySubstitutions,
  loadDefinition,
  pipelineSubstitutions,
  placeholdersIn,
  substitute,
  type DefinitionName,
} from '../../statemachines/definitions';
import { fakeResources, samplePipeline } from '../../bench/support/pipeline-harness';

type State = Record<string, any>;
/** asl-validator ships no types; called with no options object so ARN checks accept `${...}` resources. */
const validator = createRequire(__filename)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};
const names = Object.keys(DEFINITION_FILES) as DefinitionName[];
const parsed = (name: DefinitionName) => JSON.parse(loadDefinition(name));

/** Every state of a machine, including those in Parallel branches. */
function allStates(machine: { States: Record<string, State> }): [string, State][] {
  return Object.entries(machine.States).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...((state.Branches as { States: Record<string, State> }[] | undefined) ?? []).flatMap(allStates),
  ]);
}

const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

describe.each(names)('%s.asl.json', (name) => {
  const text = loadDefinition(name);
  const machine = parsed(name);
  const states = allStates(machine);
  const tasks = states.filter(([, s]) => s.Type === 'Task');

  it('is JSONPath only: no JSONata, QueryLanguage, Assign or variables', () => {
    expect(text).not.toMatch(/QueryLanguage|JSONata|"Assign"|"Output"\s*:|\{%|"Arguments"/);
  });

  it('writes "absent" as Not IsPresent (the local engine never matches IsPresent: false)', () => {
    expect(text).not.toMatch(/"IsPresent":\s*false/);
  });

  it('passes asl-validator with ARN checks on (placeholders in Resource allowed)', () => {
    const result = validator(structuredClone(machine));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('gives every Task a Retry for transient errors with exponential backoff and full jitter', () => {
    expect(tasks.length).toBeGreaterThan(0);
    for (const [stateName, task] of tasks) {
      expect({ stateName, retriers: task.Retry?.length ?? 0 }).not.toEqual({ stateName, retriers: 0 });
      for (const retrier of task.Retry) {
        expect({ stateName, ...retrier }).toMatchObject({
          BackoffRate: 2,
          JitterStrategy: 'FULL',
          MaxDelaySeconds: expect.any(Number),
        });
        // Only transient errors: never a wildcard, a task failure or a timeout.
        expect(retrier.ErrorEquals).not.toEqual(expect.arrayContaining(['States.ALL']));
        expect(retrier.ErrorEquals).not.toContain('States.TaskFailed');
        expect(retrier.ErrorEquals).not.toContain('States.Timeout');
      }
      expect(task.Retry[0].ErrorEquals).toContain('ThrottlingException');
      if (String(task.Resource).includes(':lambda:'))
        expect(task.Retry[0].ErrorEquals).toEqual(expect.arrayContaining(LAMBDA_ERRORS));
    }
  });

  it('retries a Lambda timeout (Sandbox.Timedout) only where running the action twice is harmless', () => {
    // Starting a deploy, a release or a rollback twice would start a second one; the approval
    // request would store a second token.
    const notIdempotent = new Set(['startDeploy', 'startRelease', 'rollback', 'request']);
    for (const [stateName, task] of tasks) {
      if (!String(task.Resource).includes(':lambda:')) continue;
      const action = task.Parameters?.Payload?.action as string | undefined;
      const retriesTimeout = task.Retry.some((r: { ErrorEquals: string[] }) =>
        r.ErrorEquals.includes('Sandbox.Timedout'),
      );
      expect({ stateName, action, retriesTimeout }).toEqual({
        stateName,
        action,
        retriesTimeout: !notIdempotent.has(action ?? ''),
      });
    }
  });

  it('gives every Task a Catch of States.ALL that leads somewhere (no Task can end the run uncleaned)', () => {
    const stateNames = new Set(states.map(([n]) => n));
    for (const [stateName, task] of tasks) {
      const catchers = (task.Catch ?? []) as { ErrorEquals: string[]; Next: string }[];
      expect({ stateName, catchesAll: catchers.some((c) => c.ErrorEquals.includes('States.ALL')) }).toEqual({
        stateName,
        catchesAll: true,
      });
      for (const c of catchers) expect(stateNames.has(c.Next)).toBe(true);
    }
  });

  it('keeps every Lambda payload small: results shaped by ResultSelector or dropped', () => {
    for (const [stateName, task] of tasks) {
      const shaped = 'ResultSelector' in task || task.ResultPath === null;
      expect({ stateName, shaped }).toEqual({ stateName, shaped: true });
    }
  });

  it('fails only with the named errors of the contract', () => {
    const allowed = new Set<string>(Object.values(ErrorNames));
    for (const [stateName, state] of states.filter(([, s]) => s.Type === 'Fail')) {
      expect({ stateName, error: state.Error }).toEqual({ stateName, error: expect.any(String) });
      expect(allowed.has(state.Error)).toBe(true);
      expect(Boolean(state.Cause) !== Boolean(state.CausePath)).toBe(true);
    }
  });

  it('uses state names that fit the console (at most 80 characters)', () => {
    for (const [stateName] of states) expect(stateName.length).toBeLessThanOrEqual(80);
  });
});

describe('pipeline.asl.json specifics', () => {
  const states = Object.fromEntries(allStates(parsed('pipeline')));

  it('does not retry the approval timeout and catches it as approval expired', () => {
    const wait = states['Wait for approval'];
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.TimeoutSecondsPath).toBe('$.settings.approvalTimeoutSeconds');
    expect(wait.Parameters.Payload['links.$']).toBe('$.approval');
    expect(wait.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(wait.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'Approval expired' });
    // Errors of the approval-request function fail the request; anything else is a SendTaskFailure,
    // a rejection from a link, deployctl, the console or the CLI. Never States.TaskFailed: it would
    // match every rejection too.
    expect(wait.Catch[1]).toMatchObject({ Next: 'Approval request failed' });
    expect(wait.Catch[1].ErrorEquals).not.toContain('States.TaskFailed');
    expect(wait.Catch[1].ErrorEquals).not.toContain('ApprovalRejected');
    expect(wait.Catch.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Read the rejection' });
  });

  it('takes any SendTaskSuccess output as an approval: only IsPresent tests before reading it', () => {
    const wait = states['Wait for approval'];
    expect(wait.ResultSelector).toEqual({ 'output.$': '$' });
    expect(wait.Next).toBe('Who approved?');
    const who = states['Who approved?'];
    for (const rule of who.Choices[0].And)
      expect(rule).toEqual({ Variable: expect.any(String), IsPresent: true });
    expect(states[who.Default].Parameters).toMatchObject({ via: 'Step Functions console / API' });
    const read = states['Read the rejection'];
    for (const rule of read.Choices[0].And)
      expect(rule).toEqual({ Variable: expect.any(String), IsPresent: true });
  });

  it('routes every named error of the pipeline to its own Fail state', () => {
    const routes = states['Fail with the named error'].Choices.map((c: State) => [
      c.StringEquals,
      states[c.Next].Error,
    ]);
    for (const [name, error] of routes) expect(name).toBe(error);
    expect(routes.map(([name]: string[]) => name).sort()).toEqual(
      [
        'BuildFailed',
        'TestsFailed',
        'VulnerabilitiesFound',
        'HealthGateFailed',
        'ApprovalRejected',
        'ApprovalExpired',
        'DeployFailed',
        'CanaryReverted',
        'VerifyFailedRolledBack',
        'RollbackFailed',
      ].sort(),
    );
  });

  it('passes CodeBuild environment variables as PLAINTEXT only', () => {
    for (const task of ['Build and unit tests', 'Dependency scan']) {
      for (const variable of states[task].Parameters.EnvironmentVariablesOverride)
        expect(variable.Type).toBe('PLAINTEXT');
    }
  });
});

describe('placeholders', () => {
  const all = [...new Set(names.flatMap((n) => placeholdersIn(loadDefinition(n))))];

  it.each(['retail-bank', 'microblog'] as const)(
    'are all produced by pipelineSubstitutions for %s, and nothing else is',
    (pipeline) => {
      const values = {
        ...pipelineSubstitutions(samplePipeline(pipeline), fakeResources),
        ...deploySubstitutions(fakeResources),
      };
      expect(Object.keys(values).sort()).toEqual(all.sort());
      for (const name of names)
        expect(() => JSON.parse(substitute(loadDefinition(name), values))).not.toThrow();
    },
  );

  it('chooses the deploy sub-workflow and artifact by target kind', () => {
    const eb = pipelineSubstitutions(samplePipeline('retail-bank'), fakeResources);
    const ec2 = pipelineSubstitutions(samplePipeline('microblog'), fakeResources);
    expect(eb).toMatchObject({
      TargetKind: 'elastic-beanstalk',
      ArtifactFileName: 'app.zip',
      ApprovalRequired: 'true',
      ApprovalTimeoutSeconds: '3600',
      DeployStateMachineArn: expect.stringMatching(/:deploy-beanstalk$/),
    });
    expect(ec2).toMatchObject({
      TargetKind: 'ec2-ssm',
      ArtifactFileName: 'release.tar.gz',
      ApprovalRequired: 'false',
      DeployStateMachineArn: expect.stringMatching(/:deploy-ssm$/),
    });
    expect(eb.DeployLockFunctionArn).toBe(fakeResources.functionArn('deploy-lock'));
  });

  it('substitute names every missing, malformed and unsafe placeholder', () => {
    const text = '{"a": "${One}", "b": "${Two}", "c": "${not valid}", "d": "${Three}"}';
    expect(() => substitute(text, { One: 'x', Three: "it's" })).toThrow(
      'Cannot fill the state machine definition: malformed placeholder(s): ${not valid}; no value for: Two; value must not contain quotes, backslashes or control characters: Three',
    );
    expect(substitute('{"a": "${One}", "b": "${One}"}', { One: 'arn:aws:x' })).toBe(
      '{"a": "arn:aws:x", "b": "arn:aws:x"}',
    );
  });
});
