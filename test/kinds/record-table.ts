import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { recordKey, type RecordScope } from '../../functions/common/failover-record.js';

/**
 * The failover record's table for unit tests that mock the SDK (aws-sdk-client-mock): an
 * in-memory map that answers the two calls functions/common/failover-record.ts makes, GetItem
 * (projection of one attribute) and UpdateItem (`SET` of attributes, optionally conditioned on
 * `attribute_not_exists`), as DynamoDB does. The contract tests (test/contract) check the same
 * calls against moto.
 */

export const RECORD_TABLE = 'shop-prod-failover-lock';
export const RECORD_SCOPE: RecordScope = {
  planName: 'shop-prod',
  executionId: 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:run-1',
};

type Item = Record<string, AttributeValue>;

export function mockRecordTable() {
  const dynamoDb = mockClient(DynamoDBClient);
  const items = new Map<string, Item>();
  const keyOf = (key: Record<string, AttributeValue> | undefined) => key?.planName?.S ?? '';

  const install = () => {
    dynamoDb.on(GetItemCommand).callsFake((input: GetItemCommand['input']) => {
      const item = items.get(keyOf(input.Key));
      if (item === undefined) return {};
      const names = Object.values(input.ExpressionAttributeNames ?? {});
      return {
        Item: Object.fromEntries(
          Object.entries(item).filter(([name]) => names.length === 0 || names.includes(name)),
        ),
      };
    });
    dynamoDb.on(UpdateItemCommand).callsFake((input: UpdateItemCommand['input']) => {
      const key = keyOf(input.Key);
      const old = items.get(key);
      const names = input.ExpressionAttributeNames ?? {};
      const condition = /^attribute_not_exists\((#\w+)\)$/.exec(input.ConditionExpression ?? '');
      if (input.ConditionExpression !== undefined && condition === null)
        throw new Error(`record-table mock: unsupported condition ${input.ConditionExpression}`);
      if (condition !== null && old?.[names[condition[1] ?? ''] ?? ''] !== undefined) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: { httpStatusCode: 400 },
          ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? { Item: old } : {}),
        });
      }
      const next: Item = { ...(old ?? { planName: { S: key } }) };
      const assignments = (input.UpdateExpression ?? '').replace(/^SET\s+/, '').split(',');
      for (const assignment of assignments) {
        const [name, value] = assignment.split('=').map((part) => part.trim());
        const attribute = names[name ?? ''];
        const attributeValue = input.ExpressionAttributeValues?.[value ?? ''];
        if (attribute === undefined || attributeValue === undefined)
          throw new Error(`record-table mock: cannot apply ${assignment}`);
        next[attribute] = attributeValue;
      }
      items.set(key, next);
      return {};
    });
  };

  return {
    dynamoDb,
    /** Clears the table and the mock; call in beforeEach. */
    reset: () => {
      dynamoDb.reset();
      items.clear();
      install();
    },
    /** Seeds a JSON attribute of a record item, e.g. a database's recorded facts. */
    seed: (scope: RecordScope, parts: readonly (string | number)[], attribute: string, value: unknown) => {
      const key = recordKey(scope, ...parts);
      items.set(key, {
        ...(items.get(key) ?? { planName: { S: key } }),
        [attribute]: { S: JSON.stringify(value) },
      });
    },
    /** A JSON attribute of a record item, parsed; undefined when absent. */
    read: <T>(scope: RecordScope, parts: readonly (string | number)[], attribute: string): T | undefined => {
      const value = items.get(recordKey(scope, ...parts))?.[attribute]?.S;
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
  };
}
