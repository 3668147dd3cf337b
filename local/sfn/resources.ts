/**
 * What a Task state's Resource means to the sandbox: a Lambda function ARN, or an optimized
 * service integration `arn:aws:states:::<service>:<action>` with its pattern
 * (request-response, `.sync`, `.sync:2`, `.waitForTaskToken`).
 */
import { SANDBOX_WAIT_RESOURCE } from './transform';

export type Pattern = 'request' | 'sync' | 'sync2' | 'token';

export type TaskResource =
  | { kind: 'lambda-arn'; functionName: string; arn: string }
  | { kind: 'integration'; service: string; action: string; pattern: Pattern; resource: string }
  | { kind: 'wait' };

/** The integrations the sandbox runs, by `service:action` and pattern. */
export const SUPPORTED: Record<string, Pattern[]> = {
  'lambda:invoke': ['request', 'token'],
  'codebuild:startBuild': ['request', 'sync'],
  'states:startExecution': ['request', 'sync', 'sync2'],
  'dynamodb:getItem': ['request'],
  'dynamodb:putItem': ['request'],
  'dynamodb:updateItem': ['request'],
  'dynamodb:deleteItem': ['request'],
  'events:putEvents': ['request', 'token'],
};

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/;
const INTEGRATION = /^arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z]+)(\.sync(?::2)?|\.waitForTaskToken)?$/;

/** Classifies a Resource, or throws with a message naming the state and what is supported. */
export function classifyResource(resource: string, stateName: string): TaskResource {
  if (resource === SANDBOX_WAIT_RESOURCE) return { kind: 'wait' };
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda) return { kind: 'lambda-arn', functionName: lambda[1]!, arn: resource };
  const integration = INTEGRATION.exec(resource);
  if (integration) {
    const [, service, action, suffix] = integration;
    const pattern: Pattern =
      suffix === '.sync'
        ? 'sync'
        : suffix === '.sync:2'
          ? 'sync2'
          : suffix === '.waitForTaskToken'
            ? 'token'
            : 'request';
    const patterns = SUPPORTED[`${service}:${action}`];
    if (patterns?.includes(pattern))
      return {
        kind: 'integration',
        service: service!,
        action: action!,
        pattern,
        resource: `${action}${suffix ?? ''}`,
      };
  }
  const supported = Object.entries(SUPPORTED)
    .map(([name, patterns]) => `${name} (${patterns.join(', ')})`)
    .join('; ');
  throw new Error(
    `Task state "${stateName}": the sandbox cannot run Resource "${resource}". It runs Lambda function ARNs and these integrations: ${supported}`,
  );
}

/** `arn:...:function:name`, `name`, `name:alias` or a partial ARN -> `name`. */
export function functionNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const arn = LAMBDA_ARN.exec(value);
  if (arn) return arn[1];
  const partial = /^(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/.exec(value);
  return partial?.[1];
}
