import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  InvalidArn,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbClient } from '../../functions/common/clients/dynamodb.js';
import { sfnClient } from '../../functions/common/clients/sfn.js';
import { runAsExecution } from '../../engine/sim/index.js';
import { failure, RECOVERY, settle, simulate, teardown } from '../sim/support.js';

/**
 * The simulated DynamoDB and Step Functions the lock runs on, through the real SDK clients: the
 * lock's guarantees are only as good as the conditional writes the simulator evaluates.
 */

afterEach(teardown);

const TABLE = 'shop-prod-failover-lock';
const KEY = { planName: { S: 'shop-prod' } };
const RUN = 'arn:aws:states:us-west-2:000000000000:execution:failover-shop-prod:run-1';

const update = (input: Partial<UpdateItemCommandInput>) =>
  dynamoDbClient(RECOVERY).send(new UpdateItemCommand({ TableName: TABLE, Key: KEY, ...input }));

const takeIfFree = (holder: string) =>
  update({
    UpdateExpression: 'SET #holder = :me',
    ConditionExpression: 'attribute_not_exists(#holder)',
    ExpressionAttributeNames: { '#holder': 'holder' },
    ExpressionAttributeValues: { ':me': { S: holder } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });

describe('simulated DynamoDB (the lock table)', () => {
  it('lets exactly one of two conditional writers in, and hands the loser the winning item', async () => {
    // Arrange
    const { clock } = simulate();

    // Act
    const [first, second] = await settle(clock, Promise.allSettled([takeIfFree('a'), takeIfFree('b')]));

    // Assert
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const error = (second as PromiseRejectedResult).reason as ConditionalCheckFailedException;
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect(error.Item).toEqual({ planName: { S: 'shop-prod' }, holder: { S: 'a' } });
  });

  it('evaluates AND, OR, NOT, parentheses and comparisons as DynamoDB does', async () => {
    // Arrange
    const { clock } = simulate();
    await settle(
      clock,
      update({
        UpdateExpression: 'SET version = :v, startedAt = :t',
        ExpressionAttributeValues: { ':v': { N: '10' }, ':t': { S: '2026-11-24T09:00:00Z' } },
      }),
    );
    const holds = (condition: string, values: Record<string, { N: string } | { S: string }>) =>
      settle(
        clock,
        update({
          UpdateExpression: 'SET touched = :yes',
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':yes': { BOOL: true }, ...values },
        }),
      ).then(
        () => true,
        (error: unknown) =>
          error instanceof ConditionalCheckFailedException ? false : Promise.reject(error),
      );

    // Act / Assert
    expect(await holds('version = :ten AND NOT attribute_exists(holder)', { ':ten': { N: '10' } })).toBe(
      true,
    );
    expect(
      await holds('version = :nine OR (attribute_not_exists(holder) AND version > :nine)', {
        ':nine': { N: '9' },
      }),
    ).toBe(true);
    expect(await holds('version < :nine', { ':nine': { N: '9' } })).toBe(false);
    expect(await holds('startedAt < :cutoff', { ':cutoff': { S: '2026-11-24T10:00:00Z' } })).toBe(true);
    expect(await holds('version <> :ten', { ':ten': { N: '10' } })).toBe(false);
    expect(await holds('holder = :none', { ':none': { S: 'x' } })).toBe(false);
  });

  it.each([
    [
      'an unused value placeholder',
      { ExpressionAttributeValues: { ':me': { S: 'a' }, ':extra': { S: 'b' } } },
      'unused in expressions: keys: {:extra}',
    ],
    ['an undefined name placeholder', { ExpressionAttributeNames: undefined }, 'attribute name: #holder'],
    [
      'an empty name map',
      { UpdateExpression: 'SET holder = :me', ExpressionAttributeNames: {} },
      'ExpressionAttributeNames must not be empty',
    ],
    [
      'an update of the key',
      { UpdateExpression: 'SET planName = :me', ExpressionAttributeNames: undefined },
      'part of the key',
    ],
  ])('rejects %s with a ValidationException, as DynamoDB does', async (_what, change, message) => {
    // Arrange
    const { clock } = simulate();

    // Act
    const error = await failure(
      clock,
      update({
        UpdateExpression: 'SET #holder = :me',
        ExpressionAttributeNames: { '#holder': 'holder' },
        ExpressionAttributeValues: { ':me': { S: 'a' } },
        ...change,
      }),
    );

    // Assert
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(message);
  });

  it('fails loudly on expression syntax it does not model', async () => {
    // Arrange
    const { clock } = simulate();

    // Act
    const error = await failure(
      clock,
      update({
        UpdateExpression: 'SET holder = :me',
        ConditionExpression: 'begins_with(holder, :me)',
        ExpressionAttributeValues: { ':me': { S: 'a' } },
      }),
    );

    // Assert
    expect(error.message).toContain('does not model the function begins_with');
  });

  it('serves GetItem, conditional PutItem and DeleteItem on the table of the recovery region only', async () => {
    // Arrange
    const { clock } = simulate();
    const client = dynamoDbClient(RECOVERY);

    // Act
    await settle(
      clock,
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...KEY, holder: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(planName)',
        }),
      ),
    );
    const read = await settle(
      clock,
      client.send(new GetItemCommand({ TableName: TABLE, Key: KEY, ConsistentRead: true })),
    );
    const wrongDelete = await failure(
      clock,
      client.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: KEY,
          ConditionExpression: 'holder = :b',
          ExpressionAttributeValues: { ':b': { S: 'b' } },
        }),
      ),
    );
    await settle(clock, client.send(new DeleteItemCommand({ TableName: TABLE, Key: KEY })));
    const gone = await settle(clock, client.send(new GetItemCommand({ TableName: TABLE, Key: KEY })));
    const otherRegion = await failure(
      clock,
      dynamoDbClient('us-east-1').send(new GetItemCommand({ TableName: TABLE, Key: KEY })),
    );

    // Assert
    expect(read.Item).toEqual({ ...KEY, holder: { S: 'a' } });
    expect(wrongDelete).toBeInstanceOf(ConditionalCheckFailedException);
    expect(gone.Item).toBeUndefined();
    expect(otherRegion).toBeInstanceOf(ResourceNotFoundException);
  });

  it('tags each call with the execution whose step made it', async () => {
    // Arrange
    const { clock, cloud } = simulate();

    // Act
    await settle(
      clock,
      runAsExecution(RUN, () => takeIfFree('a')),
    );
    await settle(clock, dynamoDbClient(RECOVERY).send(new GetItemCommand({ TableName: TABLE, Key: KEY })));

    // Assert
    expect(cloud.calls.map((call) => [call.operation, call.executionArn])).toEqual([
      ['UpdateItem', RUN],
      ['GetItem', null],
    ]);
  });
});

describe('simulated Step Functions (the lock holder check)', () => {
  it('describes an execution from the registry the runner feeds, and reports unknown ones as ExecutionDoesNotExist', async () => {
    // Arrange
    const { clock, cloud } = simulate();
    cloud.stepFunctions.record(RUN, 'FAILED', new Date('2026-11-24T08:30:00Z'));
    const client = sfnClient(RECOVERY);

    // Act
    const known = await settle(clock, client.send(new DescribeExecutionCommand({ executionArn: RUN })));
    const unknown = await failure(
      clock,
      client.send(new DescribeExecutionCommand({ executionArn: `${RUN}-x` })),
    );
    const malformed = await failure(
      clock,
      client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    );

    // Assert
    expect(known).toMatchObject({
      status: 'FAILED',
      name: 'run-1',
      stateMachineArn: 'arn:aws:states:us-west-2:000000000000:stateMachine:failover-shop-prod',
    });
    expect(unknown).toBeInstanceOf(ExecutionDoesNotExist);
    expect(malformed).toBeInstanceOf(InvalidArn);
  });

  it('stops a running execution through the runner and marks it ABORTED', async () => {
    // Arrange
    const { clock, cloud } = simulate();
    const stop = vi.fn();
    cloud.stepFunctions.started(RUN, {}, stop);

    // Act
    await settle(
      clock,
      sfnClient(RECOVERY).send(
        new StopExecutionCommand({ executionArn: RUN, error: 'FailoverPreempted', cause: 'a live failover' }),
      ),
    );

    // Assert
    expect(stop).toHaveBeenCalledWith('FailoverPreempted', 'a live failover');
    expect(cloud.stepFunctions.status(RUN)).toBe('ABORTED');
  });
});
