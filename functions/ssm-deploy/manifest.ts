/** ssm-deploy: rolling release through the project's SSM Command document (see handler.ts). */
import { defineFunction } from '../commons/manifest';

export const manifest = defineFunction({
  name: 'ssm-deploy',
  description: 'EC2: rolling release through the SSM Command document',
  memoryMb: 256,
  timeoutSeconds: 60,
  invocation: 'synchronous',
  invokedBy: ['deploy-ssm'],
  environment: {
    SSM_DOCUMENT_NAME: { kind: 'deployment', value: 'releaseDocumentName' },
    SSM_LOG_GROUP: { kind: 'deployment', value: 'commandOutputLogGroupName' },
    SSM_OUTPUT_BUCKET: {
      kind: 'optional',
      description:
        'S3 bucket for the complete command output (OutputS3BucketName), read for the end of a long or timed-out output; off unless set with its grants (the notice then names the CloudWatch Logs streams)',
    },
  },
  // The instances fetch the release from the artifacts bucket with their own role and write the
  // output to the log group; this function only sends the command and reads its results.
  grants: [{ kind: 'targets', policy: 'ssmRelease' }],
});
