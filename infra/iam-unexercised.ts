/**
 * Allow statements of the enforced roles that no run of the sandbox needs, each with the reason
 * it stays. test/iam/mutation.test.ts reads this list: a statement that no recorded request of the
 * scenarios and the demo needs must be listed here (or removed from the stacks), and a listed
 * statement that the runs do need, or that matches no statement, fails that test too.
 */
import { BEANSTALK_UPDATE_DESCRIBE_ACTIONS } from './constructs/target-permissions';

export interface UnexercisedStatement {
  /** Matches the principal as the sandbox describes the role's use (`function notifier`, ...). */
  principal: RegExp;
  /** The statement's actions, exactly and in order. */
  actions: string[];
  /** Matches one of the statement's resources, when the actions alone are ambiguous. */
  resource?: RegExp;
  reason: string;
}

const SECRET =
  'On AWS the function reads this secret by ARN (<NAME>_SECRET_ARN, functions/commons/secrets.ts: GetSecretValue); ' +
  "the sandbox hands the function the value in its environment instead, so no sandbox call needs it. CDK's grantRead adds DescribeSecret beside it.";

const BEANSTALK =
  'Elastic Beanstalk performs the TrafficSplitting / Immutable update with the caller permissions, and AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy grants this for it; ' +
  'the sandbox models the update by its CloudFormation stack, launch template, security group, Auto Scaling group, target group, PassRole, log group and bucket object calls ' +
  '(local/iam/on-behalf.ts beanstalkUpdateRequests), not by each Describe, alarm or bucket-level read that AWS also authorises.';

const CODEBUILD_DEFAULT_LOGS =
  "Added by CDK's Project for CodeBuild's default log group /aws/codebuild/<project>; the project writes to its own log group (LogsConfig), granted by the statement beside it. " +
  'aws-cdk-lib adds it unconditionally.';

const CODEBUILD_REPORT_PREFIX =
  "Added by CDK's Project for report groups named <project>-* (aws-cdk-lib adds it unconditionally); it covers the unit-tests report group too, " +
  'so it and the report group grant below each make the other redundant.';

const CODEBUILD_REPORT_GROUP =
  "The unit-tests ReportGroup's own grantWrite: the build's CreateReport/UpdateReport/BatchPutTestCases. CDK's <project>-* grant on the same role covers the same requests, " +
  'so removing either alone refuses nothing; this one is kept because it names the report group the build writes to and stays right if the group is renamed.';

const VENDED_LOGS =
  'Step Functions uses the CloudWatch Logs vended-log-delivery actions when the logging configuration of the state machine is created or updated ' +
  '(Step Functions developer guide, "Logging Step Functions using CloudWatch Logs": IAM policies for logging), i.e. during `cdk deploy`, never during an execution.';

export const UNEXERCISED_STATEMENTS: UnexercisedStatement[] = [
  {
    principal:
      /^function (github-webhook|deploy-lock|beanstalk-deploy|ssm-deploy|approval-request|approval-callback|notifier)$/,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    reason: SECRET,
  },
  {
    principal: /^function notifier$/,
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason:
      "Lambda sends an asynchronous invocation that failed every retry to the notifier's on-failure destination, this dead-letter queue, with the function's role " +
      '(Lambda developer guide, "Capturing records of Lambda asynchronous invocations"); the sandbox keeps its dead-letter list without a queue.',
  },
  {
    principal: /^function beanstalk-deploy$/,
    actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketPolicy'],
    reason: BEANSTALK,
  },
  {
    principal: /^function beanstalk-deploy$/,
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
    reason: BEANSTALK,
  },
  {
    principal: /^function beanstalk-deploy$/,
    actions: [...BEANSTALK_UPDATE_DESCRIBE_ACTIONS],
    reason: BEANSTALK,
  },
  {
    principal: /^CodeBuild project deploy-[a-z-]+-(build|scan)$/,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    resource: /:log-group:\/aws\/codebuild\//,
    reason: CODEBUILD_DEFAULT_LOGS,
  },
  {
    principal: /^CodeBuild project deploy-[a-z-]+-(build|scan)$/,
    actions: [
      'codebuild:CreateReportGroup',
      'codebuild:CreateReport',
      'codebuild:UpdateReport',
      'codebuild:BatchPutTestCases',
      'codebuild:BatchPutCodeCoverages',
    ],
    resource: /:report-group\/deploy-[a-z-]+-\*$/,
    reason: CODEBUILD_REPORT_PREFIX,
  },
  {
    principal: /^CodeBuild project deploy-[a-z-]+-build$/,
    actions: ['codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases'],
    resource: /:report-group\/deploy-[a-z-]+-build-unit-tests$/,
    reason: CODEBUILD_REPORT_GROUP,
  },
  {
    principal: /^state machine deploy-[a-z-]+$/,
    actions: [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    reason: VENDED_LOGS,
  },
  {
    principal: /^instances tagged App=microblog$/,
    actions: ['logs:DescribeLogGroups'],
    reason:
      'The SSM agent calls DescribeLogGroups only when CreateLogGroup is refused, to see whether the output group exists before it streams ' +
      '(amazon-ssm-agent, agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go); the instance role may create the group, so the runs never need it. ' +
      'It stays so streaming survives a group created outside the stack (issue 11, fourth fault).',
  },
];
