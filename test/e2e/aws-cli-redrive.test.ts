/**
 * Debian's AWS CLI v2 against the sandbox: redriving a stopped pipeline run and describing the
 * pipeline state machine, as an operator types it. The CLI's own Step Functions model predates
 * RedriveExecution, so these runs load botocore's newer model (local/limits/botocore-data/README.md).
 */
import { pipelineInput } from '../../bench/support/pipeline-harness';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { awsWith, NEWER_MODELS, type CliRun } from './support/aws-cli';

let sandbox: Sandbox;
const run = (...args: string[]) => awsWith({ dataPath: NEWER_MODELS }, sandbox.urls.aws, ...args);
const ok = (result: CliRun) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.json as Record<string, unknown>;
};
let machineArn: string;
let approvalMachineArn: string;
const arnOf = (name: string) => [...sandbox.engine.stateMachines.values()].find((m) => m.name === name)!.arn;

beforeAll(async () => {
  // 60x: the hour retail-bank's approval waits is a real minute, longer than the CLI calls after
  // the redrive take on a busy machine.
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 60, log: false });
  machineArn = arnOf('deploy-microblog');
  approvalMachineArn = arnOf('deploy-retail-bank');
});

afterAll(async () => {
  await sandbox?.stop();
});

/** The in-process execution, to wait for the end of an attempt without polling. */
const ended = (arn: string) => sandbox.engine.execution(arn).done;
/** Resolves once the execution waits for an approval (its task token is out). */
async function waitingForApproval(arn: string): Promise<void> {
  while (!sandbox.tokens.list().some((t) => t.executionArn === arn))
    await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('aws stepfunctions redrive-execution', () => {
  it('restarts a stopped run with the same ARN; describe-execution and list-executions --redrive-filter show it', async () => {
    // Prepare: a retail-bank run started as the webhook would, stopped while it waits for
    // approval (ABORTED).
    const input = { ...pipelineInput('retail-bank'), commitSha: 'b'.repeat(40) };
    const started = ok(
      await run(
        'stepfunctions',
        'start-execution',
        '--state-machine-arn',
        approvalMachineArn,
        '--name',
        'redrive-e2e',
        '--input',
        JSON.stringify(input),
      ),
    ) as { executionArn: string };
    const arn = started.executionArn;
    await waitingForApproval(arn);
    ok(await run('stepfunctions', 'stop-execution', '--execution-arn', arn));
    await ended(arn);
    const stopped = ok(await run('stepfunctions', 'describe-execution', '--execution-arn', arn));
    expect(stopped).toMatchObject({ status: 'ABORTED', redriveCount: 0, redriveStatus: 'REDRIVABLE' });

    // Act
    const redriven = ok(await run('stepfunctions', 'redrive-execution', '--execution-arn', arn));

    // Assess
    expect(Object.keys(redriven)).toEqual(['redriveDate']);
    // At once: a running execution cannot be redriven: the CLI exits 254 with AWS's error.
    const again = await run('stepfunctions', 'redrive-execution', '--execution-arn', arn);
    expect(again.code).toBe(254);
    expect(again.stderr).toContain('ExecutionNotRedrivable');
    expect(again.stderr).toContain('Execution is RUNNING and cannot be redriven.');

    const running = ok(await run('stepfunctions', 'describe-execution', '--execution-arn', arn));
    expect(running).toMatchObject({
      executionArn: arn,
      status: 'RUNNING',
      input: JSON.stringify(input),
      redriveCount: 1,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven.',
    });
    expect(Date.parse(String(running.redriveDate))).toBe(Date.parse(String(redriven.redriveDate)));
    const listed = ok(
      await run(
        'stepfunctions',
        'list-executions',
        '--state-machine-arn',
        approvalMachineArn,
        '--redrive-filter',
        'REDRIVEN',
      ),
    ) as { executions: { executionArn: string; redriveCount: number }[] };
    expect(listed.executions).toEqual([expect.objectContaining({ executionArn: arn, redriveCount: 1 })]);
    const history = ok(
      await run(
        'stepfunctions',
        'get-execution-history',
        '--execution-arn',
        arn,
        '--no-include-execution-data',
      ),
    ) as { events: { type: string; executionRedrivenEventDetails?: { redriveCount: number } }[] };
    expect(history.events.find((e) => e.type === 'ExecutionRedriven')).toMatchObject({
      executionRedrivenEventDetails: { redriveCount: 1 },
    });

    ok(await run('stepfunctions', 'stop-execution', '--execution-arn', arn));
    await ended(arn);
  });

  it('an unknown execution answers ExecutionDoesNotExist and a malformed ARN InvalidArn', async () => {
    const missing = await run(
      'stepfunctions',
      'redrive-execution',
      '--execution-arn',
      `${machineArn.replace(':stateMachine:', ':execution:')}:nope`,
    );
    expect([missing.code, missing.stderr.includes('ExecutionDoesNotExist')]).toEqual([254, true]);
    const malformed = await run('stepfunctions', 'redrive-execution', '--execution-arn', 'abc');
    expect(malformed.stderr).toContain("Invalid Arn: 'Invalid ARN prefix: abc'");
  });
});

describe('aws stepfunctions describe-state-machine', () => {
  it('answers the pipeline with its definition, role, type, status, logging and tracing', async () => {
    const out = ok(await run('stepfunctions', 'describe-state-machine', '--state-machine-arn', machineArn));
    expect(out).toMatchObject({
      stateMachineArn: machineArn,
      name: 'deploy-microblog',
      status: 'ACTIVE',
      type: 'STANDARD',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    expect(String(out.roleArn)).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(Number.isNaN(Date.parse(String(out.creationDate)))).toBe(false);
    expect(JSON.parse(String(out.definition))).toMatchObject({ StartAt: 'Read pipeline settings' });
  });

  it('answers StateMachineDoesNotExist and InvalidArn as AWS does', async () => {
    const missing = await run(
      'stepfunctions',
      'describe-state-machine',
      '--state-machine-arn',
      `${machineArn}-gone`,
    );
    expect([missing.code, missing.stderr.includes('StateMachineDoesNotExist')]).toEqual([254, true]);
    const malformed = await run(
      'stepfunctions',
      'describe-state-machine',
      '--state-machine-arn',
      'deploy-microblog',
    );
    expect(malformed.stderr).toContain('InvalidArn');
  });
});
