/** S3 client, built once per process (honours AWS_ENDPOINT_URL for the sandbox). */
import { S3Client } from '@aws-sdk/client-s3';

export const s3 = new S3Client({});
