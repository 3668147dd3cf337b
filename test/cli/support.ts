/** Runs deployctl in-process against a sandbox and captures what it prints. */
import { memoryOutput } from '../../local/cli/output';
import { runCli } from '../../local/cli/program';
import { startSandbox, type Sandbox } from '../../local/sandbox';
import type { Execution } from '../../local/sfn/engine';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `deployctl ...argv` with the given environment (ports, secret); --follow polls every 10 ms. */
export async function deployctl(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliRun> {
  const out = memoryOutput();
  const code = await runCli(argv, { out, env, pollMs: 10 });
  return { code, out: out.text(), err: out.errors.join('\n') };
}

/** Resolves once `check` holds, polling every 10 ms (bounded by jest's test timeout). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The execution name in `started  <pipeline>  <name>`. */
export function startedName(text: string): string {
  const match = /started {2}\S+ {2}(\S+)/.exec(text);
  if (!match) throw new Error(`no started execution in: ${text}`);
  return match[1]!;
}

/** A sandbox on free ports for one suite (started before its tests, stopped after). */
export interface CliSandbox {
  /** The running sandbox (valid inside tests). */
  readonly sandbox: Sandbox;
  /** SANDBOX_PORT and PORT of the running sandbox, for deployctl. */
  readonly env: NodeJS.ProcessEnv;
  /** `deployctl ...argv` against it. */
  cli(...argv: string[]): Promise<CliRun>;
  /** The execution named `name` (the `started` line's name). */
  execution(name: string): Execution;
}

/** Starts a sandbox for the calling suite at a speed-up of 300 and points deployctl at it. */
export function useCliSandbox(): CliSandbox {
  let sandbox: Sandbox | undefined;
  let env: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup: 300, log: false });
    env = { SANDBOX_PORT: String(sandbox.ports.aws), PORT: String(sandbox.ports.webhook) };
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll: use it inside a test');
      return sandbox;
    },
    get env() {
      return env;
    },
    cli: (...argv) => deployctl(env, ...argv),
    execution(name) {
      const found = [...this.sandbox.engine.executions.values()].find((e) => e.name === name);
      if (!found) throw new Error(`no execution named ${name}`);
      return found;
    },
  };
}
