import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from './clients/dynamodb.js';
import { nowIso } from './step-handler.js';

/**
 * The failover record: what one execution did and what a retry or a failback needs, kept in
 * DynamoDB (the plan's lock table, recovery region) instead of the execution state, which
 * Step Functions caps at 262,144 bytes a state. It is split so that no item nears DynamoDB's
 * 400 KB limit whatever the plan's size:
 * - one **progress** item per kind (`<plan>#record#<execution>#<kind>`): each resource's status
 *   and short detail, in plan order, rewritten by every start/check of that kind;
 * - one **facts** item per resource (`…#<kind>#<index>`): what was read before the first change
 *   (previous capacity, previous parameter value, the promoted endpoint). Facts are written
 *   once (a conditional write); a retried step reads the stored facts back and never
 *   replaces them, so the failback value survives any number of retries.
 * The table's partition key is `planName` (functions/failover-lock/lock-table.ts): record keys
 * begin with the plan name, so one plan's lock and records sit side by side.
 */

export interface RecordScope {
  readonly planName: string;
  /** The execution's ARN (`$$.Execution.Id`); its last segment names the record. */
  readonly executionId: string;
}

/** The lock table; the construct sets it on every step that keeps the record. */
export function recordTableName(): string {
  const name = process.env.FAILOVER_LOCK_TABLE;
  if (name === undefined || name === '') {
    throw new Error('FAILOVER_LOCK_TABLE is not set: the orchestrator was deployed without its record table');
  }
  return name;
}

/** The table's region: ARNs of executions name the recovery region, where the table lives. */
const regionOf = (scope: RecordScope): string => scope.executionId.split(':')[3] ?? '';
const executionName = (scope: RecordScope): string =>
  scope.executionId.split(':').at(-1) ?? scope.executionId;
const KEY_ATTRIBUTE = 'planName';

export const recordKey = (scope: RecordScope, ...parts: readonly (string | number)[]): string =>
  [scope.planName, 'record', executionName(scope), ...parts.map(String)].join('#');

const keyOf = (key: string): Record<string, AttributeValue> => ({ [KEY_ATTRIBUTE]: { S: key } });

function parseJson<T>(value: AttributeValue | undefined): T | undefined {
  return value?.S === undefined ? undefined : (JSON.parse(value.S) as T);
}

async function getAttribute<T>(scope: RecordScope, key: string, attribute: string): Promise<T | undefined> {
  const response = await dynamoDbClient(regionOf(scope)).send(
    new GetItemCommand({
      TableName: recordTableName(),
      Key: keyOf(key),
      ConsistentRead: true,
      ProjectionExpression: '#a',
      ExpressionAttributeNames: { '#a': attribute },
    }),
  );
  return parseJson<T>(response.Item?.[attribute]);
}

async function setAttribute(
  scope: RecordScope,
  key: string,
  attribute: string,
  value: unknown,
): Promise<void> {
  await dynamoDbClient(regionOf(scope)).send(
    new UpdateItemCommand({
      TableName: recordTableName(),
      Key: keyOf(key),
      UpdateExpression: 'SET #a = :v, #u = :u',
      ExpressionAttributeNames: { '#a': attribute, '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':v': { S: JSON.stringify(value) }, ':u': { S: nowIso() } },
    }),
  );
}

/** The kind's per-resource progress, in plan order; undefined before its first step ran. */
export const readProgress = <T>(scope: RecordScope, kind: string): Promise<T | undefined> =>
  getAttribute<T>(scope, recordKey(scope, kind), 'progress');

export const writeProgress = (scope: RecordScope, kind: string, progress: unknown): Promise<void> =>
  setAttribute(scope, recordKey(scope, kind), 'progress', progress);

/** What a kind's read-back found in AWS (written before a failure notice). */
export const readAssessment = <T>(scope: RecordScope, kind: string): Promise<T | undefined> =>
  getAttribute<T>(scope, recordKey(scope, kind), 'assessment');

export const writeAssessment = (scope: RecordScope, kind: string, assessment: unknown): Promise<void> =>
  setAttribute(scope, recordKey(scope, kind), 'assessment', assessment);

/** The gate's per-resource looks (lag checks), kept between looks. */
export const readGate = <T>(scope: RecordScope, kind: string): Promise<T | undefined> =>
  getAttribute<T>(scope, recordKey(scope, kind), 'gate');

export const writeGate = (scope: RecordScope, kind: string, gate: unknown): Promise<void> =>
  setAttribute(scope, recordKey(scope, kind), 'gate', gate);

/** What a reversible kind's prewarm did to each resource, and its undo (kinds with `reversible`). */
export const readPrewarm = <T>(scope: RecordScope, kind: string): Promise<T | undefined> =>
  getAttribute<T>(scope, recordKey(scope, kind), 'prewarm');

export const writePrewarm = (scope: RecordScope, kind: string, prewarm: unknown): Promise<void> =>
  setAttribute(scope, recordKey(scope, kind), 'prewarm', prewarm);

/**
 * Records `facts` for one resource unless facts are already recorded, and returns what is
 * recorded: the first writer wins, and a retried step gets the original facts back.
 */
export async function rememberOnce<T>(scope: RecordScope, kind: string, index: number, facts: T): Promise<T> {
  try {
    await dynamoDbClient(regionOf(scope)).send(
      new UpdateItemCommand({
        TableName: recordTableName(),
        Key: keyOf(recordKey(scope, kind, index)),
        UpdateExpression: 'SET #f = :f, #r = :r',
        ConditionExpression: 'attribute_not_exists(#f)',
        ExpressionAttributeNames: { '#f': 'facts', '#r': 'recordedAt' },
        ExpressionAttributeValues: { ':f': { S: JSON.stringify(facts) }, ':r': { S: nowIso() } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return facts;
  } catch (error) {
    const recorded =
      error instanceof ConditionalCheckFailedException ||
      (error as Error).name === 'ConditionalCheckFailedException'
        ? parseJson<T>((error as ConditionalCheckFailedException).Item?.facts)
        : undefined;
    if (recorded !== undefined) return recorded;
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      // The condition failed but the item did not come back: read it.
      const read = await readFacts<T>(scope, kind, index);
      if (read !== undefined) return read;
    }
    throw error;
  }
}

/** One resource's recorded facts, or undefined when none were recorded. */
export const readFacts = <T>(scope: RecordScope, kind: string, index: number): Promise<T | undefined> =>
  getAttribute<T>(scope, recordKey(scope, kind, index), 'facts');

/**
 * The approval request of one execution (`<plan>#record#<execution>#approval`, attributes
 * `taskToken` and `tokenIssuedAt`): the token of the Task waiting for the answer, which
 * `failover approve|decline <execution>` reads. One item per execution; a retried invocation of
 * the request runs under a new token (Step Functions closes the old one), so the newest token
 * replaces it: a write-once token would leave the commands answering a closed Task.
 */
export const APPROVAL_RECORD_PART = 'approval';

export async function recordApprovalRequest(scope: RecordScope, taskToken: string): Promise<void> {
  await dynamoDbClient(regionOf(scope)).send(
    new UpdateItemCommand({
      TableName: recordTableName(),
      Key: keyOf(recordKey(scope, APPROVAL_RECORD_PART)),
      UpdateExpression: 'SET #t = :t, #i = :i',
      ExpressionAttributeNames: { '#t': 'taskToken', '#i': 'tokenIssuedAt' },
      ExpressionAttributeValues: { ':t': { S: taskToken }, ':i': { S: nowIso() } },
    }),
  );
}
