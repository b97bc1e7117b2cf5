import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  readAssessment,
  readFacts,
  readGate,
  readProgress,
  recordKey,
  rememberOnce,
  writeAssessment,
  writeGate,
  writeProgress,
} from '../../functions/common/failover-record.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { arrange, createRecordTable, motoEndpoint, newExecution, RECOVERY } from './support.js';

/**
 * The failover record (functions/common/failover-record.ts) over HTTP against moto's DynamoDB:
 * GetItem with ConsistentRead and a ProjectionExpression, UpdateItem SET, and the write-once
 * facts (UpdateItem conditioned on attribute_not_exists, ReturnValuesOnConditionCheckFailure
 * ALL_OLD) that keep what a retry or a failback needs.
 */

const TABLE = 'contract-failover-record';

beforeAll(async () => {
  await createRecordTable(TABLE);
});

describe('failover record', () => {
  it('reads back the progress, gate and assessment a kind wrote, each on its own', async () => {
    // Arrange
    const scope = newExecution();
    await writeProgress(scope, 'rds-replica', [{ status: 'promoting' }]);
    await writeGate(scope, 'rds-replica', [{ decision: 'proceed', lagSeconds: 3 }]);
    await writeAssessment(scope, 'rds-replica', [{ label: 'r', done: false, detail: 'still a replica' }]);

    // Act
    const [progress, gate, assessment] = await Promise.all([
      readProgress(scope, 'rds-replica'),
      readGate(scope, 'rds-replica'),
      readAssessment(scope, 'rds-replica'),
    ]);

    // Assert
    expect(progress).toEqual([{ status: 'promoting' }]);
    expect(gate).toEqual([{ decision: 'proceed', lagSeconds: 3 }]);
    expect(assessment).toEqual([{ label: 'r', done: false, detail: 'still a replica' }]);
  });

  it('rewrites the progress on every write, leaving the other attributes of the item alone', async () => {
    // Arrange
    const scope = newExecution();
    await writeGate(scope, 'rds-replica', [{ decision: 'proceed' }]);
    await writeProgress(scope, 'rds-replica', [{ status: 'promoting' }]);

    // Act
    await writeProgress(scope, 'rds-replica', [{ status: 'promoted' }]);

    // Assert
    expect(await readProgress(scope, 'rds-replica')).toEqual([{ status: 'promoted' }]);
    expect(await readGate(scope, 'rds-replica')).toEqual([{ decision: 'proceed' }]);
  });

  it('answers undefined for what was never written', async () => {
    // Arrange
    const scope = newExecution();

    // Act
    const [progress, facts] = await Promise.all([
      readProgress(scope, 'auto-scaling-group'),
      readFacts(scope, 'auto-scaling-group', 0),
    ]);

    // Assert
    expect(progress).toBeUndefined();
    expect(facts).toBeUndefined();
  });

  it('keeps the facts recorded first: a second rememberOnce gets them back and changes nothing', async () => {
    // Arrange
    const scope = newExecution();
    const first = await rememberOnce(scope, 'auto-scaling-group', 0, {
      previous: { min: 1, desired: 1, max: 12 },
    });

    // Act
    const second = await rememberOnce(scope, 'auto-scaling-group', 0, {
      previous: { min: 3, desired: 6, max: 12 },
    });

    // Assert
    expect(first).toEqual({ previous: { min: 1, desired: 1, max: 12 } });
    expect(second).toEqual(first);
    expect(await readFacts(scope, 'auto-scaling-group', 0)).toEqual(first);
  });

  it('records facts per resource and per execution', async () => {
    // Arrange
    const scope = newExecution();
    const other = newExecution();
    await rememberOnce(scope, 'ssm-parameter', 0, { previousValue: 'a', type: 'String' });

    // Act
    const [second, otherExecution] = await Promise.all([
      rememberOnce(scope, 'ssm-parameter', 1, { previousValue: 'b', type: 'String' }),
      rememberOnce(other, 'ssm-parameter', 0, { previousValue: 'c', type: 'String' }),
    ]);

    // Assert
    expect(second.previousValue).toBe('b');
    expect(otherExecution.previousValue).toBe('c');
    expect(await readFacts(scope, 'ssm-parameter', 0)).toEqual({ previousValue: 'a', type: 'String' });
  });

  it('lets exactly one of concurrent first writers win', async () => {
    // Arrange
    const scope = newExecution();

    // Act
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((value) => rememberOnce(scope, 'ssm-parameter', 0, { previousValue: value })),
    );

    // Assert
    expect(new Set(results.map((facts) => facts.previousValue)).size).toBe(1);
  });

  it('keeps the record items under the plan name (the lock table partition key)', async () => {
    // Arrange
    const scope = newExecution();
    await writeProgress(scope, 'ssm-parameter', []);

    // Act
    const { Item } = await arrange
      .dynamoDb(RECOVERY)
      .send(
        new GetItemCommand({ TableName: TABLE, Key: { planName: { S: recordKey(scope, 'ssm-parameter') } } }),
      );

    // Assert
    expect(Item?.planName?.S).toMatch(/^shop-prod#record#contract-\d+#ssm-parameter$/);
    expect(Item?.progress?.S).toBe('[]');
    expect(Item?.updatedAt?.S).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('failover record over HTTP', () => {
  it('sent GetItem and UpdateItem (conditional included) to the moto server only', () => {
    expectStepCommandsSentToMoto('failover-record', motoEndpoint(), ['GetItemCommand', 'UpdateItemCommand']);
    expect(stepCalls.some((call) => call.command === 'UpdateItemCommand')).toBe(true);
  });
});
