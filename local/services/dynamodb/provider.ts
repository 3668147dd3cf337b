/**
 * The simulated DynamoDB (JSON 1.0, `DynamoDB_20120810.<Op>`): the tables of
 * functions/commons/tables.ts and the operations listed there, with DynamoDB's error shapes.
 */
import type { TableDesign } from '../../../functions/commons/tables';
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { clone, compare, equals, typeOf, type AttributeValue, type Item } from './attribute-value';
import {
  applyUpdate,
  checkUnused,
  evaluateCondition,
  parseCondition,
  parseProjection,
  parseUpdate,
  project,
  type Condition,
  type Placeholders,
} from './expressions';

interface KeySchema {
  partition: string;
  sort?: string;
}

interface Table {
  name: string;
  key: KeySchema;
  indexes: Map<string, KeySchema>;
  items: Map<string, Item>;
  createdAt: Date;
}

/** The tables and their items; used in-process by the control API and the sandbox's state view. */
export class DynamoDbStore {
  readonly tables = new Map<string, Table>();

  /** Creates (or empties) a table from a TableDesign with the given physical name. */
  createTable(design: TableDesign, name: string): void {
    const indexes = new Map<string, KeySchema>();
    for (const lsi of design.localSecondaryIndexes ?? [])
      indexes.set(lsi.indexName, { partition: design.partitionKey.name, sort: lsi.sortKey.name });
    this.tables.set(name, {
      name,
      key: { partition: design.partitionKey.name, ...(design.sortKey && { sort: design.sortKey.name }) },
      indexes,
      items: new Map(),
      createdAt: new Date(),
    });
  }

  table(name: unknown): Table {
    const table = typeof name === 'string' ? this.tables.get(name) : undefined;
    if (!table) throw new ServiceError('ResourceNotFoundException', 'Requested resource not found');
    return table;
  }

  /** Every item of a table (plain AttributeValue maps), for the control API. */
  scan(name: string): Item[] {
    return [...this.table(name).items.values()].map(clone);
  }

  reset(): void {
    for (const table of this.tables.values()) table.items.clear();
  }
}

function keyString(table: Table, key: Item): string {
  const names = [table.key.partition, ...(table.key.sort ? [table.key.sort] : [])];
  const given = Object.keys(key ?? {});
  if (given.length !== names.length || !names.every((n) => key[n] !== undefined)) {
    throw new ServiceError('ValidationException', 'The provided key element does not match the schema');
  }
  for (const n of names) {
    if (typeOf(key[n]!) !== 'S')
      throw new ServiceError(
        'ValidationException',
        'One or more parameter values were invalid: Type mismatch for key',
      );
    if ((key[n] as { S: string }).S === '')
      throw new ServiceError(
        'ValidationException',
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${n}`,
      );
  }
  return JSON.stringify(names.map((n) => (key[n] as { S: string }).S));
}

function keyOf(table: Table, item: Item): Item {
  const out: Item = {};
  for (const n of [table.key.partition, table.key.sort]) {
    if (!n) continue;
    if (item[n] === undefined)
      throw new ServiceError(
        'ValidationException',
        `One or more parameter values were invalid: Missing the key ${n} in the item`,
      );
    out[n] = item[n]!;
  }
  return out;
}

function placeholders(input: {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}): Placeholders {
  return { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
}

function checkCondition(
  input: { ConditionExpression?: string } & Parameters<typeof placeholders>[0],
  existing: Item | undefined,
  used: { names: Set<string>; values: Set<string> },
): void {
  if (input.ConditionExpression === undefined) return;
  const p = placeholders(input);
  const { ast, usedNames, usedValues } = parseCondition(input.ConditionExpression, p);
  usedNames.forEach((n) => used.names.add(n));
  usedValues.forEach((v) => used.values.add(v));
  if (!evaluateCondition(ast, existing ?? {}, p))
    throw new ServiceError('ConditionalCheckFailedException', 'The conditional request failed');
}

function returnValues(
  kind: string | undefined,
  before: Item | undefined,
  after: Item | undefined,
): { Attributes?: Item } {
  switch (kind ?? 'NONE') {
    case 'NONE':
      return {};
    case 'ALL_OLD':
      return before ? { Attributes: clone(before) } : {};
    case 'ALL_NEW':
      return after ? { Attributes: clone(after) } : {};
    case 'UPDATED_NEW':
    case 'UPDATED_OLD': {
      const source = kind === 'UPDATED_NEW' ? after : before;
      const other = kind === 'UPDATED_NEW' ? before : after;
      const out: Item = {};
      for (const [k, v] of Object.entries(source ?? {})) if (!equals(v, other?.[k])) out[k] = clone(v);
      return Object.keys(out).length ? { Attributes: out } : {};
    }
    default:
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '${kind}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]`,
      );
  }
}

function projectionOf(
  input: { ProjectionExpression?: string } & Parameters<typeof placeholders>[0],
  used: { names: Set<string>; values: Set<string> },
) {
  if (!input.ProjectionExpression) return undefined;
  const { paths, usedNames } = parseProjection(input.ProjectionExpression, placeholders(input));
  usedNames.forEach((n) => used.names.add(n));
  return paths;
}

const newUsed = () => ({ names: new Set<string>(), values: new Set<string>() });

/** Splits a key condition into the partition value and a filter on the sort key. */
function keyCondition(
  ast: Condition,
  key: KeySchema,
  p: Placeholders,
): { partition: AttributeValue; sort?: Condition } {
  const parts: Condition[] = [];
  const flatten = (c: Condition): void =>
    c.kind === 'and' ? (flatten(c.left), flatten(c.right)) : void parts.push(c);
  flatten(ast);
  const attr = (c: Condition): string | undefined => {
    if (c.kind === 'compare' && c.left.kind === 'path' && c.left.path.length === 1)
      return String(c.left.path[0]);
    if (c.kind === 'between' && c.value.kind === 'path' && c.value.path.length === 1)
      return String(c.value.path[0]);
    if (c.kind === 'function' && c.name === 'begins_with' && c.path.length === 1) return String(c.path[0]);
    return undefined;
  };
  const partition = parts.find((c) => attr(c) === key.partition && c.kind === 'compare' && c.op === '=');
  const sort = parts.find((c) => key.sort !== undefined && attr(c) === key.sort);
  if (
    !partition ||
    parts.length > (sort ? 2 : 1) ||
    parts.some((c) => c.kind === 'or' || c.kind === 'not' || !attr(c))
  ) {
    throw new ServiceError(
      'ValidationException',
      'Query condition missed key schema element: ' + key.partition,
    );
  }
  const right = (partition as { right: { kind: string; name?: string } }).right;
  const value = right.kind === 'value' ? p.values?.[right.name!] : undefined;
  if (!value)
    throw new ServiceError(
      'ValidationException',
      'Invalid KeyConditionExpression: the partition key must be compared with a value',
    );
  return { partition: value, ...(sort && { sort }) };
}

/** The DynamoDB service over a store. */
export function dynamoDbService(store: DynamoDbStore): JsonService {
  return {
    name: 'dynamodb',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    operations: {
      ListTables: () => ({ TableNames: [...store.tables.keys()].sort() }),
      DescribeTable: (input: { TableName?: string }) => {
        const table = store.table(input.TableName);
        const keySchema = (k: KeySchema) => [
          { AttributeName: k.partition, KeyType: 'HASH' },
          ...(k.sort ? [{ AttributeName: k.sort, KeyType: 'RANGE' }] : []),
        ];
        return {
          Table: {
            TableName: table.name,
            TableStatus: 'ACTIVE',
            KeySchema: keySchema(table.key),
            ItemCount: table.items.size,
            CreationDateTime: table.createdAt,
            BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
            LocalSecondaryIndexes: [...table.indexes].map(([IndexName, k]) => ({
              IndexName,
              KeySchema: keySchema(k),
              Projection: { ProjectionType: 'ALL' },
            })),
          },
        };
      },
      GetItem: (input: {
        TableName?: string;
        Key: Item;
        ProjectionExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
      }) => {
        const table = store.table(input.TableName);
        const used = newUsed();
        const projection = projectionOf(input, used);
        checkUnused(placeholders(input), used.names, used.values);
        const item = table.items.get(keyString(table, input.Key));
        if (!item) return {};
        return { Item: projection ? project(item, projection) : clone(item) };
      },
      PutItem: (
        input: {
          TableName?: string;
          Item: Item;
          ConditionExpression?: string;
          ReturnValues?: string;
        } & Parameters<typeof placeholders>[0],
      ) => {
        const table = store.table(input.TableName);
        if (!input.Item || typeof input.Item !== 'object')
          throw new ServiceError(
            'ValidationException',
            "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
          );
        Object.values(input.Item).forEach(typeOf);
        const id = keyString(table, keyOf(table, input.Item));
        const existing = table.items.get(id);
        const used = newUsed();
        checkCondition(input, existing, used);
        checkUnused(placeholders(input), used.names, used.values);
        if (input.ReturnValues && !['NONE', 'ALL_OLD'].includes(input.ReturnValues)) {
          throw new ServiceError('ValidationException', 'ReturnValues can only be ALL_OLD or NONE');
        }
        table.items.set(id, clone(input.Item));
        return returnValues(input.ReturnValues, existing, undefined);
      },
      UpdateItem: (
        input: {
          TableName?: string;
          Key: Item;
          UpdateExpression?: string;
          ConditionExpression?: string;
          ReturnValues?: string;
        } & Parameters<typeof placeholders>[0],
      ) => {
        const table = store.table(input.TableName);
        const id = keyString(table, input.Key);
        const existing = table.items.get(id);
        const used = newUsed();
        checkCondition(input, existing, used);
        const p = placeholders(input);
        const { actions, usedNames, usedValues } = parseUpdate(input.UpdateExpression, p);
        usedNames.forEach((n) => used.names.add(n));
        usedValues.forEach((v) => used.values.add(v));
        checkUnused(p, used.names, used.values);
        const keyNames = [table.key.partition, ...(table.key.sort ? [table.key.sort] : [])];
        const updated = applyUpdate(actions, existing ?? clone(input.Key), p, keyNames);
        table.items.set(id, updated);
        return returnValues(input.ReturnValues, existing, updated);
      },
      DeleteItem: (
        input: {
          TableName?: string;
          Key: Item;
          ConditionExpression?: string;
          ReturnValues?: string;
        } & Parameters<typeof placeholders>[0],
      ) => {
        const table = store.table(input.TableName);
        const id = keyString(table, input.Key);
        const existing = table.items.get(id);
        const used = newUsed();
        checkCondition(input, existing, used);
        checkUnused(placeholders(input), used.names, used.values);
        table.items.delete(id);
        return returnValues(input.ReturnValues, existing, undefined);
      },
      Query: (
        input: {
          TableName?: string;
          IndexName?: string;
          KeyConditionExpression?: string;
          ScanIndexForward?: boolean;
          Limit?: number;
          ExclusiveStartKey?: Item;
          ProjectionExpression?: string;
          Select?: string;
          FilterExpression?: string;
        } & Parameters<typeof placeholders>[0],
      ) => {
        const table = store.table(input.TableName);
        if (input.FilterExpression !== undefined)
          throw new ServiceError(
            'ValidationException',
            'the sandbox implements Query without FilterExpression (see functions/commons/tables.ts)',
          );
        const schema = input.IndexName ? table.indexes.get(input.IndexName) : table.key;
        if (!schema)
          throw new ServiceError(
            'ValidationException',
            `The table does not have the specified index: ${input.IndexName}`,
          );
        if (input.Limit !== undefined && (!Number.isInteger(input.Limit) || input.Limit < 1))
          throw new ServiceError(
            'ValidationException',
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
          );
        const p = placeholders(input);
        const used = newUsed();
        const { ast, usedNames, usedValues } = parseCondition(
          input.KeyConditionExpression,
          p,
          'KeyConditionExpression',
        );
        usedNames.forEach((n) => used.names.add(n));
        usedValues.forEach((v) => used.values.add(v));
        const projection = projectionOf(input, used);
        checkUnused(p, used.names, used.values);
        const { partition, sort } = keyCondition(ast, schema, p);
        let items = [...table.items.values()].filter(
          (item) =>
            equals(item[schema.partition], partition) && (!schema.sort || item[schema.sort] !== undefined),
        );
        if (sort) items = items.filter((item) => evaluateCondition(sort, item, p, 'KeyConditionExpression'));
        // Order by the range key, then (for an index) by the table's range key, as DynamoDB does.
        const order = (a: Item, b: Item) =>
          (schema.sort ? (compare(a[schema.sort], b[schema.sort]) ?? 0) : 0) ||
          (table.key.sort ? (compare(a[table.key.sort], b[table.key.sort]) ?? 0) : 0);
        items.sort(order);
        if (input.ScanIndexForward === false) items.reverse();
        if (input.ExclusiveStartKey) {
          const startId = keyString(table, keyOf(table, input.ExclusiveStartKey));
          const index = items.findIndex((item) => keyString(table, keyOf(table, item)) === startId);
          items = index >= 0 ? items.slice(index + 1) : items;
        }
        let lastKey: Item | undefined;
        if (input.Limit !== undefined && items.length > input.Limit) {
          items = items.slice(0, input.Limit);
          const last = items[items.length - 1]!;
          lastKey = {
            ...keyOf(table, last),
            ...(schema.sort && last[schema.sort] ? { [schema.sort]: last[schema.sort]! } : {}),
          };
        }
        const out = items.map((item) => (projection ? project(item, projection) : clone(item)));
        return {
          ...(input.Select === 'COUNT' ? {} : { Items: out }),
          Count: out.length,
          ScannedCount: out.length,
          ...(lastKey && { LastEvaluatedKey: lastKey }),
        };
      },
    },
  };
}
