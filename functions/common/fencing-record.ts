import { GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from './clients/dynamodb.js';
import { recordTableName } from './failover-record.js';
import { nowIso } from './step-handler.js';

/**
 * The fencing record (issue 10): what a failover did to stop writers in the old region from
 * reaching the old primary, per plan and kind, outliving the execution. The failover's Fence step
 * writes it, the scheduled fence retry (functions/fence-retry/) rewrites it until every resource
 * is fenced, `failover status --plan` reads it, and a failback checks it before its first write
 * and closes it once the old region is primary again.
 *
 * One item per plan and kind, in the lock table (recovery region): `<plan>#fencing#<kind>`,
 * attribute `fencing` (JSON of `FencingRecord`).
 */

/** `not-applicable`: the plan names nothing to fence for the resource (no `primary`, no `primaryGroup`). */
export type FenceStatus = 'fenced' | 'pending' | 'not-applicable';

export interface FencedResource {
  /** The resource in the old region, e.g. the old primary's identifier or the old group's name. */
  readonly label: string;
  readonly status: FenceStatus;
  /** How many fence attempts were made (the failover's, then each scheduled retry's). */
  readonly attempts: number;
  readonly lastAttemptAt?: string;
  readonly fencedAt?: string;
  /** One line: what was done, or why it could not be (the last error). */
  readonly detail: string;
  /** Kind-specific facts recorded at the first successful look, write-once by convention (capacity before, final snapshot id). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export interface FencingRecord {
  readonly planName: string;
  readonly kind: string;
  /** The failover execution that fenced (its ARN). */
  readonly failoverExecution: string;
  /** `closed`: a failback made the old region primary again; the retry leaves it alone. */
  readonly state: 'open' | 'closed';
  readonly resources: readonly FencedResource[];
  readonly updatedAt: string;
  readonly closedBy?: string;
}

const KEY_ATTRIBUTE = 'planName';

export const fencingKey = (planName: string, kind: string): string => `${planName}#fencing#${kind}`;

const keyOf = (planName: string, kind: string): Record<string, AttributeValue> => ({
  [KEY_ATTRIBUTE]: { S: fencingKey(planName, kind) },
});

/** The fencing record of one kind, or undefined when no failover fenced it. */
export async function readFencing(
  region: string,
  planName: string,
  kind: string,
  /** The lock table; `failover status` names the deployed one. @default recordTableName() */
  tableName: string = recordTableName(),
): Promise<FencingRecord | undefined> {
  const response = await dynamoDbClient(region).send(
    new GetItemCommand({ TableName: tableName, Key: keyOf(planName, kind), ConsistentRead: true }),
  );
  const value = response.Item?.fencing?.S;
  return value === undefined ? undefined : (JSON.parse(value) as FencingRecord);
}

/** Writes the whole record (the last writer of a kind's record is its only writer at a time: the lock or the schedule). */
export async function writeFencing(
  region: string,
  record: Omit<FencingRecord, 'updatedAt'>,
): Promise<FencingRecord> {
  const stored: FencingRecord = { ...record, updatedAt: nowIso() };
  // UpdateItem, not PutItem: the functions that keep the record are granted GetItem/UpdateItem
  // on the lock table (infra/function-permissions.ts), and this replaces the whole attribute.
  await dynamoDbClient(region).send(
    new UpdateItemCommand({
      TableName: recordTableName(),
      Key: keyOf(record.planName, record.kind),
      UpdateExpression: 'SET fencing = :fencing',
      ExpressionAttributeValues: { ':fencing': { S: JSON.stringify(stored) } },
    }),
  );
  return stored;
}

/** Resources still to fence: the retry's work and `failover status`'s exit code. */
export const pendingResources = (record: FencingRecord | undefined): FencedResource[] =>
  record === undefined || record.state === 'closed'
    ? []
    : record.resources.filter((resource) => resource.status === 'pending');
