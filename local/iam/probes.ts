/**
 * What each role of the synthesized template must be allowed to do, as requests to simulate
 * against the deployed role (`deployctl doctor`, iam:SimulatePrincipalPolicy): every action of
 * every Allow statement, on a concrete resource its pattern covers (wildcards filled in), with
 * the context values its conditions ask for.
 */
import type { PolicyStatementJson, RoleModel } from './model';

/**
 * One statement to simulate: its actions, each on the statement's resources (an action counts as
 * allowed when any of them is: a statement's resources may be of several types, and each action
 * applies to its own), with the context values its conditions ask for.
 */
export interface Probe {
  actions: string[];
  resources: string[];
  context: { name: string; values: string[] }[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A concrete ARN the pattern matches: `*` becomes `doctor`, `?` becomes `x`. */
export const concrete = (pattern: string): string =>
  pattern === '*' ? '*' : pattern.replace(/\*/g, 'doctor').replace(/\?/g, 'x');

function contextOf(statement: PolicyStatementJson): Probe['context'] {
  const context: Probe['context'] = [];
  for (const clauses of Object.values(statement.Condition ?? {}))
    for (const [name, values] of Object.entries(clauses)) {
      const first = list(values)[0];
      if (first !== undefined) context.push({ name, values: [concrete(String(first))] });
    }
  return context;
}

/** The probes of a role: one per Allow statement. */
export function probesFor(role: RoleModel): Probe[] {
  const probes: Probe[] = [];
  for (const policy of role.policies)
    for (const statement of policy.document.Statement) {
      if (statement.Effect !== 'Allow' || !statement.Action) continue;
      const actions = list(statement.Action).filter((a) => !a.includes('*'));
      if (!actions.length) continue;
      const resources = list(statement.Resource ?? '*')
        .filter((r) => !r.startsWith('unresolved:'))
        .map(concrete);
      if (resources.length) probes.push({ actions, resources, context: contextOf(statement) });
    }
  return probes;
}

/** What the role is used by, in words. */
export function describeUse(role: RoleModel): string {
  return role.uses
    .map((u) =>
      u.kind === 'lambda'
        ? `function ${u.functionName}`
        : u.kind === 'states'
          ? `state machine ${u.stateMachineName}`
          : u.kind === 'codebuild'
            ? `CodeBuild project ${u.projectName}`
            : `instances tagged ${u.tag.key}=${u.tag.value}`,
    )
    .join(', ');
}
