/** github-webhook: the HTTP API's `POST /webhooks/github` (see handler.ts for the environment). */
import { defineFunction } from '../commons/manifest';

export const manifest = defineFunction({
  name: 'github-webhook',
  description: 'GitHub webhook: verify signature, start the pipeline',
  // GitHub waits at most 10 s; the handler verifies, decides and starts one execution.
  memoryMb: 512,
  timeoutSeconds: 10,
  reservedConcurrency: 20,
  invocation: 'synchronous',
  invokedBy: [],
  environment: {
    PIPELINE_ROUTES: { kind: 'deployment', value: 'pipelineRoutes' },
    GITHUB_WEBHOOK_SECRET_ARN: { kind: 'secretArn', secret: 'githubWebhookSecret' },
    MAX_BODY_BYTES: { kind: 'value', value: String(5 * 1024 * 1024) },
  },
  grants: [
    { kind: 'secret', secret: 'githubWebhookSecret' },
    // A redelivery gets ExecutionAlreadyExists: no read needed.
    { kind: 'pipelineStateMachines', actions: ['states:StartExecution'] },
  ],
});
