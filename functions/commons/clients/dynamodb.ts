/**
 * DynamoDB clients, built once per process (honour AWS_ENDPOINT_URL for the sandbox).
 * `documentClient` speaks plain JavaScript values; `undefined` fields are dropped rather than
 * rejected so optional contract fields can be passed straight through.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamoDb = new DynamoDBClient({});

export const documentClient = DynamoDBDocumentClient.from(dynamoDb, {
  marshallOptions: { removeUndefinedValues: true },
});
