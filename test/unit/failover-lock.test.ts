import './support/aws-sdk-matchers.js';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import type { FailoverLock, Trigger } from '../../functions/common/workflow-state.js';
import { acquireLock, triggerKey } from '../../functions/failover-lock/acquire-lock.js';
import { failoverLock } from '../../functions/failover-lock/failover-lock.js';
import { handler } from '../../functions/failover-lock/handler.js';
import { releaseLock, recordStart } from '../../functions/failover-lock/release-lock.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';
import { alarmTrigger, drillTrigger } from '../fixtures/workflow-states.js';

const dynamo = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);

const TABLE = 'shop-prod-failover-lock';
const NOW = new Date('2026-11-24T09:00:01.000Z');
const ME = 'arn:aws:states:us-west-2:111111111111:execution:failover:run-2';
const OTHER = 'arn:aws:states:us-west-2:111111111111:execution:failover:run-1';
const metadata = { $metadata: { httpStatusCode: 400 } };

interface ItemFields {
  readonly version?: number;
  readonly holder?: string;
  readonly acquiredAt?: string;
  readonly dryRun?: boolean;
  readonly lastFailoverStartedAt?: string;
  readonly lastTrigger?: string;
  readonly lastTriggerExecution?: string;
}

/** The lock item as DynamoDB returns it. */
function lockItem(fields: ItemFields): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    planName: { S: 'shop-prod' },
    version: { N: String(fields.version ?? 1) },
  };
  if (fields.holder !== undefined) {
    item.holder = { S: fields.holder };
    item.holderAcquiredAt = { S: fields.acquiredAt ?? '2026-11-24T08:59:00.000Z' };
    item.holderDryRun = { BOOL: fields.dryRun ?? false };
    item.holderTrigger = { S: 'alarm:us-east-1/shop-primary-health@2026-11-24T08:58:00.000Z' };
  }
  if (fields.lastFailoverStartedAt !== undefined)
    item.lastFailoverStartedAt = { S: fields.lastFailoverStartedAt };
  if (fields.lastTrigger !== undefined) item.lastTrigger = { S: fields.lastTrigger };
  if (fields.lastTriggerExecution !== undefined)
    item.lastTriggerExecution = { S: fields.lastTriggerExecution };
  return item;
}

const conditionFailed = (item?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    ...metadata,
    ...(item ? { Item: item } : {}),
  });

/** The event the holder of `lockItem` runs for, delivered again. */
const HOLDERS_EVENT = alarmTrigger({ executionId: ME, triggeredAt: '2026-11-24T08:58:00.000Z' });

const acquire = (trigger: Trigger = alarmTrigger({ executionId: ME }), plan: Plan = examplePlan()) =>
  acquireLock({ action: 'acquire', plan, trigger, executionId: ME });

const heldLock = (overrides: Partial<FailoverLock> = {}): FailoverLock => ({
  decision: 'acquired',
  planName: 'shop-prod',
  tableName: TABLE,
  region: 'us-west-2',
  executionArn: ME,
  dryRun: false,
  acquiredAt: NOW.toISOString(),
  message: 'lock of plan shop-prod acquired',
  ...overrides,
});

beforeEach(() => {
  setClientInterceptor(undefined);
  dynamo.reset();
  sfn.reset();
  sns.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  vi.stubEnv('FAILOVER_LOCK_TABLE', TABLE);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('acquireLock', () => {
  it('takes a lock that no execution ever held with a write conditioned on the item not existing', async () => {
    // Act
    const lock = await acquire();

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      executionArn: ME,
      acquiredAt: NOW.toISOString(),
      tableName: TABLE,
    });
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      Key: { planName: { S: 'shop-prod' } },
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { planName: { S: 'shop-prod' } },
      ConditionExpression: 'attribute_not_exists(#planName)',
      ExpressionAttributeValues: expect.objectContaining({
        ':me': { S: ME },
        ':next': { N: '1' },
        ':dryRun': { BOOL: false },
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('declares exactly the attribute names its expressions use', async () => {
    // Act
    await acquire();

    // Assert: DynamoDB rejects unused (and undefined) placeholders.
    const input = dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input;
    const used = `${input.UpdateExpression} ${input.ConditionExpression}`;
    expect(Object.keys(input.ExpressionAttributeNames ?? {}).sort()).toEqual(
      [...new Set(used.match(/#\w+/g))].sort(),
    );
  });

  it('takes a free lock at the version it read, so a decision on a stale read loses', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: lockItem({ version: 7 }) });

    // Act
    const lock = await acquire();

    // Assert
    expect(lock.decision).toBe('acquired');
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: 'attribute_not_exists(#holder) AND #version = :seen',
      ExpressionAttributeValues: expect.objectContaining({ ':seen': { N: '7' }, ':next': { N: '8' } }),
    });
  });

  it('ends as a duplicate without writing while the holder is running for this very event', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER }) });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    // Act
    const lock = await acquire(HOLDERS_EVENT);

    // Assert
    expect(lock.decision).toBe('duplicate');
    expect(lock.heldBy).toMatchObject({ executionArn: OTHER, status: 'RUNNING' });
    expect(lock.message).toContain(`already running in execution ${OTHER}`);
    expect(dynamo).not.toHaveReceivedCommand(UpdateItemCommand);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('records another plan alarm on the running holder’s lock for it to re-check, and ends as a duplicate', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER, version: 4 }) });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const alb = alarmTrigger({ executionId: ME, alarmName: 'shop-alb-5xx' });

    // Act
    const lock = await acquire(alb);

    // Assert
    expect(lock).toMatchObject({ decision: 'duplicate', lateTrigger: true, heldBy: { executionArn: OTHER } });
    expect(lock.message).toContain('re-checks this alarm before it decides');
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      UpdateExpression: 'SET #lateTriggers = :late',
      ConditionExpression:
        '#holder = :holder AND #version = :seen AND attribute_not_exists(#holderVerdict) AND attribute_not_exists(#lateTriggers)',
    });
    const late = JSON.parse(
      dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input.ExpressionAttributeValues![':late']!.S!,
    ) as unknown[];
    expect(late).toEqual([
      {
        key: triggerKey(alb),
        alarmName: 'shop-alb-5xx',
        alarmRegion: 'us-east-1',
        triggeredAt: alb.triggeredAt,
        executionArn: ME,
      },
    ]);
  });

  it('takes the lock over from a running holder whose confirmation found every alarm back to OK', async () => {
    // Arrange
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { ...lockItem({ holder: OTHER, version: 4 }), holderVerdict: { S: 'aborted' } } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    // Act
    const lock = await acquire(alarmTrigger({ executionId: ME, alarmName: 'shop-alb-5xx' }));

    // Assert
    expect(lock).toMatchObject({ decision: 'acquired', version: 5, tookOverFrom: { executionArn: OTHER } });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: '#holder = :stale AND #version = :seen',
      ExpressionAttributeValues: expect.objectContaining({ ':stale': { S: OTHER }, ':seen': { N: '4' } }),
    });
  });

  it.each(['FAILED', 'ABORTED', 'TIMED_OUT', 'SUCCEEDED', 'PENDING_REDRIVE'] as const)(
    'reclaims the lock of a holder that is %s with a compare-and-swap on that holder',
    async (status) => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER, version: 3 }) });
      sfn.on(DescribeExecutionCommand).resolves({ status });

      // Act
      const lock = await acquire();

      // Assert
      expect(lock).toMatchObject({ decision: 'acquired', reclaimedFrom: { executionArn: OTHER, status } });
      expect(lock.message).toContain(`taken over from execution ${OTHER} (${status}`);
      expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
        ConditionExpression: '#holder = :stale AND #version = :seen',
        ExpressionAttributeValues: expect.objectContaining({ ':stale': { S: OTHER }, ':seen': { N: '3' } }),
      });
    },
  );

  it('reclaims the lock of a holder Step Functions does not know (ExecutionDoesNotExist)', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER }) });
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', ...metadata }));

    // Act
    const lock = await acquire();

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      reclaimedFrom: { executionArn: OTHER, status: 'NOT_FOUND' },
    });
  });

  it('does not take the lock when it cannot tell whether the holder runs', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER }) });
    sfn.on(DescribeExecutionCommand).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform: states:DescribeExecution',
        ...metadata,
      }),
    );

    // Act / Assert
    await expect(acquire()).rejects.toThrow('states:DescribeExecution');
    expect(dynamo).not.toHaveReceivedCommand(UpdateItemCommand);
  });

  it('decides again on the winning item when it loses the race, and ends as a duplicate', async () => {
    // Arrange: both saw the same stale holder; the other reclaimer wrote first.
    dynamo.on(GetItemCommand).resolves({
      Item: lockItem({
        holder: 'arn:aws:states:us-west-2:111111111111:execution:failover:crashed',
        version: 3,
      }),
    });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(lockItem({ holder: OTHER, version: 4 })));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    sfn.on(DescribeExecutionCommand, { executionArn: OTHER }).resolves({ status: 'RUNNING' });

    // Act
    const lock = await acquire(HOLDERS_EVENT);

    // Assert
    expect(lock).toMatchObject({ decision: 'duplicate', heldBy: { executionArn: OTHER, status: 'RUNNING' } });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 1);
  });

  it('finds its own lock when a write whose response was lost is retried', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(lockItem({ holder: ME })));

    // Act
    const lock = await acquire();

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      message: 'lock already held by this execution (the step was retried)',
    });
  });

  it('re-reads the item when a failed condition comes without it', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejectsOnce(conditionFailed()).resolves({});
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolves({ Item: lockItem({ version: 1 }) });

    // Act
    const lock = await acquire();

    // Assert
    expect(lock.decision).toBe('acquired');
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 2);
  });

  it('gives up with LockContentionError when the item changes on every attempt', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(lockItem({ version: 9 })));

    // Act / Assert
    await expect(acquire()).rejects.toMatchObject({ name: 'LockContentionError' });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 3);
  });

  it('ends a late redelivery of an event already handled as a duplicate, without paging', async () => {
    // Arrange
    const trigger = alarmTrigger({ executionId: ME });
    dynamo.on(GetItemCommand).resolves({
      Item: lockItem({
        lastTrigger: triggerKey(trigger),
        lastTriggerExecution: OTHER,
        lastFailoverStartedAt: '2026-11-24T09:00:00.000Z',
      }),
    });

    // Act
    const lock = await acquire(trigger);

    // Assert
    expect(lock.decision).toBe('duplicate');
    expect(lock.message).toContain(`already handled by execution ${OTHER}`);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('handles the event again when the execution that took it crashed holding the lock', async () => {
    // Arrange
    const trigger = alarmTrigger({ executionId: ME });
    dynamo.on(GetItemCommand).resolves({
      Item: lockItem({ holder: OTHER, lastTrigger: triggerKey(trigger), lastTriggerExecution: OTHER }),
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });

    // Act
    const lock = await acquire(trigger);

    // Assert
    expect(lock).toMatchObject({ decision: 'acquired', reclaimedFrom: { executionArn: OTHER } });
  });

  describe('minimum interval between failovers', () => {
    const tenMinutesAgo = '2026-11-24T08:50:01.000Z';

    it('refuses an alarm within the interval without taking the lock, and notifies why and until when', async () => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ lastFailoverStartedAt: tenMinutesAgo }) });

      // Act
      const lock = await acquire();

      // Assert
      expect(lock).toMatchObject({
        decision: 'refused',
        lastFailoverStartedAt: tenMinutesAgo,
        nextAllowedAt: '2026-11-24T09:50:01.000Z',
      });
      expect(lock.message).toContain('within the minimum interval of 60 min');
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
        UpdateExpression: 'SET #lastRefusedTrigger = :trigger, #lastRefusedExecution = :me',
        ConditionExpression:
          'attribute_not_exists(#lastRefusedTrigger) OR #lastRefusedTrigger <> :trigger OR #lastRefusedExecution = :me',
      });
      expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
        TopicArn: 'arn:aws:sns:us-west-2:111111111111:shop-failover',
        Subject: 'Failover REFUSED: shop-prod, last failover started 10 min ago',
        Message: expect.stringContaining(
          'the minimum interval between failovers is 60 min (triggers.minMinutesBetweenExecutions)',
        ),
      });
      expect(lock.notification).toEqual({
        subject: 'Failover REFUSED: shop-prod, last failover started 10 min ago',
        messageId: 'message-1',
        topicArn: 'arn:aws:sns:us-west-2:111111111111:shop-failover',
      });
    });

    it('ends a duplicate of an event already refused as a duplicate, without paging again', async () => {
      // Arrange
      const trigger = alarmTrigger({ executionId: ME });
      dynamo.on(GetItemCommand).resolves({
        Item: {
          ...lockItem({ lastFailoverStartedAt: tenMinutesAgo }),
          lastRefusedTrigger: { S: triggerKey(trigger) },
          lastRefusedExecution: { S: OTHER },
        },
      });

      // Act
      const lock = await acquire(trigger);

      // Assert
      expect(lock.decision).toBe('duplicate');
      expect(lock.message).toContain(`was already refused by execution ${OTHER}`);
      expect(sns).not.toHaveReceivedAnyCommand();
      expect(dynamo).not.toHaveReceivedCommand(UpdateItemCommand);
    });

    it('leaves the refusal notice to the delivery that claimed it first', async () => {
      // Arrange
      const trigger = alarmTrigger({ executionId: ME });
      const refused = {
        ...lockItem({ lastFailoverStartedAt: tenMinutesAgo }),
        lastRefusedTrigger: { S: triggerKey(trigger) },
        lastRefusedExecution: { S: OTHER },
      };
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ lastFailoverStartedAt: tenMinutesAgo }) });
      dynamo.on(UpdateItemCommand).rejects(conditionFailed(refused));

      // Act
      const lock = await acquire(trigger);

      // Assert
      expect(lock.decision).toBe('duplicate');
      expect(sns).not.toHaveReceivedAnyCommand();
    });

    it('lets an alarm through once the interval has passed', async () => {
      // Arrange
      dynamo
        .on(GetItemCommand)
        .resolves({ Item: lockItem({ lastFailoverStartedAt: '2026-11-24T08:00:01.000Z' }) });

      // Act
      const lock = await acquire();

      // Assert
      expect(lock.decision).toBe('acquired');
      expect(sns).not.toHaveReceivedAnyCommand();
    });

    it('does not refuse anything when the plan sets the interval to 0', async () => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ lastFailoverStartedAt: tenMinutesAgo }) });
      const plan = examplePlan((document) => {
        document.triggers.minMinutesBetweenExecutions = 0;
      });

      // Act
      const lock = await acquire(alarmTrigger({ executionId: ME }), plan);

      // Assert
      expect(lock.decision).toBe('acquired');
    });

    it.each([
      ['a live drill (a person decided)', false],
      ['a dry-run drill (it changes nothing)', true],
    ])('does not refuse %s', async (_what, dryRun) => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ lastFailoverStartedAt: tenMinutesAgo }) });

      // Act
      const lock = await acquire({ ...drillTrigger(dryRun), executionId: ME });

      // Assert
      expect(lock).toMatchObject({ decision: 'acquired', dryRun });
      expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':dryRun': { BOOL: dryRun } }),
      });
    });
  });

  describe('dry runs', () => {
    it('lets a live failover take the lock from a running dry run and stops the dry run', async () => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER, dryRun: true, version: 2 }) });
      sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
      sfn.on(StopExecutionCommand).resolves({ stopDate: NOW });

      // Act
      const lock = await acquire();

      // Assert
      expect(lock).toMatchObject({
        decision: 'acquired',
        preempted: { executionArn: OTHER, dryRun: true, stopped: true },
      });
      expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
        ConditionExpression: '#holder = :stale AND #version = :seen',
      });
      expect(sfn).toHaveReceivedCommandExactlyOnceWith(StopExecutionCommand, {
        executionArn: OTHER,
        error: 'FailoverPreempted',
      });
    });

    it('keeps the lock it took when the dry run cannot be stopped', async () => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER, dryRun: true }) });
      sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
      sfn.on(StopExecutionCommand).rejects(
        new SFNServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'denied',
          ...metadata,
        }),
      );

      // Act
      const lock = await acquire();

      // Assert
      expect(lock.decision).toBe('acquired');
      expect(lock.preempted).toMatchObject({
        stopped: false,
        stopMessage: expect.stringContaining('could not stop dry-run execution'),
      });
    });

    it('ends a dry run as a duplicate while a live failover runs', async () => {
      // Arrange
      dynamo.on(GetItemCommand).resolves({ Item: lockItem({ holder: OTHER }) });
      sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

      // Act
      const lock = await acquire({ ...drillTrigger(true), executionId: ME });

      // Assert
      expect(lock.decision).toBe('duplicate');
      expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    });
  });

  it('fails clearly when the deployment did not name the lock table', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_LOCK_TABLE', '');

    // Act / Assert
    await expect(acquire()).rejects.toThrow('FAILOVER_LOCK_TABLE is not set');
  });
});

describe('recordStart', () => {
  it('records the live failover start only while this execution holds the lock at its version, once', async () => {
    // Act
    const lock = await recordStart(heldLock({ version: 7 }));

    // Assert
    expect(lock).toMatchObject({
      failoverStartedAt: NOW.toISOString(),
      lastFailoverStartedAt: NOW.toISOString(),
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      UpdateExpression: 'SET #lastFailoverStartedAt = :now, #lastFailoverExecution = :me',
      ConditionExpression:
        '#holder = :me AND #version = :version AND (attribute_not_exists(#lastFailoverExecution) OR #lastFailoverExecution <> :me)',
      ExpressionAttributeValues: {
        ':now': { S: NOW.toISOString() },
        ':me': { S: ME },
        ':version': { N: '7' },
      },
    });
  });

  it('keeps the first recorded start when the step is re-run after it recorded it', async () => {
    // Arrange: the first run recorded 08:59:30; its response was lost.
    const recorded = {
      ...lockItem({ holder: ME, lastFailoverStartedAt: '2026-11-24T08:59:30.000Z' }),
      lastFailoverExecution: { S: ME },
    };
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(recorded));

    // Act
    const lock = await recordStart(heldLock());

    // Assert
    expect(lock).toMatchObject({
      failoverStartedAt: '2026-11-24T08:59:30.000Z',
      lastFailoverStartedAt: '2026-11-24T08:59:30.000Z',
    });
  });

  it('stops the failover with LockLostError when another execution holds the lock', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(lockItem({ holder: OTHER })));

    // Act / Assert
    await expect(recordStart(heldLock())).rejects.toMatchObject({
      name: 'LockLostError',
      message: expect.stringContaining(`held by ${OTHER}`),
    });
  });

  it('records nothing for a dry run', async () => {
    // Act
    const lock = await recordStart(heldLock({ dryRun: true }));

    // Assert
    expect(lock.failoverStartedAt).toBeUndefined();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});

describe('releaseLock', () => {
  it('frees the lock only if this execution holds it, keeping the failover history', async () => {
    // Act
    const release = await releaseLock(heldLock());

    // Assert
    expect(release).toEqual({
      released: true,
      releasedAt: NOW.toISOString(),
      message: 'lock of plan shop-prod released',
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      UpdateExpression:
        'REMOVE #holder, #holderAcquiredAt, #holderDryRun, #holderTrigger, #lateTriggers, #holderVerdict',
      ConditionExpression: '#holder = :me',
    });
  });

  it.each([
    [lockItem({ holder: OTHER }), `taken over by ${OTHER}`],
    [lockItem({}), 'the lock is already free'],
  ])('reports, without failing, a lock it no longer holds', async (current, message) => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(current));

    // Act
    const release = await releaseLock(heldLock());

    // Assert
    expect(release.released).toBe(false);
    expect(release.message).toContain(message);
  });

  it('lets other errors through for the ASL to catch', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(
      new DynamoDBServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform: dynamodb:UpdateItem',
        ...metadata,
      }),
    );

    // Act / Assert
    await expect(releaseLock(heldLock())).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('failover lock handler', () => {
  it('runs the action the ASL names', async () => {
    // Act
    const release = await handler(
      { action: 'release', lock: heldLock({ decision: 'duplicate' }) },
      lambdaContext(),
    );

    // Assert
    expect(release).toMatchObject({
      released: false,
      message: 'this execution did not hold the lock: nothing to release',
    });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('rejects an action the ASL never sends with InvalidLockRequestError', async () => {
    // Act / Assert
    await expect(failoverLock({ action: 'steal' } as never)).rejects.toMatchObject({
      name: 'InvalidLockRequestError',
    });
  });
});
