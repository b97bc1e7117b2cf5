import type {
  DBInstance,
  DeleteDBInstanceCommandInput,
  DeleteDBInstanceCommandOutput,
  ModifyDBInstanceCommandInput,
  ModifyDBInstanceCommandOutput,
  StartDBInstanceCommandInput,
  StartDBInstanceCommandOutput,
  StopDBInstanceCommandInput,
  StopDBInstanceCommandOutput,
} from '@aws-sdk/client-rds';
import { base36Digest } from '../../../engine/sim/ids.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import type { DbInstanceRecord, DbView } from './sim-rds.js';

/**
 * The simulated RDS's instance lifecycle beyond promotion, for fencing and failback (issue 10):
 * StopDBInstance (`available` → `stopping` → `stopped`, optionally after a snapshot), StartDBInstance
 * (`stopped` → `starting` → `available`), ModifyDBInstance with NewDBInstanceIdentifier (a rename:
 * the instance answers under its new identifier at once, `renaming` for a minute; RDS refuses to
 * modify a stopped instance) and DeleteDBInstance with a final snapshot.
 *
 * The rules follow the RDS user guide: "Stopping an Amazon RDS DB instance temporarily" (a read
 * replica, or an instance that has one, cannot be stopped; a stopped instance cannot be modified)
 * and "Renaming a DB instance" (the endpoint changes with the identifier).
 */

export const STOP_SECONDS = 120;
export const START_SECONDS = 300;
export const RENAME_SECONDS = 60;

export interface DbSnapshotRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly region: string;
  readonly createdAt: number;
}

const invalidState = (message: string) => fail('InvalidDBInstanceStateFault', 400, message);
const notFound = (id: string) => fail('DBInstanceNotFoundFault', 404, `DBInstance ${id} not found.`);

/** The instance's view with its stop/start/rename applied on top of what replication makes it. */
export function overlayLifecycle(db: DbInstanceRecord, now: number, base: DbView): DbView {
  if (db.renamingUntil !== undefined && now < db.renamingUntil) return { ...base, status: 'renaming' };
  const power = db.power;
  if (power === undefined) return base;
  if (power.state === 'stopping')
    return {
      ...base,
      replicating: false,
      status: now < power.at + secondsToMs(STOP_SECONDS) ? 'stopping' : 'stopped',
    };
  return now < power.at + secondsToMs(START_SECONDS) ? { ...base, status: 'starting' } : base;
}

export class RdsLifecycle {
  public readonly snapshots: DbSnapshotRecord[] = [];

  public constructor(
    private readonly world: SimWorld,
    private readonly instances: DbInstanceRecord[],
    private readonly view: (db: DbInstanceRecord, now: number) => DbView,
    private readonly shape: (db: DbInstanceRecord, now: number) => DBInstance,
  ) {}

  public stop(
    input: StopDBInstanceCommandInput,
    call: CallContext,
  ): Omit<StopDBInstanceCommandOutput, '$metadata'> {
    const db = this.get(call, input.DBInstanceIdentifier);
    const view = this.view(db, call.now);
    if (view.source !== undefined)
      throw invalidState(`DB instance ${db.id} is a read replica and cannot be stopped.`);
    if (this.hasReplicas(db, call.now))
      throw invalidState(`DB instance ${db.id} has read replicas and cannot be stopped.`);
    if (view.status !== 'available')
      throw invalidState(`DB instance ${db.id} is not in available state (${view.status}).`);
    if (input.DBSnapshotIdentifier !== undefined) this.addSnapshot(input.DBSnapshotIdentifier, db, call.now);
    db.power = { state: 'stopping', at: call.now };
    return { DBInstance: this.shape(db, call.now) };
  }

  public start(
    input: StartDBInstanceCommandInput,
    call: CallContext,
  ): Omit<StartDBInstanceCommandOutput, '$metadata'> {
    const db = this.get(call, input.DBInstanceIdentifier);
    const status = this.view(db, call.now).status;
    if (status !== 'stopped') throw invalidState(`DB instance ${db.id} is not stopped (${status}).`);
    db.power = { state: 'starting', at: call.now };
    return { DBInstance: this.shape(db, call.now) };
  }

  public modify(
    input: ModifyDBInstanceCommandInput,
    call: CallContext,
  ): Omit<ModifyDBInstanceCommandOutput, '$metadata'> {
    const db = this.get(call, input.DBInstanceIdentifier);
    const status = this.view(db, call.now).status;
    if (status !== 'available')
      throw invalidState(`DB instance ${db.id} is not in available state (${status}).`);
    const newId = input.NewDBInstanceIdentifier;
    if (newId !== undefined && newId !== db.id) {
      if (this.instances.some((other) => other.region === call.region && other.id === newId))
        throw fail('DBInstanceAlreadyExistsFault', 400, `DB instance ${newId} already exists.`);
      const oldArn = db.arn;
      db.id = newId;
      db.arn = `arn:aws:rds:${db.region}:${this.world.accountId}:db:${newId}`;
      db.address = `${newId}.${base36Digest(`${this.world.accountId}:${db.region}`, 12)}.${db.region}.rds.amazonaws.com`;
      // Replicas follow their source through a rename.
      for (const other of this.instances)
        if (other.sourceArn === oldArn) Object.assign(other, { sourceArn: db.arn });
      db.renamingUntil = call.now + secondsToMs(RENAME_SECONDS);
    }
    return { DBInstance: this.shape(db, call.now) };
  }

  public remove(
    input: DeleteDBInstanceCommandInput,
    call: CallContext,
  ): Omit<DeleteDBInstanceCommandOutput, '$metadata'> {
    const db = this.get(call, input.DBInstanceIdentifier);
    const status = this.view(db, call.now).status;
    if (status !== 'available' && status !== 'stopped')
      throw invalidState(`DB instance ${db.id} cannot be deleted while ${status}.`);
    if (input.SkipFinalSnapshot !== true)
      this.addSnapshot(required(input.FinalDBSnapshotIdentifier, 'finalDBSnapshotIdentifier'), db, call.now);
    const shape = this.shape(db, call.now);
    this.instances.splice(this.instances.indexOf(db), 1);
    return { DBInstance: { ...shape, DBInstanceStatus: 'deleting' } };
  }

  private hasReplicas(db: DbInstanceRecord, now: number): boolean {
    return this.instances.some(
      (other) => other.sourceArn === db.arn && this.view(other, now).source !== undefined,
    );
  }

  private addSnapshot(id: string, db: DbInstanceRecord, now: number): void {
    if (this.snapshots.some((snapshot) => snapshot.region === db.region && snapshot.id === id))
      throw fail(
        'DBSnapshotAlreadyExistsFault',
        400,
        `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
      );
    this.snapshots.push({ id, instanceId: db.id, region: db.region, createdAt: now });
  }

  private get(call: CallContext, id: string | undefined): DbInstanceRecord {
    const wanted = required(id, 'dBInstanceIdentifier');
    const db = this.instances.find(
      (candidate) => candidate.region === call.region && candidate.id === wanted,
    );
    if (db === undefined) throw notFound(wanted);
    return db;
  }
}
