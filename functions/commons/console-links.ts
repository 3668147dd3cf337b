/**
 * Deep links into the AWS console, for Slack messages, GitHub statuses and the CLI. Region and
 * partition come from the ARN itself, so a link always opens where the execution ran.
 */

interface ArnParts {
  partition: string;
  region: string;
}

function arnParts(arn: string): ArnParts {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[3])
    throw new TypeError('not an ARN with a region');
  return { partition: parts[1], region: parts[3] };
}

/** Console host of a partition and region (aws, aws-cn, aws-us-gov). */
export function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-cn') return `${region}.console.amazonaws.cn`;
  if (partition === 'aws-us-gov') return `${region}.console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

/** `https://<region>.console.aws.amazon.com/states/home?region=<region>#/v2/executions/details/<executionArn>`. */
export function executionConsoleUrl(executionArn: string): string {
  const { partition, region } = arnParts(executionArn);
  return `https://${consoleHost(partition, region)}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The state machine's page (its list of executions). */
export function stateMachineConsoleUrl(stateMachineArn: string): string {
  const { partition, region } = arnParts(stateMachineArn);
  return `https://${consoleHost(partition, region)}/states/home?region=${region}#/statemachines/view/${stateMachineArn}`;
}

/** `https://github.com/<owner/repo>/commit/<sha>`. */
export function commitUrl(repository: string, commitSha: string): string {
  return `https://github.com/${repository}/commit/${commitSha}`;
}
