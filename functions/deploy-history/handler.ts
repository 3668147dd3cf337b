/**
 * deploy-history task: the audit trail of deployments and the last good version for rollback.
 * Actions: `recordStart` -> { recorded, startedAt }, `recordOutcome` -> { recorded, outcome },
 * `lastGood` -> LastGoodResult (functions/commons/types/tasks.ts).
 *
 * Environment:
 * - DEPLOY_HISTORY_TABLE: DeployHistory table name (default `deploy-history`, the sandbox's name)
 * - POWERTOOLS_LOG_LEVEL; AWS_ENDPOINT_URL (local sandbox only)
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../commons/clients/dynamodb';
import { createLogger } from '../commons/logger';
import type { DeploymentOutcome, LastGoodResult } from '../commons/types/tasks';
import { parseDeployHistoryEvent } from './event';
import { lastGoodDeployment, recordOutcome, recordStart } from './history-store';

const logger = createLogger('deploy-history');

export type DeployHistoryResult =
  { recorded: true; startedAt: string } | { recorded: true; outcome: DeploymentOutcome } | LastGoodResult;

/** The task without the Lambda wrapper. */
export async function deployHistory(
  raw: unknown,
  client: DynamoDBDocumentClient = documentClient,
): Promise<DeployHistoryResult> {
  const event = parseDeployHistoryEvent(raw);
  switch (event.action) {
    case 'recordStart': {
      logger.appendKeys({
        pipeline: event.input.pipeline,
        execution: event.executionArn,
        commit: event.input.commitSha,
      });
      const record = await recordStart(event.executionArn, event.input, { client });
      logger.info('deployment started', { startedAt: record.startedAt });
      return { recorded: true, startedAt: record.startedAt };
    }
    case 'recordOutcome': {
      logger.appendKeys({ pipeline: event.pipeline, execution: event.executionArn });
      const { outcome, versionLabel, error, cause, rolledBack } = event;
      const record = await recordOutcome(
        event.pipeline,
        event.executionArn,
        { outcome, versionLabel, error, cause, rolledBack },
        { client },
      );
      logger.appendKeys({ commit: record.commitSha ?? null });
      logger.info('deployment ended', {
        outcome: record.outcome,
        versionLabel: record.versionLabel ?? null,
        rolledBack: record.rolledBack ?? false,
      });
      return { recorded: true, outcome: event.outcome };
    }
    case 'lastGood': {
      logger.appendKeys({ pipeline: event.pipeline });
      const result = await lastGoodDeployment(event.pipeline, { client });
      logger.info('last good version', { ...result });
      return result;
    }
  }
}

export const handler = middy((event: unknown) => deployHistory(event)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
