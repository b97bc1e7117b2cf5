import { DescribeDBSnapshotsCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { BEST_EFFORT } from '../../common/aws-clients.js';
import { rdsClient } from '../../common/clients/rds.js';
import { describeError } from '../../common/errors.js';
import type { FencedResource } from '../../common/fencing-record.js';
import { runFence, type FenceLook } from '../fencing.js';
import type { KindContext, KindSummary } from '../kind-step.js';
import { rdsReplicaKind } from './definition.js';
import { describeInstance } from './rds.js';

/**
 * The RDS read replica kind's fence (issue 10): once the replica is promoted in the recovery
 * region, the old primary (plan `databases[].primary`) is stopped in the primary region after a
 * final snapshot (StopDBInstance with DBSnapshotIdentifier `<primary>-final-<yyyymmddhhmm>`), so
 * that a writer left in the old region cannot reach a writable copy and split the data.
 *
 * What StopDBInstance does (RDS user guide, "Stopping an Amazon RDS DB instance temporarily", and
 * the API reference): a normal shutdown, status `stopping` then `stopped`, storage, endpoint and
 * configuration kept, the snapshot taken immediately before the stop. Its limits: an instance that
 * is a read replica or has one cannot be stopped (the promotion removed the cross-region replica
 * from the old primary, which is why the fence runs after Recover); an RDS for SQL Server
 * instance in Multi-AZ cannot be stopped (the error is kept as pending, for a person); a stopped
 * instance is started again by RDS after seven days (recorded as `autoStartsAt`: the fence holds
 * for a week, a failback or a person must act before).
 *
 * Every call goes to the primary region with BEST_EFFORT's short timeout; an error of any kind
 * leaves the database `pending` with one line, for the scheduled retry.
 */

const SEVEN_DAYS_MS = 7 * 86_400_000;

/** `<primary>-final-<yyyymmddhhmm>` (UTC); at most 63 characters, as an RDS snapshot identifier. */
export function finalSnapshotId(primary: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${primary.slice(0, 63 - '-final-'.length - stamp.length)}-final-${stamp}`;
}

/** The final snapshot a stop took, found when the stop's answer was lost (best effort). */
async function findFinalSnapshot(region: string, primary: string): Promise<string | undefined> {
  try {
    const response = await rdsClient(region, BEST_EFFORT).send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: primary, SnapshotType: 'manual' }),
    );
    return (response.DBSnapshots ?? [])
      .map((snapshot) => snapshot.DBSnapshotIdentifier ?? '')
      .filter((id) => id.startsWith(`${primary}-final-`))
      .sort()
      .at(-1);
  } catch {
    return undefined;
  }
}

/** A stopped or stopping old primary: fenced, with its final snapshot when known. */
async function alreadyStopped(
  region: string,
  primary: string,
  status: string,
  previous: FencedResource | undefined,
): Promise<FenceLook> {
  const recorded = previous?.facts?.finalSnapshot as string | undefined;
  const snapshot = recorded ?? (await findFinalSnapshot(region, primary));
  return {
    status: 'fenced',
    detail: `${status}${snapshot !== undefined ? ` (final snapshot ${snapshot})` : ''}`,
    ...(snapshot !== undefined ? { facts: { finalSnapshot: snapshot } } : {}),
  };
}

/** Stops an `available` old primary after a final snapshot. */
async function stop(
  region: string,
  primary: string,
  previous: FencedResource | undefined,
): Promise<FenceLook> {
  const now = new Date();
  const snapshot = finalSnapshotId(primary, now);
  try {
    await rdsClient(region, BEST_EFFORT).send(
      new StopDBInstanceCommand({ DBInstanceIdentifier: primary, DBSnapshotIdentifier: snapshot }),
    );
  } catch (error) {
    // An earlier attempt's stop whose answer was lost took this very snapshot: look again.
    if (error instanceof Error && error.name === 'DBSnapshotAlreadyExistsFault') {
      const again = await describeInstance(region, primary, BEST_EFFORT).catch(() => undefined);
      const status = again?.DBInstanceStatus ?? 'unknown';
      if (status === 'stopping' || status === 'stopped')
        return alreadyStopped(region, primary, status, previous);
    }
    return { status: 'pending', detail: `StopDBInstance failed: ${describeError(error)}` };
  }
  const autoStartsAt = new Date(now.getTime() + SEVEN_DAYS_MS).toISOString();
  return {
    status: 'fenced',
    detail: `stopping after final snapshot ${snapshot} (RDS starts it again by itself at ${autoStartsAt})`,
    facts: { finalSnapshot: snapshot, stoppedAt: now.toISOString(), autoStartsAt },
  };
}

/** Looks at one old primary and stops it unless a dry run; never throws. */
export async function fenceDatabase(
  region: string,
  primary: string,
  previous: FencedResource | undefined,
  dryRun: boolean,
): Promise<FenceLook> {
  let status: string;
  try {
    status = (await describeInstance(region, primary, BEST_EFFORT)).DBInstanceStatus ?? 'unknown';
  } catch (error) {
    return { status: 'pending', detail: `not reachable in ${region}: ${describeError(error)}` };
  }
  if (status === 'stopping' || status === 'stopped') return alreadyStopped(region, primary, status, previous);
  if (status !== 'available') return { status: 'pending', detail: `${status}: it is stopped once available` };
  if (dryRun)
    return {
      status: 'pending',
      detail: `would stop it after final snapshot ${finalSnapshotId(primary, new Date())} (available now)`,
    };
  return stop(region, primary, previous);
}

/** Every database with a `primary`: its old primary stopped after a final snapshot. */
export const fenceDatabases = (context: KindContext): Promise<KindSummary> =>
  runFence(context, rdsReplicaKind, fenceDatabase);
