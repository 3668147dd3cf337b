/** verify: smoke test and alarms over the bake window (see handler.ts). */
import { defineFunction } from '../commons/manifest';

export const manifest = defineFunction({
  name: 'verify',
  description: 'Verify: smoke test and alarms during the bake window',
  // Smoke test attempts (timeoutSeconds x attempts from pipelines.yaml stay well below this).
  memoryMb: 256,
  timeoutSeconds: 120,
  invocation: 'synchronous',
  invokedBy: ['pipeline'],
  environment: {
    SMOKE_TEST_BACKOFF_MS: {
      kind: 'optional',
      description: 'pause before the 2nd smoke test attempt, doubling, at most 10 s (default 1000)',
    },
  },
  // The alarms named in pipelines.yaml: DescribeAlarms returns a composite alarm only when the
  // permission is granted on `*` (DescribeAlarms, CloudWatch API reference), so a narrower grant
  // would read a composite alarm in verify.alarms as missing and roll a good deploy back.
  grants: [
    {
      kind: 'anyResource',
      actions: ['cloudwatch:DescribeAlarms'],
      reason: 'composite alarms are returned only when DescribeAlarms is granted on *',
    },
  ],
});
