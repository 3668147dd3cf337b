/**
 * Resolves CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select,
 * Fn::Split, Fn::ImportValue) in a synthesized template to the values they take in the sandbox:
 * its account and region, and each resource's sandbox name. Return values of Ref and GetAtt per
 * resource type follow the CloudFormation User Guide's "Return values" section of each resource
 * (e.g. AWS::StepFunctions::StateMachine: Ref is the ARN; AWS::SecretsManager::Secret: Ref is the
 * ARN, whose last six characters Secrets Manager makes up at creation, hence `-??????`).
 */

type Json = unknown;

export interface TemplateJson {
  Resources?: Record<string, { Type: string; Properties?: Record<string, Json> }>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

export interface ResolveOptions {
  account: string;
  region: string;
  /** Templates by stack name. */
  templates: Record<string, TemplateJson>;
  /** Sandbox names by `<stack>/<logicalId>`, overriding the template's name properties. */
  names?: Record<string, string>;
}

/** The property holding a resource's physical name, by type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodeBuild::ReportGroup': 'Name',
  'AWS::SSM::Document': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::Rule': 'Name',
  'AWS::ElasticBeanstalk::Application': 'ApplicationName',
  'AWS::ElasticBeanstalk::Environment': 'EnvironmentName',
};

/** Marks a value the sandbox cannot know; it never matches a request's ARN. */
export const UNRESOLVED = 'unresolved:';

export class IntrinsicResolver {
  private exportsCache?: Map<string, Json>;

  constructor(private readonly options: ResolveOptions) {}

  /** The sandbox name of a resource: an override, its name property, or `<stack>-<logicalId>`. */
  physicalName(stack: string, logicalId: string): string {
    const override = this.options.names?.[`${stack}/${logicalId}`];
    if (override) return override;
    const resource = this.options.templates[stack]?.Resources?.[logicalId];
    const property = resource ? NAME_PROPERTY[resource.Type] : undefined;
    const named = property ? resource?.Properties?.[property] : undefined;
    if (typeof named === 'string') return named;
    return `${stack}-${logicalId}`.slice(0, 64);
  }

  private arn(service: string, resource: string, regional = true): string {
    const { account, region } = this.options;
    return `arn:aws:${service}:${regional ? region : ''}:${regional ? account : ''}:${resource}`;
  }

  private ref(stack: string, logicalId: string): Json {
    const { account, region } = this.options;
    const pseudo: Record<string, Json> = {
      'AWS::Partition': 'aws',
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack,
      'AWS::StackId': `arn:aws:cloudformation:${region}:${account}:stack/${stack}/sandbox`,
      'AWS::NoValue': undefined,
    };
    if (logicalId in pseudo) return pseudo[logicalId];
    const resource = this.options.templates[stack]?.Resources?.[logicalId];
    if (!resource) return `${UNRESOLVED}${logicalId}`;
    const name = this.physicalName(stack, logicalId);
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${name}`);
      case 'AWS::SecretsManager::Secret':
        return this.arn('secretsmanager', `secret:${name}-??????`);
      case 'AWS::SNS::Topic':
        return this.arn('sns', name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      default:
        return name;
    }
  }

  private getAtt(stack: string, logicalId: string, attribute: string): Json {
    const resource = this.options.templates[stack]?.Resources?.[logicalId];
    const unresolved = `${UNRESOLVED}${logicalId}.${attribute}`;
    if (!resource) return unresolved;
    const name = this.physicalName(stack, logicalId);
    const { account } = this.options;
    if (attribute === 'Arn') {
      switch (resource.Type) {
        case 'AWS::Lambda::Function':
          return this.arn('lambda', `function:${name}`);
        case 'AWS::CodeBuild::Project':
          return this.arn('codebuild', `project/${name}`);
        case 'AWS::CodeBuild::ReportGroup':
          return this.arn('codebuild', `report-group/${name}`);
        case 'AWS::DynamoDB::Table':
          return this.arn('dynamodb', `table/${name}`);
        case 'AWS::S3::Bucket':
          return `arn:aws:s3:::${name}`;
        case 'AWS::Logs::LogGroup':
          return this.arn('logs', `log-group:${name}:*`);
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${account}:role/${name}`;
        case 'AWS::IAM::InstanceProfile':
          return `arn:aws:iam::${account}:instance-profile/${name}`;
        case 'AWS::SQS::Queue':
          return this.arn('sqs', name);
        case 'AWS::CloudWatch::Alarm':
          return this.arn('cloudwatch', `alarm:${name}`);
        case 'AWS::Events::Rule':
          return this.arn('events', `rule/${name}`);
        case 'AWS::StepFunctions::StateMachine':
          return this.arn('states', `stateMachine:${name}`);
        default:
          return unresolved;
      }
    }
    if (attribute === 'Name' || attribute === 'QueueName' || attribute === 'RoleId') return name;
    return unresolved;
  }

  private exports(): Map<string, Json> {
    if (!this.exportsCache) {
      this.exportsCache = new Map();
      for (const [stack, template] of Object.entries(this.options.templates))
        for (const output of Object.values(template.Outputs ?? {}))
          if (output.Export)
            this.exportsCache.set(String(this.resolve(stack, output.Export.Name)), {
              stack,
              value: output.Value,
            });
    }
    return this.exportsCache;
  }

  /** Resolves every intrinsic in `value` (a template fragment of `stack`). */
  resolve(stack: string, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v)).filter((v) => v !== undefined);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      switch (key) {
        case 'Ref':
          return this.ref(stack, String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
          return this.getAtt(stack, String(id), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, Json[]];
          const resolved = this.resolve(stack, parts) as Json[];
          return resolved.map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [Json, Json];
          return (this.resolve(stack, list) as Json[])[Number(this.resolve(stack, index))];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, Json];
          return String(this.resolve(stack, source)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(stack, arg);
        case 'Fn::ImportValue': {
          const found = this.exports().get(String(this.resolve(stack, arg))) as
            { stack: string; value: Json } | undefined;
          return found ? this.resolve(found.stack, found.value) : `${UNRESOLVED}import`;
        }
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  private sub(stack: string, arg: Json): string {
    const [text, variables] = Array.isArray(arg)
      ? (arg as [string, Record<string, Json>])
      : [String(arg), {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (Object.hasOwn(variables, name)) return String(this.resolve(stack, variables[name]));
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::'))
        return String(this.getAtt(stack, name.slice(0, dot), name.slice(dot + 1)));
      return String(this.ref(stack, name));
    });
  }
}
