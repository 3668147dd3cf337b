/** deployctl entry point (bin/deployctl runs this on the project's Node 22 through tsx). */
import { runCli } from './program';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
