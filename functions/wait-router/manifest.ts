/** wait-router: hands AWS service events to the deploy sub-workflow waiting on them (see handler.ts). */
import { defineFunction } from '../commons/manifest';
import { TaskWaitsTable } from '../commons/tables';

export const manifest = defineFunction({
  name: 'wait-router',
  description: 'Event-driven waits: routes service events to the waiting task token',
  memoryMb: 256,
  timeoutSeconds: 10,
  // EventBridge invokes it for each matching event (Lambda retries those on its own); the deploy
  // sub-workflow invokes it with `.waitForTaskToken` to register a token.
  invocation: 'asynchronous',
  invokedBy: ['deploy-ssm', 'deploy-beanstalk', 'pipeline'],
  environment: {
    TASK_WAITS_TABLE: { kind: 'tableName', table: TaskWaitsTable },
  },
  grants: [
    { kind: 'table', table: TaskWaitsTable, access: 'readWrite' },
    // No resource types (Service Authorization Reference, Step Functions): the task token names
    // the execution, so a grant on the state machines would never match. Every outcome resumes
    // the task with success (the sub-workflow reads the status next), so no SendTaskFailure.
    {
      kind: 'anyResource',
      actions: ['states:SendTaskSuccess'],
      reason: 'SendTaskSuccess has no resource types',
    },
  ],
});
