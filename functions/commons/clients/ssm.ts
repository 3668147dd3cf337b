/** Systems Manager client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { SSMClient } from '@aws-sdk/client-ssm';

export const ssm = new SSMClient({});
