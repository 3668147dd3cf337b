/** Runs deployctl in-process against a sandbox and captures what it prints. */
import { memoryOutput } from '../../local/cli/output';
import { runCli } from '../../local/cli/program';

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
