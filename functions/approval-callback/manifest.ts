/** approval-callback: checks an approval link and answers the waiting task (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { ApprovalsTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'approval-callback',
  description: 'Approval links: approve or reject a waiting execution',
  memoryMb: 256,
  timeoutSeconds: 10,
  reservedConcurrency: 10,
  invocation: 'synchronous',
  invokedBy: [],
  environment: {
    APPROVALS_TABLE: { kind: 'tableName', table: ApprovalsTable },
    APPROVAL_LINK_KEY_SECRET_ARN: { kind: 'secretArn', secret: 'approvalLinkKey' },
    SLACK_WEBHOOK_SECRET_ARN: { kind: 'secretArn', secret: 'slackWebhookSecret' },
    CONSOLE_BASE_URL: {
      kind: 'optional',
      description: 'sandbox only: in AWS execution links go to the Step Functions console',
    },
    DEPLOY_CONTROLLER_SANDBOX: {
      kind: 'optional',
      description: 'sandbox only: the expiry also in real time',
    },
    SANDBOX_SPEEDUP: { kind: 'optional', description: 'sandbox only: simulated seconds per real second' },
  },
  grants: [
    { kind: 'table', table: ApprovalsTable, access: 'readWrite' },
    { kind: 'secret', secret: 'approvalLinkKey' },
    { kind: 'secret', secret: 'slackWebhookSecret' },
    // No resource types (Service Authorization Reference, Step Functions): the task token names
    // the execution, so a grant on the state machines would never match.
    {
      kind: 'anyResource',
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      reason: 'SendTaskSuccess and SendTaskFailure have no resource types',
    },
    // "This run is no longer waiting": the page reads the run's status before offering a decision.
    { kind: 'pipelineExecutions', actions: ['states:DescribeExecution'] },
  ],
});
