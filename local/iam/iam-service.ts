/**
 * The IAM Query API (awsQuery, Version 2010-05-08) the doctor needs, answered from the policy
 * model with the same evaluator that enforces it:
 * - SimulatePrincipalPolicy (IAM API reference): PolicySourceArn, ActionNames, ResourceArns
 *   (default `*`), ContextEntries; EvaluationResults with EvalDecision `allowed`, `implicitDeny`
 *   or `explicitDeny` and the matched statements; NoSuchEntity (404) for an unknown role.
 * - ListRoles: the roles of the synthesized stacks (PathPrefix, no paging needed).
 */
import type { QueryService } from '../aws/server';
import { ServiceError } from '../aws/service-error';
import type { Authorizer } from './authorizer';
import { decideLenient, PolicyEvaluator } from './evaluate';

const DECISION = {
  Allowed: 'allowed',
  ImplicitlyDenied: 'implicitDeny',
  ExplicitlyDenied: 'explicitDeny',
} as const;

type ContextEntry = { ContextKeyName?: string; ContextKeyValues?: string[] };

/** The IAM service of the sandbox's AWS endpoint. */
export function iamService(authorizer: Authorizer): QueryService {
  const evaluator = new PolicyEvaluator();
  const created = new Date('2026-01-01T00:00:00Z');
  return {
    name: 'iam',
    version: '2010-05-08',
    xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
    operations: {
      ListRoles: (input: { PathPrefix?: string }) => ({
        Roles: authorizer.model.roles
          .filter(() => !input.PathPrefix || input.PathPrefix === '/')
          .map((role) => ({
            Path: '/',
            RoleName: role.roleName,
            RoleId: `AROA${role.arn.length.toString(16).toUpperCase().padStart(4, '0')}${role.logicalId.slice(-12).toUpperCase()}`,
            Arn: role.arn,
            CreateDate: created,
          })),
        IsTruncated: false,
      }),
      SimulatePrincipalPolicy: async (input: {
        PolicySourceArn?: string;
        ActionNames?: string[];
        ResourceArns?: string[];
        ContextEntries?: ContextEntry[];
      }) => {
        const arn = input.PolicySourceArn ?? '';
        const role = authorizer.roleByArn(arn);
        if (!role)
          throw new ServiceError(
            'NoSuchEntity',
            `The role with name ${arn.split('/').pop() ?? arn} cannot be found.`,
            404,
          );
        const actions = input.ActionNames ?? [];
        if (!actions.length)
          throw new ServiceError('InvalidInput', 'ActionNames must name at least one action.');
        const context: Record<string, string | string[]> = {};
        for (const entry of input.ContextEntries ?? [])
          if (entry.ContextKeyName) context[entry.ContextKeyName] = entry.ContextKeyValues ?? [];
        const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
        const results = [];
        for (const action of actions)
          for (const resource of resources) {
            const decision = await decideLenient(evaluator, role, { action, resource, context });
            results.push({
              EvalActionName: action,
              EvalResourceName: resource,
              EvalDecision: DECISION[decision],
              MatchedStatements: [],
              MissingContextValues: [],
            });
          }
        return { EvaluationResults: results, IsTruncated: false };
      },
    },
  };
}
