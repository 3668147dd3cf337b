/**
 * DynamoDB's wire API (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`), proxied to
 * dynalite (./dynalite.ts) after the endpoint's request pipeline and fault injection ran. Every
 * operation dynalite implements is served, including Scan; the others get
 * UnknownOperationException from the endpoint.
 */
import type { JsonService, Operation } from '../../aws/server';
import { DYNALITE_OPERATIONS } from './dynalite';
import type { DynamoDb } from './model';

/** The DynamoDB service answering from `db`. */
export function dynamoDbProvider(db: Pick<DynamoDb, 'call'>): JsonService {
  const operations: Record<string, Operation> = {};
  for (const operation of DYNALITE_OPERATIONS) operations[operation] = (input) => db.call(operation, input);
  return { name: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0', operations };
}
