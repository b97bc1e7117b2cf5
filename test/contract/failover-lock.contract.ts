import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../functions/common/plan.js';
import type { FailoverLock, Trigger } from '../../functions/common/workflow-state.js';
import { acquireLock, triggerKey } from '../../functions/failover-lock/acquire-lock.js';
import { failoverLock } from '../../functions/failover-lock/failover-lock.js';
import { stopPreemptedDrill } from '../../functions/failover-lock/holder-status.js';
import { LOCK_TABLE_KEY } from '../../functions/failover-lock/lock-table.js';
import { recordStart, releaseLock } from '../../functions/failover-lock/release-lock.js';
import { startSnsSubscriber, type SnsSubscriber } from './sns-subscriber.js';
import { expectStepCommandsSentToMoto, stepCalls, type StepCommand } from './step-calls.js';
import {
  arrange,
  contractPlan,
  motoEndpoint,
  MOTO_ACCOUNT,
  PRIMARY,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * The failover lock (acquireLock, recordStart, releaseLock) over HTTP against moto: the lock
 * item in a DynamoDB table in the recovery region, its holders real executions in moto's Step
 * Functions, the refusal notice on an SNS topic read back by an http subscriber.
 *
 * moto runs executions here (global-setup.ts turns on `execute_state_machine`), but moto 5.2.1
 * then fails every StartExecution after the first in a region (asserted below), so each holder
 * execution gets a region of its own. The lock step describes a holder in its ARN's region, so
 * that is all it needs. No other contract file may start executions in these regions.
 */

const TABLE = 'contract-failover-lock';
const TOPIC = 'contract-lock-failover';
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/contract-failover`;
const HOLDER_MACHINE = 'contract-lock-holder';

const WAIT = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } };
const HOLDERS = {
  running: { region: 'eu-west-1', definition: WAIT },
  rival: { region: 'eu-west-2', definition: WAIT },
  drill: { region: 'eu-central-1', definition: WAIT },
  succeeded: {
    region: 'us-east-2',
    definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
  },
  failed: {
    region: 'ca-central-1',
    definition: {
      StartAt: 'Fail',
      States: { Fail: { Type: 'Fail', Error: 'HolderFailed', Cause: 'contract test' } },
    },
  },
  timedOut: { region: 'ap-southeast-1', definition: { ...WAIT, TimeoutSeconds: 1 } },
  /** Stopped by the arrangement with StopExecution. */
  aborted: { region: 'ap-southeast-2', definition: WAIT },
} as const;
type HolderName = keyof typeof HOLDERS;

const holders = {} as Record<HolderName, string>;
let subscriber: SnsSubscriber;
let created = 0;

const sfnOf = (executionArn: string) => arrange.sfn(executionArn.split(':')[3] ?? '');
const calls = (command: StepCommand): number => stepCalls.filter((call) => call.command === command).length;

/** An execution ARN of the failover state machine that moto does not know (this execution). */
function execution(): string {
  created += 1;
  return `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:failover:contract-lock-${created}`;
}

/** A plan of its own per test: the lock item is keyed by the plan name. */
function lockPlan(): Plan {
  created += 1;
  return contractPlan((document) => {
    document.name = `contract-lock-${created}`;
    document.notifications = { topicArn: `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:${TOPIC}` };
  });
}

/** A distinct alarm transition (event) each call. */
function alarm(executionId: string): Trigger {
  created += 1;
  return {
    kind: 'alarm',
    alarmName: 'shop-primary-health',
    alarmRegion: PRIMARY,
    reason: 'Threshold Crossed: 1 datapoint [0.0] was less than the threshold (1.0).',
    triggeredAt: new Date(Date.now() - 3_600_000 + created * 1000).toISOString(),
    confirmSeconds: 60,
    dryRun: false,
    executionId,
  };
}

function drill(executionId: string, dryRun: boolean): Trigger {
  created += 1;
  return {
    kind: 'drill',
    reason: 'contract game day',
    triggeredAt: new Date(Date.now() - 3_600_000 + created * 1000).toISOString(),
    confirmSeconds: 0,
    dryRun,
    requestedBy: 'sre-oncall@example.com',
    executionId,
  };
}

const acquire = (plan: Plan, trigger: Trigger): Promise<FailoverLock> =>
  acquireLock({ action: 'acquire', plan, trigger, executionId: trigger.executionId });

async function readItem(plan: Plan): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await arrange.dynamoDb(RECOVERY).send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { [LOCK_TABLE_KEY]: { S: plan.name } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The item a lock taken by `lock` (for `trigger`, at `version`) leaves, before any failover started. */
function heldItem(lock: FailoverLock, trigger: Trigger, version: number): Record<string, AttributeValue> {
  return {
    planName: { S: lock.planName },
    version: { N: String(version) },
    holder: { S: lock.executionArn },
    holderAcquiredAt: { S: lock.acquiredAt ?? '' },
    holderDryRun: { BOOL: trigger.dryRun },
    holderTrigger: { S: triggerKey(trigger) },
    lastTrigger: { S: triggerKey(trigger) },
    lastTriggerExecution: { S: lock.executionArn },
  };
}

/** Starts the one execution of `name`'s region (see the file comment). */
async function startHolder(name: HolderName): Promise<string> {
  const { region, definition } = HOLDERS[name];
  const sfn = arrange.sfn(region);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: HOLDER_MACHINE,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ holder: name }) }),
  );
  if (executionArn === undefined) throw new Error(`moto started no execution of ${name}`);
  return executionArn;
}

/** moto runs executions in a thread: polls DescribeExecution until `status`. */
async function settled(executionArn: string, status: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const described = await sfnOf(executionArn).send(new DescribeExecutionCommand({ executionArn }));
    if (described.status === status) return described;
    if (Date.now() > deadline)
      throw new Error(`${executionArn} is ${described.status ?? '?'}, not ${status}, after 10s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  vi.stubEnv('FAILOVER_LOCK_TABLE', TABLE);
  subscriber = await startSnsSubscriber();
  const sns = arrange.sns(RECOVERY);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPIC }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.endpoint }));
  const { TableDescription } = await arrange.dynamoDb(RECOVERY).send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: LOCK_TABLE_KEY, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: LOCK_TABLE_KEY, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // AWS answers CREATING and takes seconds (a deployment waits for ACTIVE); moto is ACTIVE at once.
  expect(TableDescription?.TableStatus).toBe('ACTIVE');
  const names = Object.keys(HOLDERS) as HolderName[];
  const arns = await Promise.all(names.map(startHolder));
  names.forEach((name, index) => (holders[name] = arns[index] ?? ''));
  await sfnOf(holders.aborted).send(
    new StopExecutionCommand({ executionArn: holders.aborted, error: 'ContractStop', cause: 'arranged' }),
  );
  await Promise.all([
    settled(holders.succeeded, 'SUCCEEDED'),
    settled(holders.failed, 'FAILED'),
    settled(holders.timedOut, 'TIMED_OUT'),
    settled(holders.aborted, 'ABORTED'),
  ]);
});

afterAll(async () => {
  // Ends the Wait threads that moto would otherwise keep for an hour.
  await Promise.all(
    [holders.running, holders.rival]
      .filter((arn) => arn !== undefined)
      .map((executionArn) => sfnOf(executionArn).send(new StopExecutionCommand({ executionArn }))),
  );
  await subscriber.close();
});

describe('Step Functions executions in moto with execute_state_machine', () => {
  it('run: a Wait state holds RUNNING, Pass ends SUCCEEDED, Fail FAILED with its error and cause', async () => {
    // Act
    const [running, succeeded, failed] = await Promise.all(
      [holders.running, holders.succeeded, holders.failed].map((executionArn) =>
        sfnOf(executionArn).send(new DescribeExecutionCommand({ executionArn })),
      ),
    );

    // Assert: without execute_state_machine moto leaves every execution RUNNING forever. The
    // output is Python's json.dumps of the state (a space after the colon); AWS's is compact.
    expect(running).toMatchObject({ status: 'RUNNING', executionArn: holders.running });
    expect(running?.stopDate).toBeUndefined();
    expect(succeeded).toMatchObject({ status: 'SUCCEEDED', output: '{"holder": "succeeded"}' });
    expect(succeeded?.stopDate).toBeInstanceOf(Date);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'HolderFailed', cause: 'contract test' });
    expect(failed?.stopDate).toBeInstanceOf(Date);
  });

  it('time out on the state machine TimeoutSeconds, without a stopDate', async () => {
    // Act
    const timedOut = await sfnOf(holders.timedOut).send(
      new DescribeExecutionCommand({ executionArn: holders.timedOut }),
    );

    // Assert: AWS sets stopDate on every execution that ended; moto only on SUCCEEDED, FAILED, ABORTED.
    expect(timedOut.status).toBe('TIMED_OUT');
    expect(timedOut.stopDate).toBeUndefined();
  });

  it('end ABORTED when stopped, dropping the error and cause StopExecution was given', async () => {
    // Act
    const aborted = await sfnOf(holders.aborted).send(
      new DescribeExecutionCommand({ executionArn: holders.aborted }),
    );

    // Assert: AWS records them (on the ExecutionAborted history event); moto stops the execution
    // with empty ones, so neither they nor anything else says why it was stopped.
    expect(aborted.status).toBe('ABORTED');
    expect(aborted.stopDate).toBeInstanceOf(Date);
    expect(aborted.error).toBeUndefined();
    expect(aborted.cause).toBeUndefined();
  });

  it('cannot start a second execution in a region: moto 5.2.1 answers HTTP 500', async () => {
    // Arrange: moto deep-copies the state machine on StartExecution, which fails ("cannot pickle
    // '_thread.RLock'") once its region holds a started execution. AWS has no such limit.
    const { region } = HOLDERS.running;
    const sfn = new SFNClient({ region, endpoint: motoEndpoint(), maxAttempts: 1 });
    const stateMachineArn = `arn:aws:states:${region}:${MOTO_ACCOUNT}:stateMachine:${HOLDER_MACHINE}`;

    // Act
    const error = await rejectionOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'second' })));

    // Assert
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });
});

describe('acquireLock', () => {
  it('takes a lock nobody held, with a write conditioned on the item not existing', async () => {
    // Arrange
    const plan = lockPlan();
    const trigger = alarm(execution());

    // Act
    const lock = await acquire(plan, trigger);

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      planName: plan.name,
      tableName: TABLE,
      region: RECOVERY,
      executionArn: trigger.executionId,
      dryRun: false,
    });
    expect(await readItem(plan)).toEqual(heldItem(lock, trigger, 1));
  });

  it('ends a duplicate delivery of the holder’s event as a duplicate while the holder is RUNNING, writing nothing', async () => {
    // Arrange
    const plan = lockPlan();
    const heldBy = alarm(holders.running);
    const held = await acquire(plan, heldBy);
    const updatesBefore = calls('UpdateItemCommand');

    // Act
    const lock = await acquire(plan, { ...heldBy, executionId: execution() });

    // Assert
    expect(lock).toMatchObject({
      decision: 'duplicate',
      heldBy: {
        executionArn: holders.running,
        acquiredAt: held.acquiredAt,
        dryRun: false,
        status: 'RUNNING',
      },
    });
    expect(lock.message).toContain('a failover of plan');
    expect(calls('UpdateItemCommand')).toBe(updatesBefore);
    expect(await readItem(plan)).toEqual(heldItem(held, heldBy, 1));
  });

  it('records another plan alarm on a RUNNING holder’s lock, without changing its version', async () => {
    // Arrange
    const plan = lockPlan();
    const heldBy = alarm(holders.running);
    await acquire(plan, heldBy);
    const late = { ...alarm(execution()), alarmName: 'shop-alb-5xx' };

    // Act
    const lock = await acquire(plan, late);

    // Assert
    expect(lock).toMatchObject({ decision: 'duplicate', lateTrigger: true });
    const item = await readItem(plan);
    expect(item?.version).toEqual({ N: '1' });
    expect(JSON.parse(item?.lateTriggers?.S ?? '[]')).toEqual([
      expect.objectContaining({
        key: triggerKey(late),
        alarmName: 'shop-alb-5xx',
        executionArn: late.executionId,
      }),
    ]);
  });

  it('ends a dry run as a duplicate while a live failover is RUNNING', async () => {
    // Arrange
    const plan = lockPlan();
    await acquire(plan, alarm(holders.running));

    // Act
    const lock = await acquire(plan, drill(execution(), true));

    // Assert
    expect(lock).toMatchObject({ decision: 'duplicate', dryRun: true, heldBy: { status: 'RUNNING' } });
  });

  it('finds its own lock when the step is retried, without writing again', async () => {
    // Arrange
    const plan = lockPlan();
    const trigger = alarm(execution());
    const first = await acquire(plan, trigger);
    const updatesBefore = calls('UpdateItemCommand');

    // Act
    const retried = await acquire(plan, trigger);

    // Assert
    expect(retried).toMatchObject({ decision: 'acquired', acquiredAt: first.acquiredAt });
    expect(retried.message).toContain('already held by this execution');
    expect(calls('UpdateItemCommand')).toBe(updatesBefore);
  });

  it.each<[string, () => string]>([
    ['SUCCEEDED', () => holders.succeeded],
    ['FAILED', () => holders.failed],
    ['TIMED_OUT', () => holders.timedOut],
    ['ABORTED', () => holders.aborted],
    // An execution of a state machine moto lacks: moto answers ExecutionDoesNotExist, not StateMachineDoesNotExist.
    ['NOT_FOUND', () => `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:failover:contract-lock-gone`],
  ])('takes over the lock of a holder that is %s, conditioned on that holder', async (status, holder) => {
    // Arrange
    const plan = lockPlan();
    const stale = await acquire(plan, alarm(holder()));
    const trigger = alarm(execution());

    // Act
    const lock = await acquire(plan, trigger);

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      reclaimedFrom: { executionArn: holder(), acquiredAt: stale.acquiredAt, dryRun: false, status },
    });
    expect(lock.message).toContain(`taken over from execution ${holder()} (${status}`);
    expect(await readItem(plan)).toEqual(heldItem(lock, trigger, 2));
  });

  it('lets one of two RUNNING executions take a free lock at once; the loser reads the winner from its failed write', async () => {
    // Arrange: the same alarm event delivered twice, to two running executions.
    const plan = lockPlan();
    const event = alarm(holders.running);
    const readsBefore = calls('GetItemCommand');

    // Act
    const locks = await Promise.all([
      acquire(plan, event),
      acquire(plan, { ...event, executionId: holders.rival }),
    ]);

    // Assert: a loser whose write failed decides again on the item the ConditionalCheckFailed
    // returned (ReturnValuesOnConditionCheckFailure), so neither execution reads twice.
    const winner = locks.find((lock) => lock.decision === 'acquired');
    const loser = locks.find((lock) => lock.decision === 'duplicate');
    expect(winner).toBeDefined();
    expect(loser?.heldBy).toMatchObject({ executionArn: winner?.executionArn, status: 'RUNNING' });
    expect(calls('GetItemCommand')).toBe(readsBefore + 2);
    expect((await readItem(plan))?.holder).toEqual({ S: winner?.executionArn });
  });

  it('takes the lock from a RUNNING dry-run drill and stops the drill', async () => {
    // Arrange
    const plan = lockPlan();
    await acquire(plan, drill(holders.drill, true));
    const trigger = alarm(execution());

    // Act
    const lock = await acquire(plan, trigger);

    // Assert
    expect(lock).toMatchObject({
      decision: 'acquired',
      preempted: {
        executionArn: holders.drill,
        dryRun: true,
        status: 'RUNNING',
        stopped: true,
        stopMessage: `stopped dry-run execution ${holders.drill}`,
      },
    });
    expect(await readItem(plan)).toEqual(heldItem(lock, trigger, 2));
    // moto runs StopExecution asynchronously: RUNNING until the thread ends.
    await expect(settled(holders.drill, 'ABORTED')).resolves.toMatchObject({ status: 'ABORTED' });
  });

  it('ends a redelivery of an event as a duplicate after the execution that handled it released the lock', async () => {
    // Arrange
    const plan = lockPlan();
    const event = alarm(execution());
    await releaseLock(await acquire(plan, event));
    const again = { ...event, executionId: execution() };

    // Act
    const lock = await acquire(plan, again);

    // Assert
    expect(lock).toMatchObject({
      decision: 'duplicate',
      heldBy: { executionArn: event.executionId, dryRun: false },
    });
    expect(lock.message).toContain('already handled by execution');
  });

  it('refuses an alarm within the minimum interval, notifies once per event, and lets a manual drill through', async () => {
    // Arrange: a live failover that started and released its lock a moment ago.
    const plan = lockPlan();
    const started = await recordStart(await acquire(plan, alarm(execution())));
    await releaseLock(started);
    const refusedEvent = alarm(execution());
    const publishesBefore = calls('PublishCommand');

    // Act
    const refused = await acquire(plan, refusedEvent);
    const redelivered = await acquire(plan, { ...refusedEvent, executionId: execution() });
    const manual = await acquire(plan, drill(execution(), false));

    // Assert
    const nextAllowedMs = Date.parse(started.failoverStartedAt ?? '') + 60 * 60_000;
    expect(refused).toMatchObject({
      decision: 'refused',
      nextAllowedAt: new Date(nextAllowedMs).toISOString(),
      notification: { topicArn: plan.notifications.topicArn },
    });
    const delivery = subscriber.deliveryOf(refused.notification?.messageId ?? null);
    expect(delivery?.Subject).toBe(`Failover REFUSED: ${plan.name}, last failover started 0 min ago`);
    expect(delivery?.Message).toContain('Nothing was changed by this execution.');
    expect(redelivered).toMatchObject({
      decision: 'duplicate',
      heldBy: { executionArn: refusedEvent.executionId },
    });
    expect(calls('PublishCommand')).toBe(publishesBefore + 1);
    expect(manual.decision).toBe('acquired');
    expect(manual.message).toContain('a manual drill is not subject to the minimum interval');
    expect(await readItem(plan)).toMatchObject({
      lastFailoverStartedAt: { S: started.failoverStartedAt },
      lastFailoverExecution: { S: started.executionArn },
      lastRefusedTrigger: { S: triggerKey(refusedEvent) },
      lastRefusedExecution: { S: refusedEvent.executionId },
      holder: { S: manual.executionArn },
    });
  });
});

describe('recordStart and releaseLock', () => {
  it('record the failover start while holding the lock, then free it and keep the history', async () => {
    // Arrange
    const plan = lockPlan();
    const trigger = alarm(execution());
    const lock = await acquire(plan, trigger);

    // Act
    const started = (await failoverLock({ action: 'record-start', lock })) as FailoverLock;
    const release = await failoverLock({ action: 'release', lock: started });
    const again = await releaseLock(started);

    // Assert
    expect(release).toMatchObject({ released: true, message: `lock of plan ${plan.name} released` });
    expect(again).toMatchObject({ released: false, message: 'the lock is already free: nothing to release' });
    expect(await readItem(plan)).toEqual({
      planName: { S: plan.name },
      version: { N: '1' },
      lastTrigger: { S: triggerKey(trigger) },
      lastTriggerExecution: { S: lock.executionArn },
      lastFailoverStartedAt: { S: started.failoverStartedAt },
      lastFailoverExecution: { S: lock.executionArn },
    });
  });

  it('tell an execution whose lock was taken over who holds it, from the item the failed write returns', async () => {
    // Arrange
    const plan = lockPlan();
    const stale = await acquire(plan, alarm(holders.succeeded));
    const taker = await acquire(plan, alarm(execution()));
    const readsBefore = calls('GetItemCommand');

    // Act
    const lost = await rejectionOf(recordStart(stale));
    const release = await releaseLock(stale);

    // Assert
    expect(lost.name).toBe('LockLostError');
    expect(lost.message).toContain(`held by ${taker.executionArn}`);
    expect(release).toMatchObject({
      released: false,
      message: `the lock is no longer held by this execution (taken over by ${taker.executionArn}): nothing to release`,
    });
    expect(calls('GetItemCommand')).toBe(readsBefore);
    expect((await readItem(plan))?.holder).toEqual({ S: taker.executionArn });
  });
});

describe('DynamoDB as the SDK reads it from moto', () => {
  const key = { [LOCK_TABLE_KEY]: { S: 'contract-lock-wire' } };
  const stored = { ...key, version: { N: '3' }, holder: { S: 'someone' } };
  const staleUpdate = (extra: Partial<UpdateItemCommandInput>) =>
    new UpdateItemCommand({
      TableName: TABLE,
      Key: key,
      UpdateExpression: 'SET #version = :next',
      ConditionExpression: '#version = :seen',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':next': { N: '2' }, ':seen': { N: '1' } },
      ...extra,
    });

  it('fails a conditional UpdateItem with ConditionalCheckFailedException (400) and the item when asked', async () => {
    // Arrange
    const dynamoDb = arrange.dynamoDb(RECOVERY);
    await dynamoDb.send(new PutItemCommand({ TableName: TABLE, Item: stored }));

    // Act
    const withItem = await rejectionOf(
      dynamoDb.send(staleUpdate({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    const withoutItem = await rejectionOf(dynamoDb.send(staleUpdate({})));
    const missing = await rejectionOf(
      dynamoDb.send(
        staleUpdate({
          Key: { [LOCK_TABLE_KEY]: { S: 'contract-lock-absent' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );

    // Assert
    expect(withItem).toBeInstanceOf(ConditionalCheckFailedException);
    expect(withItem.message).toBe('The conditional request failed');
    expect(withItem.$metadata?.httpStatusCode).toBe(400);
    expect((withItem as ConditionalCheckFailedException).Item).toEqual(stored);
    expect(withoutItem).toBeInstanceOf(ConditionalCheckFailedException);
    expect((withoutItem as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(missing).toBeInstanceOf(ConditionalCheckFailedException);
    expect((missing as ConditionalCheckFailedException).Item).toBeUndefined();
  });

  it('answers a table that does not exist with ResourceNotFoundException (400), which acquireLock lets through', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_LOCK_TABLE', 'contract-missing-lock-table');

    try {
      // Act
      const error = await rejectionOf(acquire(lockPlan(), alarm(execution())));

      // Assert
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    } finally {
      vi.stubEnv('FAILOVER_LOCK_TABLE', TABLE);
    }
  });
});

describe('Step Functions errors as the SDK reads them from moto', () => {
  it.each<[string, () => string]>([
    ['a state machine that exists', () => holders.running.replace(/:running$/, ':contract-missing')],
    [
      'no state machine',
      () => `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:failover:contract-missing`,
    ],
  ])('names an unknown execution of %s ExecutionDoesNotExist (400)', async (_case, executionArn) => {
    // Act
    const error = await rejectionOf(
      sfnOf(executionArn()).send(new DescribeExecutionCommand({ executionArn: executionArn() })),
    );

    // Assert
    expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('lets stopPreemptedDrill report, not throw, when StopExecution finds no such execution', async () => {
    // Arrange
    const executionArn = `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:failover:contract-missing-drill`;

    // Act
    const outcome = await stopPreemptedDrill(executionArn, execution());

    // Assert
    expect(outcome.stopped).toBe(false);
    expect(outcome.stopMessage).toContain('(ExecutionDoesNotExist: ');
  });
});

describe('the lock step over HTTP', () => {
  it('sent GetItem, UpdateItem, DescribeExecution, StopExecution and Publish to the moto server only', () => {
    expectStepCommandsSentToMoto('failover-lock', motoEndpoint(), ['PublishCommand']);
  });
});
