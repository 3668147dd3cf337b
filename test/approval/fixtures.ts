/** Shared fixtures for the approval tests. */
import type { ApprovalRecord } from '../../functions/approval-request/approval-store';
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';

export const KEY = 'test-approval-link-key-0123456789abcdef';
export const EXECUTION_ARN =
  'arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:retail-bank-3f2a9c1-abc';
export const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfake-task-token';

export const input: PipelineInput = {
  pipeline: 'retail-bank',
  repository: 'example-org/retail-bank',
  commitSha: '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345',
  ref: 'refs/heads/main',
  branch: 'main',
  commitMessage: 'Fix <b>rates</b> & ping <!channel>\n\nlonger body',
  commitAuthor: 'Ada',
  commitTimestamp: '2025-03-01T09:55:00Z',
  pusher: 'ada',
  compareUrl: 'https://github.com/example-org/retail-bank/compare/a1b2c3d4e5f6...3f2a9c1b7d4e',
  deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  receivedAt: '2025-03-01T09:56:00Z',
};

export function record(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
    taskToken: TOKEN,
    executionArn: EXECUTION_ARN,
    pipeline: 'retail-bank',
    repository: input.repository,
    branch: 'main',
    commitSha: input.commitSha,
    commitTitle: 'Fix <b>rates</b> & ping <!channel>',
    pusher: 'ada',
    compareUrl: input.compareUrl,
    status: 'pending',
    createdAt: '2025-03-01T10:00:00.000Z',
    expiresAt: '2099-03-01T11:00:00.000Z',
    expiresAtEpoch: Date.parse('2099-03-01T11:00:00.000Z') / 1000,
    ...over,
  };
}
