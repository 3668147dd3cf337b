/**
 * The AWS operations the sandbox answers, by the sandbox's service name, with the botocore model
 * each comes from. scripts/generate-aws-constraints.ts reads this list; test/limits checks it
 * against the services the sandbox registers, so a new operation cannot go unconstrained.
 */
export const IMPLEMENTED_OPERATIONS: Readonly<
  Record<string, { model: string; operations: readonly string[] }>
> = {
  sfn: {
    model: 'stepfunctions',
    operations: [
      'DescribeExecution',
      'DescribeStateMachine',
      'GetExecutionHistory',
      'ListExecutions',
      'ListStateMachines',
      'RedriveExecution',
      'SendTaskFailure',
      'SendTaskHeartbeat',
      'SendTaskSuccess',
      'StartExecution',
      'StopExecution',
    ],
  },
  ssm: {
    model: 'ssm',
    operations: [
      'DescribeInstanceInformation',
      'GetCommandInvocation',
      'ListCommandInvocations',
      'ListCommands',
      'SendCommand',
    ],
  },
  codebuild: {
    model: 'codebuild',
    operations: [
      'BatchGetBuilds',
      'BatchGetReports',
      'ListBuilds',
      'ListBuildsForProject',
      'ListProjects',
      'StartBuild',
      'StopBuild',
    ],
  },
  elasticbeanstalk: {
    model: 'elasticbeanstalk',
    operations: [
      'CreateApplicationVersion',
      'DeleteApplicationVersion',
      'DescribeApplications',
      'DescribeApplicationVersions',
      'DescribeConfigurationSettings',
      'DescribeEnvironmentHealth',
      'DescribeEnvironments',
      'DescribeEvents',
      'DescribeInstancesHealth',
      'UpdateEnvironment',
    ],
  },
  secretsmanager: {
    model: 'secretsmanager',
    operations: ['GetSecretValue', 'ListSecrets', 'PutSecretValue'],
  },
  cloudwatch: { model: 'cloudwatch', operations: ['DescribeAlarms'] },
  events: { model: 'events', operations: ['ListRules', 'PutEvents'] },
  iam: { model: 'iam', operations: ['ListRoles', 'SimulatePrincipalPolicy'] },
};
