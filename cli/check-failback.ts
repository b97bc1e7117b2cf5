import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DBInstance } from '@aws-sdk/client-rds';
import { BEST_EFFORT } from '../functions/common/aws-clients.js';
import { dynamoDbClient } from '../functions/common/clients/dynamodb.js';
import { describeError, ReplicaNotFoundError } from '../functions/common/errors.js';
import { recordKey, type RecordScope } from '../functions/common/failover-record.js';
import { readFencing, type FencedResource } from '../functions/common/fencing-record.js';
import type { Plan } from '../functions/common/plan.js';
import { expectedFenced } from '../functions/failback/fencing-check.js';
import { readLock } from '../functions/failover-lock/lock-table.js';
import type { DatabasePlan } from '../functions/kinds/rds-replica/definition.js';
import { describeInstance, isReplica } from '../functions/kinds/rds-replica/rds.js';
import { latestReplicaLag } from '../functions/kinds/rds-replica/replica-lag.js';
import { isReplicating } from '../functions/kinds/rds-replica/reprotect.js';
import type { ParameterFacts } from '../functions/kinds/ssm-parameter/types.js';

/**
 * `failover check`'s failback section (issue 10): when a failover of the plan is in effect (the
 * lock item's `lastFailoverExecution`, not yet undone by a failback), what a failback would find:
 * the home replica of each database in the primary region, the previous value the failover
 * recorded for each parameter (what Route Back restores), and the fencing of the old region.
 * Informational: the lines do not change the exit code of the failover's readiness (a plan in
 * failover is ready or not to fail over again; the failback checks these itself and refuses).
 */

export const NO_FAILOVER_LINE = 'no failover in effect: nothing to fail back';

const MARK = { ok: '  ✓', no: '  ✗', na: '  –' } as const;

const cut = (value: string): string => (value.length <= 80 ? value : `${value.slice(0, 80)}…`);

/** The replica's source names the recovery instance (an ARN across regions, else the id). */
const replicates = (instance: DBInstance, recoveryId: string): boolean => {
  const source = instance.ReadReplicaSourceDBInstanceIdentifier ?? '';
  return source === recoveryId || source.endsWith(`:db:${recoveryId}`);
};

/** One line for the home instance of a database (its `primary` id, in the primary region). */
async function homeLine(plan: Plan, database: DatabasePlan & { primary: string }): Promise<string> {
  const home = `home ${database.primary} in ${plan.primaryRegion}`;
  const creates = "the failback's Re-protect Home will create it";
  let instance: DBInstance;
  try {
    instance = await describeInstance(plan.primaryRegion, database.primary, BEST_EFFORT);
  } catch (error) {
    if (error instanceof ReplicaNotFoundError) return `${MARK.no} ${home}: not there yet: ${creates}`;
    return `${MARK.no} ${home}: cannot tell: ${describeError(error)}`;
  }
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (!isReplica(instance) || !replicates(instance, database.replica)) {
    const holder = isReplica(instance)
      ? `a replica of ${instance.ReadReplicaSourceDBInstanceIdentifier ?? ''}`
      : status === 'stopped' || status === 'stopping'
        ? 'the fenced old primary'
        : 'a standalone instance (the old primary?)';
    return `${MARK.no} ${home}: not a replica of ${database.replica} yet: ${creates}; the identifier is held now by ${holder} (${status}), which it renames aside`;
  }
  if (!isReplicating(instance))
    return `${MARK.no} ${home}: a replica of ${database.replica}, ${status}, not replicating yet`;
  let lag: string;
  try {
    const seconds = await latestReplicaLag(plan.primaryRegion, database.primary);
    lag =
      seconds === null
        ? 'no ReplicaLag datapoint yet'
        : `ReplicaLag ${seconds}s (the failback gate waits for ≤ ${plan.failback.maxLagSeconds}s)`;
  } catch (error) {
    lag = `ReplicaLag unknown: ${describeError(error)}`;
  }
  return `${MARK.ok} ${home}: a replica of ${database.replica}, available and replicating, ${lag}`;
}

/** The facts the failover recorded for one parameter (the lock table is the record table). */
async function parameterFacts(
  plan: Plan,
  tableName: string,
  scope: RecordScope,
  index: number,
): Promise<ParameterFacts | undefined> {
  const response = await dynamoDbClient(plan.recoveryRegion).send(
    new GetItemCommand({
      TableName: tableName,
      Key: { planName: { S: recordKey(scope, 'ssm-parameter', index) } },
      ConsistentRead: true,
      ProjectionExpression: '#f',
      ExpressionAttributeNames: { '#f': 'facts' },
    }),
  );
  const text = response.Item?.facts?.S;
  return text === undefined ? undefined : (JSON.parse(text) as ParameterFacts);
}

async function parameterLines(plan: Plan, tableName: string, scope: RecordScope): Promise<string[]> {
  return Promise.all(
    plan.parameters.map(async (parameter, index) => {
      const facts = await parameterFacts(plan, tableName, scope, index);
      if (facts === undefined)
        return `${MARK.no} parameter ${parameter.name}: no previous value recorded by the failover: Route Back will leave it as it is`;
      return facts.previousValue === null
        ? `${MARK.ok} parameter ${parameter.name}: recorded as absent before the failover (Route Back leaves it)`
        : `${MARK.ok} parameter ${parameter.name}: previous value recorded: ${cut(facts.previousValue)}`;
    }),
  );
}

const fenceMark = (resource: FencedResource): string =>
  resource.status === 'fenced' ? MARK.ok : resource.status === 'pending' ? MARK.no : MARK.na;

async function fencingLines(plan: Plan, tableName: string, failover: string): Promise<string[]> {
  const kinds = await Promise.all(
    expectedFenced(plan).map(async ({ kind, labels }) => {
      const record = await readFencing(plan.recoveryRegion, plan.name, kind, tableName);
      if (record === undefined || record.failoverExecution !== failover)
        return labels.map(
          (label) => `${MARK.no} fencing ${kind} ${label}: no fencing record of this failover`,
        );
      return record.resources.map((resource) => {
        const what =
          resource.status === 'pending'
            ? `pending after ${resource.attempts} attempts`
            : resource.status === 'fenced'
              ? 'fenced'
              : 'not applicable';
        return `${fenceMark(resource)} fencing ${kind} ${resource.label}: ${what}: ${resource.detail}`;
      });
    }),
  );
  return kinds.flat();
}

/** The failback section's lines: one line when no failover is in effect, else a header and a line per item. */
export async function failbackReadiness(plan: Plan, tableName: string): Promise<string[]> {
  try {
    const lock = await readLock({ tableName, region: plan.recoveryRegion, planName: plan.name });
    const failover = lock?.lastFailoverExecution;
    if (failover === undefined || lock?.lastFailbackOf === failover) return [NO_FAILOVER_LINE];
    const scope: RecordScope = { planName: plan.name, executionId: failover };
    const homes = plan.databases.flatMap((database) =>
      database.primary === undefined ? [] : [homeLine(plan, { ...database, primary: database.primary })],
    );
    const [homeLines, parameters, fencing] = await Promise.all([
      Promise.all(homes),
      parameterLines(plan, tableName, scope),
      fencingLines(plan, tableName, failover),
    ]);
    return [
      `Failback readiness (failover ${failover} in effect; informational, not in the exit code):`,
      ...homeLines,
      ...parameters,
      ...fencing,
    ];
  } catch (error) {
    return [`failback readiness unknown: table ${tableName}: ${describeError(error)}`];
  }
}
