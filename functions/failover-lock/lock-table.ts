import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../common/clients/dynamodb.js';

/**
 * The lock item: one per plan, in a DynamoDB table in the recovery region (partition key
 * `planName`, string). Why DynamoDB and not SSM Parameter Store: PutParameter without Overwrite
 * is an atomic create, but SSM has no conditional update, so a lock left by a crashed execution
 * could only be deleted and re-created, and two executions reclaiming it at once could both
 * "win". A DynamoDB conditional write is a compare-and-swap on any attribute: take a free lock,
 * take over one whose holder is no longer running *only if it is still that holder*, release
 * only one's own lock, and record the failover start only while holding the lock.
 *
 * Every write that takes the lock also bumps `version` and is conditioned on the version read,
 * so an execution that decided on a stale read (the holder changed, a failover was recorded in
 * between) loses the race and decides again on what won; ReturnValuesOnConditionCheckFailure
 * hands it the winning item without a second read.
 *
 * Attributes: planName, version (N), holder (execution ARN), holderAcquiredAt, holderDryRun,
 * holderTrigger; lastTrigger and lastTriggerExecution (the last event that took the lock, to
 * recognise a late duplicate delivery); lastFailoverStartedAt and lastFailoverExecution (the last
 * live failover that passed confirmation: the minimum interval counts from it); lastRefusedTrigger
 * and lastRefusedExecution (the last event refused by the interval: its duplicates stay quiet);
 * lateTriggers (JSON: the other plan alarms that fired while the holder ran, which its Confirm
 * Outage re-checks) and holderVerdict (`aborted` once the holder's confirmation found every one of
 * them back to OK: a trigger arriving later takes the lock over instead of being a duplicate).
 * Neither bumps the version: the version is the holder's fencing token, which the mutating steps
 * check (functions/kinds/kind-step.ts), and it changes only when the lock changes hands.
 */

/** The table's partition key (the CDK table and the simulated one use the same). */
export const LOCK_TABLE_KEY = 'planName';

/** Set by the CDK construct on the lock step (and by local replay). */
export function lockTableName(): string {
  const name = process.env.FAILOVER_LOCK_TABLE;
  if (name === undefined || name === '') {
    throw new Error('FAILOVER_LOCK_TABLE is not set: the orchestrator was deployed without its lock table');
  }
  return name;
}

export interface LockTableRef {
  readonly tableName: string;
  readonly region: string;
  readonly planName: string;
}

/** A plan alarm that entered ALARM while another execution held the lock. */
export interface LateTrigger {
  /** triggerKey() of the event: a duplicate delivery is recorded once. */
  readonly key: string;
  readonly alarmName: string;
  readonly alarmRegion: string;
  readonly triggeredAt: string;
  /** The execution the event started, which ended as a duplicate. */
  readonly executionArn: string;
}

export interface LockItem {
  readonly version: number;
  readonly holder?: {
    readonly executionArn: string;
    readonly acquiredAt: string;
    readonly dryRun: boolean;
    readonly trigger: string;
  };
  readonly lastTrigger?: string;
  readonly lastTriggerExecution?: string;
  readonly lastFailoverStartedAt?: string;
  readonly lastFailoverExecution?: string;
  readonly lastRefusedTrigger?: string;
  readonly lastRefusedExecution?: string;
  readonly lateTriggers?: readonly LateTrigger[];
  readonly holderVerdict?: 'aborted';
  /** The last failback (issue 10) and the failover it undid: a second failback of it is refused. */
  readonly lastFailbackExecution?: string;
  readonly lastFailbackOf?: string;
}

const str = (value: AttributeValue | undefined): string | undefined => value?.S;

export function lockItemOf(item: Record<string, AttributeValue> | undefined): LockItem | undefined {
  if (item === undefined) return undefined;
  const holder = str(item.holder);
  const optional = (name: keyof LockItem, value: string | undefined) =>
    value === undefined ? {} : { [name]: value };
  return {
    version: Number(item.version?.N ?? '0'),
    ...(holder === undefined
      ? {}
      : {
          holder: {
            executionArn: holder,
            acquiredAt: str(item.holderAcquiredAt) ?? '',
            dryRun: item.holderDryRun?.BOOL === true,
            trigger: str(item.holderTrigger) ?? '',
          },
        }),
    ...optional('lastTrigger', str(item.lastTrigger)),
    ...optional('lastTriggerExecution', str(item.lastTriggerExecution)),
    ...optional('lastFailoverStartedAt', str(item.lastFailoverStartedAt)),
    ...optional('lastFailoverExecution', str(item.lastFailoverExecution)),
    ...optional('lastRefusedTrigger', str(item.lastRefusedTrigger)),
    ...optional('lastRefusedExecution', str(item.lastRefusedExecution)),
    ...optional('lastFailbackExecution', str(item.lastFailbackExecution)),
    ...optional('lastFailbackOf', str(item.lastFailbackOf)),
    ...(item.lateTriggers?.S !== undefined
      ? { lateTriggers: JSON.parse(item.lateTriggers.S) as LateTrigger[] }
      : {}),
    ...(str(item.holderVerdict) === 'aborted' ? { holderVerdict: 'aborted' as const } : {}),
  };
}

/** `#name` for every attribute an expression names, so no placeholder is left unused. */
function attributeNames(...expressions: string[]): Record<string, string> {
  const names = expressions.flatMap((expression) =>
    [...expression.matchAll(/#(\w+)/g)].map((match) => match[1] ?? ''),
  );
  return Object.fromEntries(names.map((name) => [`#${name}`, name]));
}

const key = (ref: LockTableRef) => ({ [LOCK_TABLE_KEY]: { S: ref.planName } });

/** A strongly consistent read: the decision must see the last write. */
export async function readLock(ref: LockTableRef): Promise<LockItem | undefined> {
  const response = await dynamoDbClient(ref.region).send(
    new GetItemCommand({ TableName: ref.tableName, Key: key(ref), ConsistentRead: true }),
  );
  return lockItemOf(response.Item);
}

export type WriteOutcome =
  { readonly written: true } | { readonly written: false; readonly current: LockItem | undefined };

/** Runs one conditional update; a failed condition is an answer (with the item that won), not an error. */
async function conditionalUpdate(
  ref: LockTableRef,
  update: string,
  condition: string,
  values: Record<string, AttributeValue>,
): Promise<WriteOutcome> {
  try {
    await dynamoDbClient(ref.region).send(
      new UpdateItemCommand({
        TableName: ref.tableName,
        Key: key(ref),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: attributeNames(update, condition),
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { written: true };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      return { written: false, current: lockItemOf(error.Item) };
    throw error;
  }
}

export interface TakeLock {
  readonly executionArn: string;
  readonly acquiredAt: string;
  readonly dryRun: boolean;
  readonly trigger: string;
  /** The item the decision was made on (undefined: there was none). */
  readonly seen: LockItem | undefined;
}

/**
 * Takes the lock if the item is still exactly what the decision saw: absent, free, or held by
 * the same (stale or preempted) holder, at the same version. Two executions that saw the same
 * stale holder cannot both win: the first write bumps the version.
 */
export function takeLock(ref: LockTableRef, take: TakeLock): Promise<WriteOutcome> {
  const update =
    'SET #version = :next, #holder = :me, #holderAcquiredAt = :now, #holderDryRun = :dryRun, ' +
    '#holderTrigger = :trigger, #lastTrigger = :trigger, #lastTriggerExecution = :me ' +
    'REMOVE #lateTriggers, #holderVerdict';
  const values: Record<string, AttributeValue> = {
    ':next': { N: String((take.seen?.version ?? 0) + 1) },
    ':me': { S: take.executionArn },
    ':now': { S: take.acquiredAt },
    ':dryRun': { BOOL: take.dryRun },
    ':trigger': { S: take.trigger },
  };
  if (take.seen === undefined)
    return conditionalUpdate(ref, update, `attribute_not_exists(#${LOCK_TABLE_KEY})`, values);
  values[':seen'] = { N: String(take.seen.version) };
  if (take.seen.holder === undefined) {
    return conditionalUpdate(ref, update, 'attribute_not_exists(#holder) AND #version = :seen', values);
  }
  values[':stale'] = { S: take.seen.holder.executionArn };
  return conditionalUpdate(ref, update, '#holder = :stale AND #version = :seen', values);
}

/**
 * Records that the holder's live failover has started (passed confirmation), only while it holds
 * the lock at the version it took (its fencing token), when it knows it.
 */
export function recordFailoverStart(
  ref: LockTableRef,
  executionArn: string,
  startedAt: string,
  version?: number,
): Promise<WriteOutcome> {
  const values: Record<string, AttributeValue> = { ':now': { S: startedAt }, ':me': { S: executionArn } };
  if (version !== undefined) values[':version'] = { N: String(version) };
  // Write-once per execution: a retried step finds its start recorded and keeps the first time.
  const once = '(attribute_not_exists(#lastFailoverExecution) OR #lastFailoverExecution <> :me)';
  return conditionalUpdate(
    ref,
    'SET #lastFailoverStartedAt = :now, #lastFailoverExecution = :me',
    `${version === undefined ? '#holder = :me' : '#holder = :me AND #version = :version'} AND ${once}`,
    values,
  );
}

/** The condition that the late triggers are still exactly `seen` (none, or that very list). */
function lateTriggersUnchanged(seen: LockItem, values: Record<string, AttributeValue>): string {
  if (seen.lateTriggers === undefined) return 'attribute_not_exists(#lateTriggers)';
  values[':seenLate'] = { S: JSON.stringify(seen.lateTriggers) };
  return '#lateTriggers = :seenLate';
}

/**
 * Adds a plan alarm that fired while `seen.holder` runs to the lock item, for the holder's Confirm
 * Outage to re-check; only while that holder, at that version, has not yet decided to abort and
 * the list is what was read (a lost race is decided again on the item that won).
 */
export function addLateTrigger(ref: LockTableRef, seen: LockItem, late: LateTrigger): Promise<WriteOutcome> {
  const values: Record<string, AttributeValue> = {
    ':holder': { S: seen.holder?.executionArn ?? '' },
    ':seen': { N: String(seen.version) },
    ':late': { S: JSON.stringify([...(seen.lateTriggers ?? []), late]) },
  };
  const condition =
    '#holder = :holder AND #version = :seen AND attribute_not_exists(#holderVerdict) AND ' +
    lateTriggersUnchanged(seen, values);
  return conditionalUpdate(ref, 'SET #lateTriggers = :late', condition, values);
}

/**
 * The holder's confirmation found every alarm that fired back to OK: it will abort. Written only
 * if no other trigger arrived since it read them (else it must re-check), so that a trigger is
 * either re-checked by the holder or, arriving after this, takes the lock over.
 */
export function recordAbortVerdict(
  ref: LockTableRef,
  executionArn: string,
  seen: LockItem,
): Promise<WriteOutcome> {
  const values: Record<string, AttributeValue> = {
    ':me': { S: executionArn },
    ':seen': { N: String(seen.version) },
    ':aborted': { S: 'aborted' },
  };
  const condition = '#holder = :me AND #version = :seen AND ' + lateTriggersUnchanged(seen, values);
  return conditionalUpdate(ref, 'SET #holderVerdict = :aborted', condition, values);
}

/**
 * Claims the right to announce that `trigger` is refused: of many deliveries of one refused
 * event, only the first notifies (a retry of the same execution may notify again).
 */
export function claimRefusal(
  ref: LockTableRef,
  executionArn: string,
  trigger: string,
): Promise<WriteOutcome> {
  return conditionalUpdate(
    ref,
    'SET #lastRefusedTrigger = :trigger, #lastRefusedExecution = :me',
    'attribute_not_exists(#lastRefusedTrigger) OR #lastRefusedTrigger <> :trigger OR #lastRefusedExecution = :me',
    { ':trigger': { S: trigger }, ':me': { S: executionArn } },
  );
}

/** Frees the lock, only if this execution still holds it; the failover history stays. */
export function clearHolder(ref: LockTableRef, executionArn: string): Promise<WriteOutcome> {
  return conditionalUpdate(
    ref,
    'REMOVE #holder, #holderAcquiredAt, #holderDryRun, #holderTrigger, #lateTriggers, #holderVerdict',
    '#holder = :me',
    {
      ':me': { S: executionArn },
    },
  );
}
