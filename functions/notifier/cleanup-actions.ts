/**
 * The notifier's CleanupActions on DynamoDB: the deploy lock's own conditional release (only the
 * holder's lease is freed; the write is conditional on the version read) and a DeployHistory
 * outcome written only when the run recorded none.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineSettings } from '../commons/config/schema';
import { targetKeyOf } from '../commons/target-key';
import { recordOutcomeIfOpen } from '../deploy-history/history-store';
import { releaseLock } from '../deploy-lock/deploy-lock';
import { dynamoLockStore } from '../deploy-lock/lock-store';
import type { CleanupActions } from './run-cleanup';

/** CleanupActions over the DeployLocks and DeployHistory tables (names from the environment). */
export function dynamoCleanupActions(
  client: DynamoDBDocumentClient,
  settings: (pipeline: string) => PipelineSettings,
): CleanupActions {
  const store = dynamoLockStore(client);
  return {
    releaseLock: (pipeline, executionArn) =>
      releaseLock(targetKeyOf(settings(pipeline)), executionArn, { store }),
    recordOutcomeIfOpen: (pipeline, executionArn, outcome) =>
      recordOutcomeIfOpen(pipeline, executionArn, outcome, { client }),
  };
}
