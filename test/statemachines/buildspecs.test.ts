/**
 * The CodeBuild buildspecs: the phase layout the pipeline's failure classification relies on,
 * inputs used only as quoted data, and the dependency-scan severity gate run for real with python3
 * against a local stand-in for the OSV API.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const dir = join(__dirname, '..', '..', 'buildspecs');
const load = (file: string) => parse(readFileSync(join(dir, file), 'utf8'));
const INPUTS = [
  'PIPELINE',
  'COMMIT_SHA',
  'ARTIFACT_BUCKET',
  'ARTIFACT_KEY',
  'TARGET_KIND',
  'PYTHON_VERSION',
  'REQUIREMENTS_FILE',
  'TEST_PATH',
  'FAIL_ON',
];

/** Input variables that appear outside double quotes in any command. */
function unquotedInputs(spec: { phases: Record<string, { commands: string[] }> }): string[] {
  const text = Object.values(spec.phases)
    .flatMap((p) => p.commands)
    .join('\n');
  // The gate's Python source is data written by a quoted heredoc, not shell.
  const shell = text.replace(/<<'GATE'[\s\S]*?\nGATE/g, '').replace(/"[^"\n]*"/g, '""');
  return INPUTS.filter((name) => new RegExp(`\\$\\{?${name}\\b`).test(shell));
}

/** An OSV API stand-in on a free port: GET /v1/vulns/<id> answers `severities[id]`, else 404. */
async function startOsvStandIn(severities: Record<string, string>): Promise<{ server: Server; api: string }> {
  const server = createServer((req, res) => {
    const id = decodeURIComponent(String(req.url).replace('/v1/vulns/', ''));
    const level = severities[id];
    res.writeHead(level ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(level ? { id, database_specific: { severity: level } } : { message: 'Bug not found' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, api: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('build-and-test.yml', () => {
  const spec = load('build-and-test.yml');

  it('runs only pytest in BUILD, with a JUnit report for the report group', () => {
    expect(spec.version).toBe(0.2);
    expect(spec.phases.build.commands.filter((c: string) => !c.startsWith('mkdir'))).toEqual([
      '.venv/bin/python -m pytest "$TEST_PATH" --junitxml=reports/junit.xml',
    ]);
    expect(spec.phases.pre_build.commands.join('\n')).toContain(
      'pip install --quiet -r "$REQUIREMENTS_FILE"',
    );
    expect(spec.reports['unit-tests']).toEqual({
      'base-directory': 'reports',
      files: ['junit.xml'],
      'file-format': 'JUNITXML',
    });
  });

  it('packages and uploads only after a successful build, by target kind', () => {
    const post = spec.phases.post_build.commands.join('\n');
    expect(post.indexOf('CODEBUILD_BUILD_SUCCEEDING')).toBeLessThan(post.indexOf('aws s3 cp'));
    expect(post).toContain('aws s3 cp "$artifact" "s3://$ARTIFACT_BUCKET/$ARTIFACT_KEY"');
    expect(post).toMatch(/elastic-beanstalk\)[\s\S]*app\.zip[\s\S]*ec2-ssm\)[\s\S]*release\.tar\.gz/);
  });

  it('uses every input only inside double quotes', () => {
    expect(unquotedInputs(spec)).toEqual([]);
    expect(unquotedInputs({ phases: { x: { commands: ['echo $ARTIFACT_KEY'] } } })).toEqual(['ARTIFACT_KEY']);
  });
});

describe('dependency-scan.yml', () => {
  const spec = load('dependency-scan.yml');

  it('writes the same gate as buildspecs/severity_gate.py and runs it in BUILD', () => {
    const write = spec.phases.pre_build.commands.find((c: string) => c.includes("<<'GATE'"));
    const inline = write.split("<<'GATE'\n")[1].replace(/GATE\n?$/, '');
    expect(inline).toBe(readFileSync(join(dir, 'severity_gate.py'), 'utf8'));
    expect(spec.phases.build.commands.at(-1)).toBe(
      '/tmp/scanner/bin/python /tmp/severity_gate.py reports/pip-audit.json reports/severities.json',
    );
    expect(unquotedInputs(spec)).toEqual([]);
  });

  it('runs pip-audit in PRE_BUILD and only the gate in BUILD, so a crash is never VulnerabilitiesFound', () => {
    expect(spec.phases.build.commands).toEqual([
      '/tmp/scanner/bin/python /tmp/severity_gate.py reports/pip-audit.json reports/severities.json',
    ]);
    const pre = spec.phases.pre_build.commands.join('\n');
    expect(pre).toContain('/tmp/scanner/bin/pip-audit --requirement "$REQUIREMENTS_FILE"');
    expect(pre).toContain('severity_gate.py --check-run "$audit_exit" reports/pip-audit.json');
    expect(spec.phases.pre_build['on-failure']).toBe('ABORT');
  });
});

describe('dependency-scan.yml exports its summary for the approval page', () => {
  const spec = load('dependency-scan.yml') as {
    env: { 'exported-variables': string[] };
    phases: Record<string, { commands: string[] }>;
  };
  let server: Server;
  let api: string;
  const severities: Record<string, string> = { 'GHSA-mod-0001': 'MODERATE', 'GHSA-low-0001': 'LOW' };

  beforeAll(async () => {
    ({ server, api } = await startOsvStandIn(severities));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** A buildspec command as CodeBuild runs it (bash), with the scanner's python and gate paths local. */
  const local = (command: string) =>
    command
      .replaceAll('/tmp/scanner/bin/python', 'python3')
      .replaceAll('/tmp/severity_gate.py', join(dir, 'severity_gate.py'));
  const run = (cwd: string, script: string, env: Record<string, string>) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile('bash', ['-c', script], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, out: stdout, err: stderr }),
      );
    });
  /** PRE_BUILD's --assess command for real over a report; what it leaves exported, and the BUILD gate's exit. */
  const scan = async (vulns: { id: string; aliases?: string[] }[], failOn = 'high', gateApi = api) => {
    const cwd = mkdtempSync(join(tmpdir(), 'scan-export-'));
    mkdirSync(join(cwd, 'reports'));
    writeFileSync(
      join(cwd, 'reports', 'pip-audit.json'),
      JSON.stringify({
        dependencies: [
          {
            name: 'jinja2',
            version: '2.10.1',
            vulns: vulns.map((v) => ({ aliases: [], fix_versions: [], ...v })),
          },
        ],
      }),
    );
    const assess = spec.phases.pre_build!.commands.find((c) => c.startsWith('summary='))!;
    const pre = await run(
      cwd,
      `${local(assess)}\nprintf '%s|%s|%s' "$SCAN_FINDINGS" "$SCAN_HIGHEST_SEVERITY" "$SCAN_UNRATED" > exported.txt`,
      { OSV_API_URL: api },
    );
    const exported = pre.code === 0 ? readFileSync(join(cwd, 'exported.txt'), 'utf8') : '';
    const gate = await run(cwd, local(spec.phases.build!.commands.at(-1)!), {
      OSV_API_URL: gateApi,
      FAIL_ON: failOn,
    });
    return { pre, exported, gate };
  };

  it('declares the three variables CodeBuild exports', () => {
    expect(spec.env['exported-variables']).toEqual([
      'SCAN_FINDINGS',
      'SCAN_HIGHEST_SEVERITY',
      'SCAN_UNRATED',
    ]);
  });

  it.each<[string, string, { id: string; aliases?: string[] }[], number]>([
    ['no findings', '0|none|0', [], 0],
    [
      'a moderate and a low advisory',
      '2|medium|0',
      [{ id: 'GHSA-mod-0001' }, { id: 'PYSEC-1', aliases: ['GHSA-low-0001'] }],
      0,
    ],
    ['findings without a published severity only', '1|unknown|1', [{ id: 'PYSEC-unrated-1' }], 1],
    [
      'a low advisory and one without a severity',
      '2|low|1',
      [{ id: 'GHSA-low-0001' }, { id: 'PYSEC-unrated-2' }],
      1,
    ],
  ])(
    '%s: exports %s (findings|highest|unrated), and the gate at high follows',
    async (_name, exported, vulns, gateExit) => {
      const result = await scan(vulns);
      expect(result.pre).toMatchObject({ code: 0, err: '' });
      expect(result.exported).toBe(exported);
      expect(result.pre.out).toContain(
        `scan summary: ${exported.split('|')[0]} finding(s), highest ${exported.split('|')[1]}`,
      );
      expect(result.gate.code).toBe(gateExit);
    },
  );

  it('the gate in BUILD judges the levels PRE_BUILD learnt, without asking OSV again', async () => {
    const result = await scan([{ id: 'GHSA-low-0001' }], 'medium', 'http://127.0.0.1:9');
    expect(result.exported).toBe('1|low|0');
    expect(result.gate.code).toBe(0);
    expect(result.gate.out).toContain('note   low      jinja2==2.10.1 GHSA-low-0001');
  });

  it('fails PRE_BUILD (the scanner, not a finding) and exports nothing when the report cannot be read', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scan-export-'));
    const assess = spec.phases.pre_build!.commands.find((c) => c.startsWith('summary='))!;
    const pre = await run(cwd, `${local(assess)}`, { OSV_API_URL: api });
    expect(pre.code).not.toBe(0);
    expect(pre.out).not.toContain('scan summary');
  });
});

describe('severity_gate.py --check-run (was the pip-audit run a scan?)', () => {
  const checkRun = (exitCode: string, report: string | null) => {
    const path = join(mkdtempSync(join(tmpdir(), 'check-run-')), 'pip-audit.json');
    if (report !== null) writeFileSync(path, report);
    return new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        'python3',
        [join(dir, 'severity_gate.py'), '--check-run', exitCode, path],
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
      );
    });
  };
  const withVuln = JSON.stringify({
    dependencies: [{ name: 'flask', version: '2.0.0', vulns: [{ id: 'PYSEC-2023-62', aliases: [] }] }],
  });
  const clean = JSON.stringify({ dependencies: [{ name: 'flask', version: '3.0.0', vulns: [] }] });

  it.each([
    ['a crash before any report (resolution failed)', '1', null, 3],
    ['exit 1 with a report that lists nothing', '1', clean, 3],
    ['a report that is not JSON', '1', '{"dependencies": [', 3],
    ['an unexpected exit status', '2', clean, 3],
    ['findings (exit 1 with a finding)', '1', withVuln, 0],
    ['a clean run', '0', clean, 0],
  ])('%s exits %#', async (_name, exitCode, report, expected) => {
    const result = await checkRun(exitCode, report);
    expect(result.code).toBe(expected);
    if (expected === 3) expect(result.out).toContain('pip-audit could not run');
  });
});

describe('severity_gate.py', () => {
  let server: Server;
  let api: string;
  const severities: Record<string, string> = {
    'GHSA-high-0001': 'HIGH',
    'GHSA-low-0001': 'LOW',
    'GHSA-crit-0001': 'CRITICAL',
  };

  beforeAll(async () => {
    ({ server, api } = await startOsvStandIn(severities));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const gate = (failOn: string, vulns: { id: string; aliases?: string[] }[]) => {
    const report = join(mkdtempSync(join(tmpdir(), 'gate-')), 'pip-audit.json');
    writeFileSync(
      report,
      JSON.stringify({
        dependencies: [
          {
            name: 'flask',
            version: '2.0.0',
            vulns: vulns.map((v) => ({ aliases: [], fix_versions: ['2.3.2'], ...v })),
          },
          { name: 'click', version: '8.1.7', vulns: [] },
        ],
      }),
    );
    return new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        'python3',
        [join(dir, 'severity_gate.py'), report],
        { env: { ...process.env, FAIL_ON: failOn, OSV_API_URL: api } },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr });
        },
      );
    });
  };

  it('fails on a finding at the configured severity, found through an alias', async () => {
    const result = await gate('high', [{ id: 'PYSEC-2023-62', aliases: ['GHSA-high-0001'] }]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('BLOCKS high     flask==2.0.0 PYSEC-2023-62 fixed in: 2.3.2');
  });

  it('passes findings below the configured severity and reports them', async () => {
    const result = await gate('high', [{ id: 'GHSA-low-0001' }]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('1 finding(s), 0 at or above high');
  });

  it('fails safe when the severity cannot be learned', async () => {
    expect((await gate('critical', [{ id: 'PYSEC-unknown-1' }])).code).toBe(1);
  });

  it('passes a clean report and rejects a bad FAIL_ON', async () => {
    expect((await gate('low', [])).code).toBe(0);
    const bad = await gate('severe', []);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('FAIL_ON must be one of');
  });

  it('never puts an id with URL syntax into a request', async () => {
    const result = await gate('critical', [{ id: '../../admin?x=GHSA-crit-0001' }]);
    expect(result.code).toBe(1); // unknown severity, not the critical one smuggled in the path
    expect(result.out).toContain('BLOCKS critical');
  });
});
