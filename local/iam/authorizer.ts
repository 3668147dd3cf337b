/**
 * The sandbox's authorisation step: every AWS call a principal of the synthesized stacks makes
 * (a function's role, a state machine's role, a CodeBuild project's role, the instances' role) is
 * decided against that role's identity policies, as AWS would. Calls signed with any other key
 * come from the operator (the AWS CLI, deployctl, tests): an administrator, allowed.
 *
 * A denial reads as AWS writes it (IAM User Guide, "Troubleshoot access denied error messages";
 * e.g. "User: arn:aws:sts::123456789012:assumed-role/MyRole/session is not authorized to perform:
 * events:PutRule on resource: arn:aws:events:…:rule/x because no identity-based policy allows the
 * events:PutRule action"), and is answered in the service's wire format: AccessDeniedException in
 * the JSON protocols, AccessDenied (403) in awsQuery and S3.
 */
import type { AwsCall, CallCheck } from '../aws/server';
import { ServiceError } from '../aws/service-error';
import { sessionArn, type Caller } from './caller';
import { PolicyEvaluator, type Decision } from './evaluate';
import type { PolicyModel, PrincipalUse, RoleModel } from './model';
import { iamRequestsFor, type IamRequest, type WorldLookup } from './operations';
import { onBehalfOfCaller } from './on-behalf';

/** One refused request, as the sandbox records it. */
export interface Denial {
  principal: string;
  action: string;
  resource: string;
  explicit: boolean;
  message: string;
  /** What made the call: `<service>.<Operation>`, or the integration / agent step. */
  via: string;
}

/** AWS's denial message (IAM User Guide, "Troubleshoot access denied error messages"). */
export function denialMessage(
  principal: string,
  action: string,
  resource: string,
  explicit: boolean,
): string {
  return explicit
    ? `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in an identity-based policy`
    : `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/** JSON protocols answer AccessDeniedException (400); awsQuery and S3 answer AccessDenied (403). */
export function accessDeniedError(service: string, message: string): ServiceError {
  return service === 'elasticbeanstalk' || service === 's3' || service === 'iam'
    ? new ServiceError('AccessDenied', message, 403)
    : new ServiceError('AccessDeniedException', message);
}

/**
 * One request the authoriser decided: who asked (role and session), for what, through which call,
 * and the decision. The mutation test (test/iam/) replays these against altered policies.
 */
export interface AuthorizationRecord {
  roleArn: string;
  /** The session ARN AWS names as the principal. */
  principal: string;
  request: IamRequest;
  /** What made the call (see Denial.via). */
  via: string;
  decision: Decision;
}

/** How many distinct decided requests are kept (a long `npm start` must not grow without end). */
export const RECORD_LIMIT = 20_000;

export class Authorizer {
  readonly denials: Denial[] = [];
  /**
   * Distinct decided requests by role, action, resource and context, first occurrence kept, up to
   * RECORD_LIMIT: what the controller's runs actually asked for.
   */
  readonly evaluated = new Map<string, AuthorizationRecord>();
  private evaluator = new PolicyEvaluator();
  private readonly callers = new Map<string, Caller>();
  enabled = true;

  constructor(
    public model: PolicyModel,
    readonly world: WorldLookup,
  ) {}

  /** Enforces another model from now on (tests that remove a statement from a running sandbox). */
  useModel(model: PolicyModel): void {
    this.model = model;
    this.evaluator = new PolicyEvaluator();
  }

  /** The role a principal use (function, state machine, project, instance tag) assumes. */
  roleOf(match: (use: PrincipalUse) => boolean): RoleModel | undefined {
    return this.model.roles.find((role) => role.uses.some(match));
  }

  roleByArn(arn: string): RoleModel | undefined {
    return this.model.roles.find((role) => role.arn === arn);
  }

  /** A function's session: its role, with the function name as session name (Lambda's own). */
  lambdaCaller(functionName: string): Caller | undefined {
    const role = this.roleOf((u) => u.kind === 'lambda' && u.functionName === functionName);
    return role && { roleArn: role.arn, sessionName: functionName };
  }

  /** Remembers which access key id belongs to which caller. */
  noteKey(accessKeyId: string, caller: Caller): void {
    this.callers.set(accessKeyId, caller);
  }

  /**
   * Decides `requests` for `caller`; the first refusal is recorded and returned. An action AWS's
   * IAM data does not know throws (a sandbox mapping bug, never a silent allow or deny).
   */
  async authorize(caller: Caller, requests: IamRequest[], via: string): Promise<Denial | undefined> {
    if (!this.enabled) return undefined;
    const role = this.roleByArn(caller.roleArn);
    const principal = sessionArn(caller);
    for (const request of requests) {
      const decision = role ? await this.evaluator.decide(role, request) : 'ImplicitlyDenied';
      this.record({ roleArn: caller.roleArn, principal, request, via, decision });
      if (decision === 'Allowed') continue;
      const explicit = decision === 'ExplicitlyDenied';
      const denial: Denial = {
        principal,
        action: request.action,
        resource: request.resource,
        explicit,
        message: denialMessage(principal, request.action, request.resource, explicit),
        via,
      };
      this.denials.push(denial);
      return denial;
    }
    return undefined;
  }

  private record(entry: AuthorizationRecord): void {
    const { request } = entry;
    const key = JSON.stringify([
      entry.roleArn,
      request.action,
      request.resource,
      request.context ?? {},
      !!request.requireStar,
    ]);
    if (this.evaluated.size < RECORD_LIMIT && !this.evaluated.has(key)) this.evaluated.set(key, entry);
  }

  /** The request pipeline step for the sandbox's AWS endpoint. */
  check(): CallCheck {
    return async (call: AwsCall) => {
      const caller = call.accessKeyId ? this.callers.get(call.accessKeyId) : undefined;
      if (!caller || !this.enabled) return undefined;
      const via = `${call.service}.${call.operation}`;
      const direct = await this.authorize(caller, iamRequestsFor(call, this.model.account, this.world), via);
      if (direct) return accessDeniedError(call.service, direct.message);
      return onBehalfOfCaller(this, caller, call);
    };
  }
}
