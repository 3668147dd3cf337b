/** CloudWatch client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

export const cloudWatch = new CloudWatchClient({});
