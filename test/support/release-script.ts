/**
 * The shell script of the project's SSM release document (its one aws:runShellScript step), as
 * the agent runs it, and its tool stand-ins, for the tests that run it with /bin/sh.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const document = parse(
  readFileSync(join(__dirname, '../../ssm-documents/release-systemd-service.yaml'), 'utf8'),
) as { mainSteps: { inputs: { runCommand: string[] } }[] };

/** The step's runCommand lines joined into one script. */
export const releaseScript = document.mainSteps[0]!.inputs.runCommand.join('\n');

/** Writes an executable `/bin/sh` stand-in for `name` into `dir` (put on the script's PATH). */
export function writeStub(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}
