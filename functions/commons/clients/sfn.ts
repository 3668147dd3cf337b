/** Step Functions client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { SFNClient } from '@aws-sdk/client-sfn';

export const sfn = new SFNClient({});
