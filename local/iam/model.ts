/**
 * The IAM world of the sandbox, as read from the synthesized CloudFormation templates: every
 * role, its identity policies (inline and attached AWS::IAM::Policy) with intrinsics resolved to
 * the sandbox's account, region and resource names, and who uses the role (a function, a state
 * machine, a CodeBuild project, EC2 instances). Plain JSON so it can be cached on disk.
 */

/** An IAM policy document (the JSON grammar of the IAM User Guide's policy reference). */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatementJson[];
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Who assumes a role in the sandbox. */
export type PrincipalUse =
  | { kind: 'lambda'; functionName: string }
  | { kind: 'states'; stateMachineName: string }
  | { kind: 'codebuild'; projectName: string }
  | { kind: 'ec2'; tag: { key: string; value: string } };

export interface RolePolicy {
  /** Policy name (inline) or the AWS::IAM::Policy logical id. */
  name: string;
  document: PolicyDocument;
}

export interface RoleModel {
  /** Logical id in its stack. */
  logicalId: string;
  stack: string;
  roleName: string;
  arn: string;
  policies: RolePolicy[];
  /** AWS managed policy ARNs attached (their documents are AWS's, not in the template). */
  managedPolicyArns: string[];
  uses: PrincipalUse[];
}

export interface PolicyModel {
  account: string;
  region: string;
  roles: RoleModel[];
  /** Physical names of resources the sandbox must name the same way (e.g. the SSM output log group). */
  names: Record<string, string>;
}

/** The role that a principal use maps to, or undefined. */
export function roleFor(model: PolicyModel, match: (use: PrincipalUse) => boolean): RoleModel | undefined {
  return model.roles.find((role) => role.uses.some(match));
}
