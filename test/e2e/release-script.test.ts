/**
 * The release document's script run for real, as the SSM agent runs it: `/bin/sh` (dash on
 * Debian), Debian's python3 building a real venv with pip, the pipeline's release steps run from
 * that venv, and a real `curl` health check against a local HTTP server standing in for the app.
 * Stand-ins only for what needs AWS or root: `aws s3 cp` (copies a local tarball) and `systemctl`
 * (records the restart); and `sleep`, so a failing health check's 20 tries take no real minutes.
 * `.ci/run` installs python3-venv and curl before `npm run test:e2e`.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseScript as script, writeStub } from '../support/release-script';

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
/** The Python the venvs are built with: the machine's python3 (e.g. 3.11 on Debian 12). */
const pythonVersion = (() => {
  const version = /^3\.\d+/.exec(
    execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    }).trim(),
  )?.[0];
  if (!version) throw new Error('python3 is needed for this suite (apt-get install python3-venv)');
  return version;
})();

let root: string;
let appDir: string;
let health: { server: Server; url: string; answers: number[]; requests: number };

const stub = (name: string, body: string) => writeStub(join(root, 'bin'), name, body);

/** The app's source for a commit: an empty requirements file and a migration step that leaves a mark. */
function writeApp(commit: string) {
  const source = join(root, 'src', commit);
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'requirements.txt'), '# no third-party packages: pip runs offline\n');
  writeFileSync(
    join(source, 'migrate.py'),
    `import os, sys\nopen('migrated', 'w').write(os.environ.get('APP_MODE', '') + ' ' + ' '.join(sys.argv[1:]))\n`,
  );
  return source;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'release-real-'));
  appDir = join(root, 'opt', 'shop');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'calls'), '');
  // `aws s3 cp --only-show-errors s3://<bucket>/<key> <dest>`: the key names the commit packed.
  stub('aws', `commit="$(basename "$(dirname "$4")")"; tar -czf "$5" -C "${join(root, 'src')}/$commit" .`);
  stub('systemctl', `[ "$1" = show ] && exit 0; echo "systemctl $*" >> "${join(root, 'calls')}"`);
  stub('sleep', 'exit 0');
  health = { server: createServer(), url: '', answers: [], requests: 0 };
  health.server.on('request', (_req, res) => {
    health.requests++;
    res.statusCode = health.answers.shift() ?? 200;
    res.end();
  });
  await new Promise<void>((resolve) => health.server.listen(0, '127.0.0.1', resolve));
  health.url = `http://127.0.0.1:${(health.server.address() as AddressInfo).port}/health`;
});

afterEach(async () => {
  await new Promise((resolve) => health.server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** Runs the script with the SSM_<parameter> variables the agent sets (ENV_VAR interpolation). */
function runDocument(parameters: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const values: Record<string, string> = {
    action: 'release',
    commitSha: SHA1,
    artifactBucket: 'artifacts',
    artifactKey: `shop/${SHA1}/release.tar.gz`,
    serviceName: 'shop',
    appDirectory: appDir,
    healthUrl: health.url,
    pythonVersion,
    releaseEnvironment: 'APP_MODE:release',
    releaseCommands: 'python+migrate.py+--all',
    ...parameters,
  };
  const env: Record<string, string> = {
    PATH: `${join(root, 'bin')}:/usr/bin:/bin:/usr/sbin:/sbin`,
    HOME: root,
  };
  for (const [name, value] of Object.entries(values)) env[`SSM_${name}`] = value;
  return new Promise((resolve, reject) => {
    // Asynchronous, so the health server in this process can answer curl meanwhile.
    const child = spawn('/bin/sh', ['-c', script], { env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

const release = (commit: string, extra: Record<string, string> = {}) => {
  writeApp(commit);
  return runDocument({ commitSha: commit, artifactKey: `shop/${commit}/release.tar.gz`, ...extra });
};
const current = () => readlinkSync(join(appDir, 'current'));
const restarts = () =>
  readFileSync(join(root, 'calls'), 'utf8').match(/systemctl restart -- shop/g)?.length ?? 0;

test('a first release builds a real venv, runs the step from it, switches and passes a real health check', async () => {
  health.answers = [503, 503]; // the app takes two tries to come up

  const result = await release(SHA1);

  expect(result).toMatchObject({ status: 0 });
  expect(current()).toBe(join(appDir, 'releases', SHA1));
  expect(existsSync(join(appDir, 'releases', SHA1, 'venv', 'bin', 'python'))).toBe(true);
  expect(readFileSync(join(appDir, 'releases', SHA1, 'migrated'), 'utf8')).toBe('release --all');
  expect(health.requests).toBe(3);
  expect(restarts()).toBe(1);
  expect(result.output).toContain(`release ${SHA1} is live and healthy`);
});

test('a first release that never gets healthy has nothing to switch back to, and no link points at itself', async () => {
  health.answers = Array.from({ length: 20 }, () => 500);

  const result = await release(SHA1);

  expect(result.status).not.toBe(0);
  expect(result.output).not.toContain('switching back');
  // Before the fix, `readlink -f` named the missing `current` link and `previous` pointed at it.
  expect(existsSync(join(appDir, 'previous'))).toBe(false);
  expect(current()).toBe(join(appDir, 'releases', SHA1));
});

test('the next release keeps the first as previous', async () => {
  expect((await release(SHA1)).status).toBe(0);

  const result = await release(SHA2);

  expect(result.status).toBe(0);
  expect(current()).toBe(join(appDir, 'releases', SHA2));
  expect(readlinkSync(join(appDir, 'previous'))).toBe(join(appDir, 'releases', SHA1));
});

test('a release whose health check never passes switches back to the previous one', async () => {
  expect((await release(SHA1)).status).toBe(0);
  health.answers = Array.from({ length: 20 }, () => 500); // the new release's 20 tries fail

  const result = await release(SHA2);

  expect(result.status).not.toBe(0);
  expect(result.output).toContain(`health check ${health.url} failed after the restart`);
  expect(result.output).toContain('previous release is healthy again');
  expect(current()).toBe(join(appDir, 'releases', SHA1));
  expect(restarts()).toBe(3); // first release, the failed one, the switch back
});

test('rollback to previous switches back without building anything', async () => {
  expect((await release(SHA1)).status).toBe(0);
  expect((await release(SHA2)).status).toBe(0);

  const result = await runDocument({
    action: 'rollback',
    commitSha: 'previous',
    artifactBucket: '',
    artifactKey: '',
  });

  expect(result.status).toBe(0);
  expect(current()).toBe(join(appDir, 'releases', SHA1));
});

test('a failing release step stops the release before the switch: nothing is restarted', async () => {
  expect((await release(SHA1)).status).toBe(0);
  writeApp(SHA2);
  writeFileSync(join(root, 'src', SHA2, 'migrate.py'), 'raise SystemExit(3)\n');

  const result = await runDocument({ commitSha: SHA2, artifactKey: `shop/${SHA2}/release.tar.gz` });

  expect(result.status).not.toBe(0);
  expect(result.output).toContain('release step failed: python migrate.py --all');
  expect(current()).toBe(join(appDir, 'releases', SHA1));
  expect(restarts()).toBe(1);
});

test('releasing the live commit again reuses its venv and stays live', async () => {
  expect((await release(SHA1)).status).toBe(0);

  const result = await release(SHA1);

  expect(result.status).toBe(0);
  expect(result.output).toContain(`release ${SHA1} is already installed`);
  expect(current()).toBe(join(appDir, 'releases', SHA1));
  expect(existsSync(join(appDir, 'previous'))).toBe(false);
});
