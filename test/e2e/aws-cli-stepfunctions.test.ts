/**
 * Debian's AWS CLI v2 against the sandbox: the Step Functions commands an operator runs.
 */
import { startSandbox, type Sandbox } from '../../local/sandbox';
import { aws } from './support/aws-cli';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 300, log: false });
});

afterAll(async () => {
  await sandbox?.stop();
});

it('aws stepfunctions list-state-machines lists each pipeline and the deploy sub-workflows', async () => {
  const run = await aws(sandbox.urls.aws, 'stepfunctions', 'list-state-machines');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const names = (run.json as { stateMachines: { name: string }[] }).stateMachines.map((m) => m.name);
  expect(names).toEqual(expect.arrayContaining(['deploy-retail-bank', 'deploy-microblog']));
});

it('an unknown execution answers ExecutionDoesNotExist, exit code 254', async () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:deploy-microblog:nope';
  const run = await aws(sandbox.urls.aws, 'stepfunctions', 'describe-execution', '--execution-arn', arn);
  expect(run.code).toBe(254);
  expect(run.stderr).toContain('ExecutionDoesNotExist');
});
