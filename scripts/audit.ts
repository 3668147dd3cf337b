/**
 * `npm run audit`: npm audit of the production dependencies (what ships in the Lambda bundles).
 * Exits 1 on a high or critical advisory, and also when the registry's advisory endpoint cannot
 * be reached: no advisories read is not the same as no advisories.
 */
import { join } from 'node:path';
import { judgeAudit, runNpmAudit } from './npm-audit';

const verdict = judgeAudit(runNpmAudit(join(__dirname, '..')));
if (verdict.ok) {
  console.log(`npm audit --omit=dev: no high or critical advisories (${JSON.stringify(verdict.counts)})`);
} else {
  console.error(verdict.message);
  process.exit(1);
}
