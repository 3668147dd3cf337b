/**
 * The shell script of the project's SSM release document (its one aws:runShellScript step), as
 * the agent runs it, for the tests that run it with /bin/sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const document = parse(
  readFileSync(join(__dirname, '../../ssm-documents/release-systemd-service.yaml'), 'utf8'),
) as { mainSteps: { inputs: { runCommand: string[] } }[] };

/** The step's runCommand lines joined into one script. */
export const releaseScript = document.mainSteps[0]!.inputs.runCommand.join('\n');
