import type {
  AttributeValue,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { parseExpressions, type Item } from './dynamodb-expressions.js';
import { fail, required } from './sdk-errors.js';
import type { CallContext } from './world.js';

/**
 * DynamoDB, as little as the failover lock needs: tables with a string partition key, and
 * GetItem, PutItem, UpdateItem and DeleteItem with condition expressions evaluated atomically
 * (each call is answered in one synchronous step, which is what makes a conditional write a
 * compare-and-swap). A failed condition is the SDK's own ConditionalCheckFailedException, with
 * the current item when the request asks for it (ReturnValuesOnConditionCheckFailure ALL_OLD).
 */

export interface TableDefinition {
  readonly name: string;
  readonly region: string;
  /** The partition key attribute (type S); the tables here have no sort key. */
  readonly partitionKey: string;
}

/** An item as plain JSON (S → string, N → number, BOOL → boolean, NULL → null). */
export type PlainItem = Readonly<Record<string, string | number | boolean | null>>;

const tableNotFound = () => fail('ResourceNotFoundException', 400, 'Requested resource not found');
const conditionFailed = (old: Item | undefined, returnOld: boolean) =>
  fail(
    'ConditionalCheckFailedException',
    400,
    'The conditional request failed',
    returnOld && old !== undefined ? { Item: structuredClone(old) } : {},
  );

function plain(value: AttributeValue): string | number | boolean | null {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  return null;
}

interface Table extends TableDefinition {
  readonly items: Map<string, Item>;
}

export class SimulatedDynamoDb {
  private readonly tables = new Map<string, Table>();

  public constructor(tables: readonly TableDefinition[]) {
    for (const table of tables)
      this.tables.set(this.tableKey(table.region, table.name), { ...table, items: new Map() });
  }

  public readonly operations = {
    GetItem: (input: GetItemCommandInput, call: CallContext) => this.get(input, call),
    PutItem: (input: PutItemCommandInput, call: CallContext) => this.put(input, call),
    UpdateItem: (input: UpdateItemCommandInput, call: CallContext) => this.update(input, call),
    DeleteItem: (input: DeleteItemCommandInput, call: CallContext) => this.delete(input, call),
  };

  /** Writes an item directly, e.g. a lock left behind by an execution that crashed before the replay. */
  public seed(region: string, tableName: string, item: Item): void {
    const table = this.tables.get(this.tableKey(region, tableName));
    if (!table) throw new Error(`no simulated table ${tableName} in ${region}`);
    table.items.set(this.itemKey(table, item), structuredClone(item));
  }

  /** Every table's items as plain JSON, by table name. */
  public snapshot(): Record<string, PlainItem[]> {
    return Object.fromEntries(
      [...this.tables.values()].map((table) => [
        table.name,
        [...table.items.values()].map((item) =>
          Object.fromEntries(
            Object.entries(item)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, value]) => [name, plain(value)]),
          ),
        ),
      ]),
    );
  }

  private tableKey(region: string, name: string): string {
    return `${region}\u0000${name}`;
  }

  private table(name: string | undefined, call: CallContext): Table {
    const table = this.tables.get(
      this.tableKey(call.region, required(name, 'tableName', 'ValidationException')),
    );
    if (!table) throw tableNotFound();
    return table;
  }

  /** The key's value; DynamoDB rejects a key with missing or extra attributes. */
  private itemKey(table: Table, key: Item | undefined): string {
    const value = key?.[table.partitionKey]?.S;
    if (value === undefined || value === '') {
      throw fail('ValidationException', 400, 'The provided key element does not match the schema');
    }
    return value;
  }

  private checkKeyOnly(table: Table, key: Item | undefined): string {
    if (Object.keys(key ?? {}).length !== 1) {
      throw fail('ValidationException', 400, 'The provided key element does not match the schema');
    }
    return this.itemKey(table, key);
  }

  private get(input: GetItemCommandInput, call: CallContext): Omit<GetItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName, call);
    const item = table.items.get(this.checkKeyOnly(table, input.Key));
    return item === undefined ? {} : { Item: structuredClone(item) };
  }

  private put(input: PutItemCommandInput, call: CallContext): Omit<PutItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName, call);
    const item = required(input.Item, 'item', 'ValidationException');
    const key = this.itemKey(table, item);
    const old = table.items.get(key);
    const { conditionHolds } = parseExpressions(input, old);
    if (!conditionHolds(old))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
    table.items.set(key, structuredClone(item));
    return input.ReturnValues === 'ALL_OLD' && old !== undefined ? { Attributes: old } : {};
  }

  private update(
    input: UpdateItemCommandInput,
    call: CallContext,
  ): Omit<UpdateItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName, call);
    const key = this.checkKeyOnly(table, input.Key);
    const old = table.items.get(key);
    const { conditionHolds, update } = parseExpressions(input, old);
    if (update === undefined)
      throw fail('ValidationException', 400, 'the simulated DynamoDB needs an UpdateExpression');
    if (update.set.has(table.partitionKey) || update.remove.includes(table.partitionKey)) {
      throw fail(
        'ValidationException',
        400,
        `One or more parameter values were invalid: Cannot update attribute ${table.partitionKey}. This attribute is part of the key`,
      );
    }
    if (!conditionHolds(old))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
    // UpdateItem creates the item when it does not exist (and the condition allows it).
    const next: Item = { ...structuredClone(old ?? {}), ...structuredClone(input.Key ?? {}) };
    for (const [path, value] of update.set) next[path] = structuredClone(value);
    for (const path of update.remove) delete next[path];
    table.items.set(key, next);
    const returnValues = input.ReturnValues ?? 'NONE';
    if (returnValues === 'ALL_NEW') return { Attributes: structuredClone(next) };
    if (returnValues === 'ALL_OLD') return old === undefined ? {} : { Attributes: old };
    if (returnValues !== 'NONE')
      throw fail(
        'ValidationException',
        400,
        `the simulated DynamoDB models ReturnValues NONE, ALL_OLD and ALL_NEW, not ${returnValues}`,
      );
    return {};
  }

  private delete(
    input: DeleteItemCommandInput,
    call: CallContext,
  ): Omit<DeleteItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName, call);
    const key = this.checkKeyOnly(table, input.Key);
    const old = table.items.get(key);
    const { conditionHolds } = parseExpressions(input, old);
    if (!conditionHolds(old))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
    table.items.delete(key);
    return input.ReturnValues === 'ALL_OLD' && old !== undefined ? { Attributes: old } : {};
  }
}
