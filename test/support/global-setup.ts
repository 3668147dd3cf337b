/**
 * Before any worker starts: the sandbox's IAM policy model (a synth of the stacks, about half a
 * minute) is built once into its disk cache, so the suites that start a sandbox read it instead of
 * each synthesizing in parallel. A changed grant changes the cache key (local/iam/synth-policies.ts).
 */
import { loadConfig } from '../../functions/commons/config/load-config';
import { SANDBOX_NAMES } from '../../local/iam/sandbox-names';
import { loadPolicyModel } from '../../local/iam/synth-policies';

export default async function globalSetup(): Promise<void> {
  await loadPolicyModel(loadConfig(), SANDBOX_NAMES);
}
