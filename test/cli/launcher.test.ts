/** bin/deployctl runs the CLI on the project's Node 22 through tsx, from any directory. */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { quietOnClosedPipe } from '../../local/cli/output';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '../../bin/deployctl');

describe('bin/deployctl', () => {
  it('prints the help with every command, from another directory, with a PATH that has no node', () => {
    const result = spawnSync(BIN, ['--help'], {
      cwd: tmpdir(),
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: tmpdir() },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const command of [
      'push',
      'executions',
      'show',
      'approve',
      'reject',
      'rollback',
      'scenario',
      'slack',
    ])
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(result.stdout).toContain('--aws');
  });

  it('exits 2 with one line when the sandbox is not running', () => {
    // Port 9 (discard) is not served on test machines: the connection is refused.
    const result = spawnSync(BIN, ['executions', '--endpoint', 'http://127.0.0.1:9'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'The local sandbox is not running on http://127.0.0.1:9. Start it with `npm start` in another shell, or pass --aws. If it runs on another port, pass --endpoint <url> or set SANDBOX_PORT.\n',
    );
  });

  it('ends quietly when its reader goes away (deployctl ls | head), not with an EPIPE stack trace', () => {
    // `true` exits without reading: every write of deployctl meets a closed pipe.
    const result = spawnSync('bash', ['-c', `"${BIN}" --help | true; echo "exit \${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('exit 0\n');
  });
});

describe('quietOnClosedPipe', () => {
  it('exits 0 on EPIPE and rethrows any other stream error', () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    quietOnClosedPipe(stream, (code) => exits.push(code));
    quietOnClosedPipe(stream, (code) => exits.push(code + 100)); // once per stream
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow(
      'disk full',
    );
  });
});
