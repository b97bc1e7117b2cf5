import type {
  DBInstance,
  DeleteDBInstanceCommandInput,
  DeleteDBInstanceCommandOutput,
  ModifyDBInstanceCommandInput,
  ModifyDBInstanceCommandOutput,
} from '@aws-sdk/client-rds';
import { base36Digest } from '../../../engine/sim/ids.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import type { DbInstanceRecord, DbView } from './sim-rds.js';

/**
 * The simulated RDS's instance lifecycle beyond promotion and stop/start (sim-rds-power.ts), for
 * failback (issue 10): ModifyDBInstance with NewDBInstanceIdentifier (a rename:
 * the instance answers under its new identifier at once, `renaming` for a minute; RDS refuses to
 * modify a stopped instance) and DeleteDBInstance with a final snapshot.
 *
 * The rules follow the RDS user guide: "Stopping an Amazon RDS DB instance temporarily" (a read
 * replica, or an instance that has one, cannot be stopped; a stopped instance cannot be modified)
 * and "Renaming a DB instance" (the endpoint changes with the identifier).
 */

export const RENAME_SECONDS = 60;

const invalidState = (message: string) => fail('InvalidDBInstanceStateFault', 400, message);
const notFound = (id: string) => fail('DBInstanceNotFoundFault', 404, `DBInstance ${id} not found.`);

/** The instance's view while a rename takes effect (stops and starts: sim-rds-power.ts). */
export function renamingView(db: DbInstanceRecord, now: number, base: DbView): DbView {
  return db.renamingUntil !== undefined && now < db.renamingUntil ? { ...base, status: 'renaming' } : base;
}

export class RdsLifecycle {
  public constructor(
    private readonly world: SimWorld,
    private readonly instances: DbInstanceRecord[],
    private readonly view: (db: DbInstanceRecord, now: number) => DbView,
    private readonly shape: (db: DbInstanceRecord, now: number) => DBInstance,
    /** Takes a manual snapshot (sim-rds-power.ts SimulatedSnapshots). @throws DBSnapshotAlreadyExists */
    private readonly takeSnapshot: (id: string, db: DbInstanceRecord, now: number) => void,
  ) {}

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
      this.takeSnapshot(required(input.FinalDBSnapshotIdentifier, 'finalDBSnapshotIdentifier'), db, call.now);
    const shape = this.shape(db, call.now);
    this.instances.splice(this.instances.indexOf(db), 1);
    return { DBInstance: { ...shape, DBInstanceStatus: 'deleting' } };
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
