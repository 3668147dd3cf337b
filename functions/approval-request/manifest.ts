/** approval-request: signed links, the approvals table, Slack (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { ApprovalsTable, DeployHistoryTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'approval-request',
  description: 'Approval: signed links, Slack message, task token',
  memoryMb: 256,
  timeoutSeconds: 30,
  invocation: 'synchronous',
  invokedBy: ['pipeline'],
  environment: {
    APPROVALS_TABLE: { kind: 'tableName', table: ApprovalsTable },
    APPROVAL_LINK_KEY_SECRET_ARN: { kind: 'secretArn', secret: 'approvalLinkKey' },
    APPROVAL_BASE_URL: { kind: 'deployment', value: 'approvalBaseUrl' },
    SLACK_WEBHOOK_SECRET_ARN: { kind: 'secretArn', secret: 'slackWebhookSecret' },
    DEPLOY_HISTORY_TABLE: { kind: 'tableName', table: DeployHistoryTable },
  },
  grants: [
    { kind: 'table', table: ApprovalsTable, access: 'readWrite' },
    { kind: 'secret', secret: 'approvalLinkKey' },
    { kind: 'secret', secret: 'slackWebhookSecret' },
    // The approval page's context: the live version and this run's build, tests and scan.
    { kind: 'table', table: DeployHistoryTable, access: 'read' },
    { kind: 'pipelineBuildResults' },
  ],
});
