import type { DBSnapshot, DescribeDBSnapshotsCommandInput } from '@aws-sdk/client-rds';
import { fail } from '../../../engine/sim/sdk-errors.js';
import { secondsToMs } from '../../../engine/sim/world.js';

/**
 * Stopping and starting a simulated DB instance, and the snapshot StopDBInstance takes first
 * (the fence of issue 10). After the RDS user guide, "Stopping an Amazon RDS DB instance
 * temporarily": the status goes `stopping` then `stopped`; an instance that is a read replica or
 * has one cannot be stopped; a stopped instance starts again by itself after seven days;
 * `DBSnapshotIdentifier` names a snapshot taken immediately before the stop (API reference,
 * StopDBInstance; an identifier already used is DBSnapshotAlreadyExists).
 */

/** From StopDBInstance to `stopped` (minutes in AWS; the snapshot is taken first). */
export const STOP_SECONDS = 120;
/** From StartDBInstance (or the automatic start) to `available`. */
export const START_SECONDS = 300;
/** RDS starts a stopped instance again after seven days. */
export const AUTO_START_SECONDS = 7 * 86_400;

/** An instance's stops and starts, epoch ms (the latest of each). */
export interface PowerRecord {
  stopRequestedAt: number | undefined;
  startRequestedAt: number | undefined;
}

/** The status the power history gives at `now`, or undefined when it says nothing (running as before). */
export function powerStatus(power: PowerRecord, now: number): string | undefined {
  const { stopRequestedAt: stop, startRequestedAt: start } = power;
  if (stop === undefined) return undefined;
  if (start !== undefined && start >= stop)
    return now < start + secondsToMs(START_SECONDS) ? 'starting' : undefined;
  const elapsed = now - stop;
  if (elapsed < secondsToMs(STOP_SECONDS)) return 'stopping';
  if (elapsed < secondsToMs(AUTO_START_SECONDS)) return 'stopped';
  return elapsed < secondsToMs(AUTO_START_SECONDS + START_SECONDS) ? 'starting' : undefined;
}

interface SnapshotRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly region: string;
  readonly arn: string;
  readonly createdAt: number;
}

export interface DbSnapshotView {
  readonly id: string;
  readonly instanceId: string;
  readonly region: string;
  readonly status: string;
  readonly createdAt: string;
}

/** The manual snapshots taken by StopDBInstance (available once the stop completes). */
export class SimulatedSnapshots {
  private readonly snapshots: SnapshotRecord[] = [];

  public constructor(private readonly accountId: string) {}

  /** Takes the snapshot a stop names. @throws DBSnapshotAlreadyExists */
  public take(id: string, instanceId: string, region: string, now: number): void {
    if (this.snapshots.some((snapshot) => snapshot.region === region && snapshot.id === id))
      throw fail(
        'DBSnapshotAlreadyExistsFault',
        400,
        `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
      );
    this.snapshots.push({
      id,
      instanceId,
      region,
      arn: `arn:aws:rds:${region}:${this.accountId}:snapshot:${id}`,
      createdAt: now,
    });
  }

  public describe(
    input: DescribeDBSnapshotsCommandInput,
    region: string,
    now: number,
  ): { DBSnapshots: DBSnapshot[] } {
    const found = this.snapshots.filter(
      (snapshot) =>
        snapshot.region === region &&
        (input.DBSnapshotIdentifier === undefined || snapshot.id === input.DBSnapshotIdentifier) &&
        (input.DBInstanceIdentifier === undefined || snapshot.instanceId === input.DBInstanceIdentifier),
    );
    if (input.DBSnapshotIdentifier !== undefined && found.length === 0)
      throw fail('DBSnapshotNotFoundFault', 404, `DBSnapshot ${input.DBSnapshotIdentifier} not found.`);
    return {
      DBSnapshots: found.map((snapshot) => ({
        DBSnapshotIdentifier: snapshot.id,
        DBSnapshotArn: snapshot.arn,
        DBInstanceIdentifier: snapshot.instanceId,
        SnapshotCreateTime: new Date(snapshot.createdAt),
        Status: this.status(snapshot, now),
        SnapshotType: 'manual',
        Engine: 'postgres',
        Encrypted: true,
      })),
    };
  }

  public snapshot(now: number): DbSnapshotView[] {
    return this.snapshots.map((snapshot) => ({
      id: snapshot.id,
      instanceId: snapshot.instanceId,
      region: snapshot.region,
      status: this.status(snapshot, now),
      createdAt: new Date(snapshot.createdAt).toISOString(),
    }));
  }

  private status(snapshot: SnapshotRecord, now: number): string {
    return now < snapshot.createdAt + secondsToMs(STOP_SECONDS) ? 'creating' : 'available';
  }
}
