/** approval-request: signed links, the approvals table, Slack (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { ApprovalsTable } from '../commons/tables';

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
  },
  grants: [
    { kind: 'table', table: ApprovalsTable, access: 'readWrite' },
    { kind: 'secret', secret: 'approvalLinkKey' },
    { kind: 'secret', secret: 'slackWebhookSecret' },
  ],
});
