/**
 * The controller's tables as CreateTable requests, from the one place they are designed
 * (functions/commons/tables.ts, which the CDK stack reads too): string keys, on-demand billing,
 * local secondary indexes projecting all attributes (infra/constructs/storage.ts).
 */
import type { TableDesign } from '../../../functions/commons/tables';

/** A CreateTable input (DynamoDB API reference, CreateTable) for a table design under `name`. */
export function createTableInput(design: TableDesign, name = design.localName): Record<string, unknown> {
  const keys = [design.partitionKey, ...(design.sortKey ? [design.sortKey] : [])];
  const indexKeys = (design.localSecondaryIndexes ?? []).map((index) => index.sortKey);
  const attributes = new Map([...keys, ...indexKeys].map((k) => [k.name, k.type]));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: design.partitionKey.name, KeyType: 'HASH' },
      ...(design.sortKey ? [{ AttributeName: design.sortKey.name, KeyType: 'RANGE' }] : []),
    ],
    ...(design.localSecondaryIndexes?.length && {
      LocalSecondaryIndexes: design.localSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: design.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  };
}
