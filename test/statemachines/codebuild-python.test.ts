/**
 * The buildspecs' Python selection on the standard:7.0 image model (local/sim/codebuild-image.ts):
 * pyenv has a shim for every installed version, so probing with `command -v python3.X` finds one
 * that then exits 127; runtime-versions is what switches the version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runInstallPhase, selectPython } from '../../local/services/codebuild/image';

const dir = join(__dirname, '..', '..', 'buildspecs');
const installOf = (text: string) => {
  const spec = parse(text) as {
    phases: { install: { commands: string[]; 'runtime-versions'?: Record<string, unknown> } };
  };
  return {
    commands: spec.phases.install.commands,
    runtimeVersions: spec.phases.install['runtime-versions'],
  };
};
const env = (version: string) => ({ PYTHON_VERSION: version, PIPELINE: 'microblog' });

/** The install phase as it was: `python$PYTHON_VERSION` found by `command -v`. */
const PROBING = `version: 0.2
phases:
  install:
    commands:
      - 'python_bin="python$PYTHON_VERSION"; command -v "$python_bin" > /dev/null || python_bin=python3; "$python_bin" --version'
      - '"$python_bin" -m venv .venv'
`;

describe('Python on aws/codebuild/standard:7.0', () => {
  test.each(['3.10', '3.12', '3.13'])(
    'probing for python%s finds a pyenv shim that exits 127',
    async (version) => {
      const outcome = await runInstallPhase(installOf(PROBING), env(version));
      expect(outcome.ok).toBe(false);
      expect(outcome.failure).toMatchObject({ exitStatus: 127 });
      expect(outcome.log.join('\n')).toContain(`pyenv: python${version}: command not found`);
    },
  );

  test.each(['build-and-test.yml', 'dependency-scan.yml'])(
    '%s selects every configured version through runtime-versions',
    async (file) => {
      for (const version of ['3.10', '3.11', '3.12', '3.13']) {
        const outcome = await runInstallPhase(installOf(readFileSync(join(dir, file), 'utf8')), env(version));
        expect(outcome.log.join('\n')).not.toContain('command not found');
        expect(outcome.ok).toBe(true);
        expect(outcome.python?.startsWith(`${version}.`)).toBe(true);
        expect(outcome.log[0]).toBe(`Python ${outcome.python}`);
      }
    },
  );

  test('the version check stops INSTALL when python is not the configured version', async () => {
    const spec = installOf(readFileSync(join(dir, 'build-and-test.yml'), 'utf8'));
    const outcome = await runInstallPhase({ commands: spec.commands }, env('3.12'));
    expect(outcome.ok).toBe(false);
    expect(outcome.log.join('\n')).toContain('python is 3.11, the pipeline asks for 3.12');
  });

  test('a version the image lacks is a YAML_FILE_ERROR naming the versions it has', () => {
    expect(selectPython({ python: '$PYTHON_VERSION' }, { PYTHON_VERSION: '3.8' })).toEqual({
      yamlError:
        "Unknown runtime version named '3.8' of python. This build image has the following versions: 3.9, 3.10, 3.11, 3.12, 3.13, 3.14",
    });
    expect(selectPython(undefined, {})).toEqual({ version: '3.11.15' });
  });
});
