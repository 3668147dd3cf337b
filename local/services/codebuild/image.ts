/**
 * The Python of CodeBuild's `aws/codebuild/standard:7.0` image, closely enough that a buildspec's
 * INSTALL phase runs for real against it: the sandbox's CodeBuild runs a buildspec's
 * `runtime-versions` and install commands here, in bash, and fails INSTALL as CodeBuild would.
 *
 * What is modelled (aws/aws-codebuild-docker-images, ubuntu/standard/7.0):
 * - Dockerfile: pyenv installs Python 3.14.3, 3.13.12, 3.12.13, 3.11.15, 3.10.20 and 3.9.25, puts
 *   `/root/.pyenv/shims` first on the PATH, and the image's default is `pyenv global $PYTHON_311_VERSION`.
 * - runtimes.yml: `runtime-versions: python: 3.X` runs `pyenv global $PYTHON_3X_VERSION`.
 * - pyenv's shims: one per command of every installed version (`python3.12` exists as a shim even
 *   when 3.11 is global); a shim for a command the selected version lacks prints
 *   "pyenv: <command>: command not found" and exits 127 (pyenv, libexec/pyenv-exec and pyenv-which).
 * Each version's interpreter is a stand-in: `--version`, `-c CODE` (run by the machine's python3 with
 * `sys.version_info` of the version), `-m venv DIR`, and `-m pip ...` (accepted, installs nothing:
 * the sandbox has no package index).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Minor version -> the full version the image installs (Dockerfile PYTHON_3X_VERSION). */
export const STANDARD_7_PYTHON: Readonly<Record<string, string>> = {
  '3.14': '3.14.3',
  '3.13': '3.13.12',
  '3.12': '3.12.13',
  '3.11': '3.11.15',
  '3.10': '3.10.20',
  '3.9': '3.9.25',
};
/** `pyenv global $PYTHON_311_VERSION` in the Dockerfile's std_v7 stage. */
export const STANDARD_7_DEFAULT_PYTHON = '3.11';

export interface InstallPhase {
  /** `phases.install.runtime-versions` of the buildspec (values may name `$VARIABLES`). */
  runtimeVersions?: Record<string, unknown> | undefined;
  /** `phases.install.commands`. */
  commands: string[];
}

export interface InstallOutcome {
  ok: boolean;
  /** The Python that `pyenv global` selected, e.g. 3.12.13. */
  python: string | null;
  /** Output lines, as the build log would show them. */
  log: string[];
  /** The failing command and its exit status (CodeBuild's COMMAND_EXECUTION_ERROR), or a YAML error. */
  failure?: { command: string; exitStatus: number } | { yamlError: string };
}

const expand = (value: string, env: Record<string, string>) =>
  value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => env[name] ?? '');

/** The full Python version `runtime-versions` selects, or the YAML_FILE_ERROR CodeBuild reports. */
export function selectPython(
  runtimeVersions: Record<string, unknown> | undefined,
  env: Record<string, string>,
): { version: string } | { yamlError: string } {
  const requested = runtimeVersions?.python;
  if (requested === undefined) return { version: STANDARD_7_PYTHON[STANDARD_7_DEFAULT_PYTHON]! };
  const wanted = expand(String(requested), env).trim();
  const minors = Object.keys(STANDARD_7_PYTHON);
  const minor = wanted === 'latest' || wanted === '3.x' ? minors[0]! : wanted;
  const version = STANDARD_7_PYTHON[minor];
  if (version) return { version };
  // The phase context CodeBuild gives for a runtime version the image does not have.
  return {
    yamlError: `Unknown runtime version named '${wanted}' of python. This build image has the following versions: ${[...minors].reverse().join(', ')}`,
  };
}

const SHIM = `#!/bin/sh
name=$(basename "$0")
global=$(cat "$PYENV_ROOT/version")
minor=\${global%.*}
case "$name" in
  python | python3 | "python$minor" | pip | pip3 | "pip$minor")
    exec "$PYENV_ROOT/versions/$global/bin/$name" "$@" ;;
esac
echo "pyenv: $name: command not found" >&2
for dir in "$PYENV_ROOT"/versions/*; do
  [ -e "$dir/bin/$name" ] && { echo >&2; echo "The \\\`$name' command exists in these Python versions:" >&2; echo "  $(basename "$dir")" >&2; }
done
exit 127
`;

const interpreter = (version: string, hostPython: string) => {
  const [major, minor, micro] = version.split('.');
  return `#!/bin/sh
case "$1" in
  --version | -V) echo "Python ${version}"; exit 0 ;;
  -c)
    code=$2; shift 2
    exec "${hostPython}" -c "import sys; sys.version_info = (${major}, ${minor}, ${micro}, 'final', 0); sys.version = '${version} (standard:7.0 stand-in)'; code = sys.argv.pop(1); sys.argv[0] = '-c'; exec(compile(code, '<string>', 'exec'))" "$code" "$@" ;;
  -m)
    case "$2" in
      venv)
        dir=$3
        [ -n "$dir" ] || { echo "usage: venv ENV_DIR" >&2; exit 2; }
        mkdir -p "$dir/bin" || exit 1
        for name in python python3 python${major}.${minor} pip pip3; do ln -sf "$0" "$dir/bin/$name"; done
        exit 0 ;;
      pip) exit 0 ;;
      *) echo "$0: No module named $2" >&2; exit 1 ;;
    esac ;;
esac
echo "stand-in for Python ${version}: only --version, -c, -m venv and -m pip are modelled" >&2
exit 2
`;
};

/** The machine's own python3 by absolute path (the model's shims come first on the build's PATH). */
function hostPython3(): string {
  const found = ['/usr/bin/python3', '/usr/local/bin/python3'].find((path) => existsSync(path));
  if (!found) throw new Error('the CodeBuild image model needs python3 at /usr/bin/python3');
  return found;
}

function write(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A pyenv root laid out like the image's, with `version` as the global one. */
function pyenvRoot(dir: string, globalVersion: string, hostPython: string): string {
  const root = join(dir, 'pyenv');
  const shims = join(root, 'shims');
  mkdirSync(shims, { recursive: true });
  writeFileSync(join(root, 'version'), `${globalVersion}\n`);
  for (const [minor, version] of Object.entries(STANDARD_7_PYTHON)) {
    const bin = join(root, 'versions', version, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const name of ['python', 'python3', `python${minor}`, 'pip', 'pip3', `pip${minor}`]) {
      write(join(bin, name), interpreter(version, hostPython));
      write(join(shims, name), SHIM);
    }
  }
  return root;
}

/**
 * Runs an INSTALL phase against the model: runtime-versions first, then every command in one bash
 * (buildspec version 0.2 keeps variables from one command to the next), stopping at the first that
 * fails. The buildspec's `/tmp/` is the build's own directory (a container's /tmp is private).
 */
export async function runInstallPhase(
  phase: InstallPhase,
  env: Record<string, string>,
  options: { hostPython?: string; timeoutMs?: number } = {},
): Promise<InstallOutcome> {
  const selected = selectPython(phase.runtimeVersions, env);
  if ('yamlError' in selected) {
    return { ok: false, python: null, log: [selected.yamlError], failure: { yamlError: selected.yamlError } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'codebuild-install-'));
  try {
    const root = pyenvRoot(dir, selected.version, options.hostPython ?? hostPython3());
    const work = join(dir, 'src');
    const privateTmp = join(dir, 'tmp');
    mkdirSync(work);
    mkdirSync(privateTmp);
    const lines = ['set +e'];
    phase.commands.forEach((command, index) => {
      lines.push(command.replaceAll('/tmp/', `${privateTmp}/`));
      lines.push(`rc=$?; if [ "$rc" -ne 0 ]; then echo "${index} $rc" > "${dir}/failed"; exit "$rc"; fi`);
    });
    const script = join(dir, 'install.sh');
    writeFileSync(script, `${lines.join('\n')}\n`);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'bash',
        [script],
        {
          cwd: work,
          timeout: options.timeoutMs ?? 30_000,
          env: {
            ...env,
            PATH: `${join(root, 'shims')}:/usr/local/bin:/usr/bin:/bin`,
            PYENV_ROOT: root,
            HOME: dir,
            CODEBUILD_SRC_DIR: work,
          },
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            output: `${stdout}${stderr}`,
          }),
      );
    });
    const log = result.output.split('\n').filter((line) => line.trim() !== '');
    if (result.code === 0) return { ok: true, python: selected.version, log };
    let failed: [number, number] = [phase.commands.length - 1, result.code];
    try {
      const [index, status] = readFileSync(join(dir, 'failed'), 'utf8').split(' ');
      failed = [Number(index), Number(status)];
    } catch {
      // killed before it could record which command failed: the last one ran
    }
    return {
      ok: false,
      python: selected.version,
      log,
      failure: { command: phase.commands[failed[0]] ?? '', exitStatus: failed[1] },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
