/** deploy-history: the audit trail, last good version, dashboard numbers (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { DeployHistoryTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'deploy-history',
  description: 'Deployment history: record outcomes, last good version, DORA metrics',
  memoryMb: 256,
  timeoutSeconds: 30,
  invocation: 'synchronous',
  invokedBy: ['pipeline'],
  environment: {
    DEPLOY_HISTORY_TABLE: { kind: 'tableName', table: DeployHistoryTable },
  },
  grants: [{ kind: 'table', table: DeployHistoryTable, access: 'readWrite' }],
});
