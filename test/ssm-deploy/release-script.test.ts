/**
 * Runs the document's shell script for real (dash, as /bin/sh on Debian) in a temporary directory,
 * with stand-ins for aws, python, systemctl, curl and sleep on PATH: no network, no root.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseScript as script, writeStub } from '../support/release-script';

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

let root: string;
let bin: string;
let appDir: string;

const stub = (name: string, body: string) => writeStub(bin, name, body);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'release-script-'));
  bin = join(root, 'bin');
  appDir = join(root, 'opt', 'microblog');
  mkdirSync(bin);
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'requirements.txt'), 'flask\n');
  writeFileSync(join(root, 'app', 'microblog.py'), 'app = None\n');
  writeFileSync(join(root, 'health'), '0');
  stub('aws', `tar -czf "$5" -C "${join(root, 'app')}" .`);
  stub(
    'python3.11',
    [
      'mkdir -p "$3/bin"',
      `printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/pip"`,
      `cat > "$3/bin/flask" <<'FLASK'`,
      '#!/bin/sh',
      `echo "flask $FLASK_APP $*" >> "${join(root, 'calls')}"`,
      'FLASK',
      'chmod +x "$3/bin/pip" "$3/bin/flask"',
    ].join('\n'),
  );
  stub('systemctl', `[ "$1" = show ] && exit 0; echo "systemctl $*" >> "${join(root, 'calls')}"`);
  stub('curl', `exit "$(cat "${join(root, 'health')}")"`);
  stub('sleep', 'exit 0');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function runDocument(parameters: Record<string, string>) {
  const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: root };
  const values = {
    action: 'release',
    commitSha: SHA1,
    artifactBucket: 'artifacts',
    artifactKey: 'microblog/x/release.tar.gz',
    serviceName: 'microblog',
    appDirectory: appDir,
    healthUrl: 'http://127.0.0.1:5000/',
    pythonVersion: '3.11',
    releaseEnvironment: 'FLASK_APP:microblog.py',
    releaseCommands: 'flask+db+upgrade:flask+translate+compile',
    ...parameters,
  };
  for (const [name, value] of Object.entries(values)) env[`SSM_${name}`] = value;
  return spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8' });
}

const current = () => readlinkSync(join(appDir, 'current'));
const calls = () => (existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8') : '');

test('release installs, migrates, switches current, restarts and checks health', () => {
  const result = runDocument({});
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(current()).toBe(join(appDir, 'releases', SHA1));
  expect(existsSync(join(appDir, 'releases', SHA1, 'venv', 'bin', 'flask'))).toBe(true);
  expect(calls()).toContain('flask microblog.py db upgrade');
  expect(calls()).toContain('flask microblog.py translate compile');
  expect(calls()).toContain('systemctl restart -- microblog');
});

test('a failed health check switches back to the previous release and exits non-zero', () => {
  // Prepare: SHA1 is live
  expect(runDocument({}).status).toBe(0);
  writeFileSync(join(root, 'health'), '22');
  // Act
  const result = runDocument({ commitSha: SHA2 });
  // Assess
  expect(result.status).not.toBe(0);
  expect(result.stdout + result.stderr).toContain('switching back');
  expect(current()).toBe(join(appDir, 'releases', SHA1));
});

test('rollback switches current back to previous', () => {
  expect(runDocument({}).status).toBe(0);
  expect(runDocument({ commitSha: SHA2 }).status).toBe(0);
  expect(current()).toBe(join(appDir, 'releases', SHA2));
  const result = runDocument({
    action: 'rollback',
    commitSha: 'previous',
    artifactBucket: '',
    artifactKey: '',
  });
  expect(result.status).toBe(0);
  expect(current()).toBe(join(appDir, 'releases', SHA1));
});

test.each([
  ['serviceName', 'microblog; touch /tmp/pwned'],
  ['artifactKey', 'x/$(id)'],
  ['appDirectory', '/opt/../etc'],
  ['commitSha', `${'a'.repeat(39)}\n`],
])('the script refuses a hostile %s even if it got past SSM', (name, value) => {
  const result = runDocument({ [name]: value });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/parameter|segments/);
  expect(existsSync(join(appDir, 'current'))).toBe(false);
});

test('without ENV_VAR support (old agent) it stops with a clear message', () => {
  const result = spawnSync('/bin/sh', ['-c', script], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('SSM Agent 3.3.2746.0');
});

test('an app without release steps runs none (nothing of microblog is assumed)', () => {
  const result = runDocument({ releaseEnvironment: '', releaseCommands: '' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(calls()).not.toContain('flask');
  expect(result.stdout).toContain('no release steps configured');
  expect(current()).toBe(join(appDir, 'releases', SHA1));
});

test('release steps and their environment come from the parameters, split without a shell', () => {
  const result = runDocument({
    releaseEnvironment: 'FLASK_APP:shop.py+APP_MODE:release',
    releaseCommands: 'flask+db+upgrade+--directory+migrations:flask+assets+build',
  });
  expect(result.status).toBe(0);
  expect(calls()).toContain('flask shop.py db upgrade --directory migrations');
  expect(calls()).toContain('flask shop.py assets build');
});

test('a release step that is not a program of the venv stops the release before the switch', () => {
  const result = runDocument({ releaseCommands: 'gunicorn+--check-config' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain("is not in the release's venv");
  expect(existsSync(join(appDir, 'current'))).toBe(false);
});
