/**
 * DynamoDB's state: the controller's tables (functions/commons/tables.ts) in an in-memory
 * dynalite. `reset()` starts a fresh engine with empty tables; calls made meanwhile wait for it.
 */
import type { TableDesign } from '../../../functions/commons/tables';
import { DynaliteEngine } from './dynalite';
import { createTableInput } from './tables';

/** An item as DynamoDB's JSON protocol carries it (`{"name": {"S": "value"}}`). */
export type Item = Record<string, Record<string, unknown>>;

export class DynamoDb {
  private constructor(
    private engine: Promise<DynaliteEngine>,
    private readonly designs: readonly TableDesign[],
  ) {}

  /** Starts dynalite and creates a table per design, named by its `localName`. */
  static async start(designs: readonly TableDesign[]): Promise<DynamoDb> {
    const db = new DynamoDb(DynamoDb.fresh(designs), designs);
    await db.engine;
    return db;
  }

  private static async fresh(designs: readonly TableDesign[]): Promise<DynaliteEngine> {
    const engine = await DynaliteEngine.start();
    for (const design of designs) await engine.call('CreateTable', createTableInput(design));
    return engine;
  }

  /** One DynamoDB operation (JSON 1.0 input and output); DynamoDB's errors as ServiceErrors. */
  async call(operation: string, input: unknown): Promise<Record<string, unknown>> {
    return (await this.engine).call(operation, input);
  }

  /** Every item of a table, through Scan pages (1 MB each, LastEvaluatedKey). */
  async scan(tableName: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: unknown;
    do {
      const page = await this.call('Scan', {
        TableName: tableName,
        ...(start !== undefined && { ExclusiveStartKey: start }),
      });
      items.push(...((page.Items as Item[] | undefined) ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Empty tables again: a new engine replaces the old one. */
  async reset(): Promise<void> {
    const old = this.engine;
    this.engine = DynamoDb.fresh(this.designs);
    await this.engine;
    await (await old).close();
  }

  /** Stops the engine. */
  async close(): Promise<void> {
    await (await this.engine).close();
  }
}
