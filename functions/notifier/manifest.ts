/** notifier: pipeline status changes to Slack and GitHub (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { DeployHistoryTable, DeployLocksTable, NotificationsTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'notifier',
  description: 'Notifier: pipeline status changes to Slack and GitHub',
  // Driven by EventBridge; a small cap keeps a burst of failures from hammering Slack.
  memoryMb: 256,
  timeoutSeconds: 30,
  reservedConcurrency: 5,
  invocation: 'asynchronous',
  invokedBy: [],
  environment: {
    SLACK_WEBHOOK_SECRET_ARN: { kind: 'secretArn', secret: 'slackWebhookSecret' },
    GITHUB_TOKEN_SECRET_ARN: { kind: 'secretArn', secret: 'githubTokenSecret' },
    NOTIFICATIONS_TABLE: { kind: 'tableName', table: NotificationsTable },
    // Runs that died outside their Catch paths: release their lock, record their outcome (run-cleanup.ts).
    DEPLOY_LOCKS_TABLE: { kind: 'tableName', table: DeployLocksTable },
    DEPLOY_HISTORY_TABLE: { kind: 'tableName', table: DeployHistoryTable },
    SLACK_TIMEOUT_MS: { kind: 'optional', description: 'per-attempt Slack timeout (default 5000)' },
    DEPLOY_CONTROLLER_SANDBOX: {
      kind: 'optional',
      description: 'sandbox only: notices name sandbox commands (no --aws)',
    },
  },
  // Reads the execution that changed, de-duplicates, posts to Slack and GitHub.
  grants: [
    { kind: 'secret', secret: 'slackWebhookSecret' },
    { kind: 'secret', secret: 'githubTokenSecret' },
    { kind: 'table', table: NotificationsTable, access: 'readWrite' },
    { kind: 'table', table: DeployLocksTable, access: 'readWrite' },
    { kind: 'table', table: DeployHistoryTable, access: 'readWrite' },
    { kind: 'pipelineExecutions', actions: ['states:DescribeExecution', 'states:GetExecutionHistory'] },
    // Time to restore: the pipeline's recent executions.
    { kind: 'pipelineStateMachines', actions: ['states:ListExecutions'] },
  ],
});
