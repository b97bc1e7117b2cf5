import type {
  CreateDBInstanceReadReplicaCommandInput,
  CreateDBInstanceReadReplicaCommandOutput,
  DBInstance,
  DeleteDBInstanceCommandInput,
  DescribeDBInstancesCommandInput,
  DescribeDBInstancesCommandOutput,
  DescribeDBSnapshotsCommandInput,
  ModifyDBInstanceCommandInput,
  PromoteReadReplicaCommandInput,
  PromoteReadReplicaCommandOutput,
  StartDBInstanceCommandInput,
  StartDBInstanceCommandOutput,
  StopDBInstanceCommandInput,
  StopDBInstanceCommandOutput,
} from '@aws-sdk/client-rds';
import { base36Digest } from '../../../engine/sim/ids.js';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { instanceShape, PORT } from './sim-rds-shape.js';
import type { PromotionBehaviour } from './sim-rds-scenario.js';
import type { DatabasePlan } from './definition.js';
import { powerStatus, SimulatedSnapshots, type DbSnapshotView, type PowerRecord } from './sim-rds-power.js';
import { renamingView, RdsLifecycle } from './sim-rds-lifecycle.js';
import {
  atScenarioSecond,
  longAgo,
  secondsToMs,
  type CallContext,
  type SimWorld,
} from '../../../engine/sim/world.js';

/**
 * RDS: for every plan database a cross-region read replica in the recovery region and its
 * source in the primary region. State is lazy: a promotion records when it was accepted and
 * every Describe computes the status from `Date.now()`.
 *
 * Promotion timeline (aws-fixtures: PromoteReadReplica returns while the instance is still
 * `modifying` and still names its source): `modifying` for the first 70 % of the duration with
 * replication still shown, then `rebooting` without a source, then a standalone `available`.
 */

export { DB_INSTANCE_STATUSES, promotionSchema, type PromotionBehaviour } from './sim-rds-scenario.js';

export const DEFAULT_PROMOTION_SECONDS = 300;
export const DEFAULT_REPLICA_CREATION_SECONDS = 600;
/** Share of the promotion spent `modifying` before the reboot. */
const MODIFYING_SHARE = 0.7;

export interface DbInstanceRecord extends PowerRecord {
  id: string;
  readonly region: string;
  arn: string;
  address: string;
  readonly hostedZoneId: string;
  readonly createdAt: Date;
  readonly multiAz: boolean;
  /** Source ARN while this is (or was, before promotion) a read replica. */
  readonly sourceArn: string | undefined;
  readonly behaviour: PromotionBehaviour;
  readonly creatingUntil: number | undefined;
  backupRetention: number;
  pendingBackupRetention: number | undefined;
  promotionStartedAt: number | undefined;
  /** Failback's lifecycle (sim-rds-lifecycle.ts): stop/start, a rename under way. */
  power?: { readonly state: 'stopping' | 'starting'; readonly at: number } | undefined;
  renamingUntil?: number | undefined;
}

export interface DbView {
  readonly status: string;
  /** The source while replication runs; undefined once standalone (or rebooting after promotion). */
  readonly source: string | undefined;
  readonly replicating: boolean;
  /** When the promoted instance became a standalone `available` one. */
  readonly promotedAt: number | undefined;
}

export interface DatabaseSnapshot {
  readonly id: string;
  readonly region: string;
  readonly status: string;
  readonly isReplica: boolean;
  readonly source: string | null;
  readonly endpoint: string;
  readonly port: number;
  readonly promotionStartedAt: string | null;
  readonly promotedAt: string | null;
  /** The manual snapshot the last StopDBInstance took (the fence's final snapshot). */
  readonly finalSnapshot: string | null;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
export const notFound = (id: string) => fail('DBInstanceNotFoundFault', 404, `DBInstance ${id} not found.`);

/** The source primary's id for a replica id when the plan does not name it: `shop-db-replica` → `shop-db`. */
export const sourceIdFor = (replica: string): string =>
  replica.endsWith('-replica') ? replica.slice(0, -'-replica'.length) : `${replica}-primary`;

/** The primary's id of a plan database: the plan's `primary`, else derived from the replica's id. */
export const primaryIdOf = (db: Pick<DatabasePlan, 'replica' | 'primary'>): string =>
  db.primary ?? sourceIdFor(db.replica);

export class SimulatedRds {
  private readonly instances: DbInstanceRecord[] = [];
  private readonly snapshots: SimulatedSnapshots;
  /** The snapshot each instance's last stop took, by ARN. */
  private readonly finalSnapshots = new Map<DbInstanceRecord, string>();
  /** Renames and deletes (failback, issue 10): sim-rds-lifecycle.ts. */
  private readonly lifecycle: RdsLifecycle;

  public constructor(
    private readonly world: SimWorld,
    private readonly replicaCreationSeconds = DEFAULT_REPLICA_CREATION_SECONDS,
  ) {
    const { plan, scenario } = world;
    this.snapshots = new SimulatedSnapshots(world.accountId);
    this.lifecycle = new RdsLifecycle(
      world,
      this.instances,
      (db, now) => this.view(db, now),
      (db, now) => this.shape(db, now),
      (id, db, now) => this.snapshots.take(id, db.id, db.region, now),
    );
    for (const db of plan.databases) {
      const source = this.addInstance(primaryIdOf(db), plan.primaryRegion, { multiAz: true });
      const behaviour = settingsFor(scenario.promotion, db.replica) ?? {};
      if (behaviour.missing) continue;
      this.addInstance(db.replica, plan.recoveryRegion, {
        sourceArn: behaviour.alreadyPromoted ? undefined : source.arn,
        behaviour,
      });
    }
  }

  public readonly operations = {
    DescribeDBInstances: (input: DescribeDBInstancesCommandInput, call: CallContext) =>
      this.describe(input, call),
    PromoteReadReplica: (input: PromoteReadReplicaCommandInput, call: CallContext) =>
      this.promote(input, call),
    CreateDBInstanceReadReplica: (input: CreateDBInstanceReadReplicaCommandInput, call: CallContext) =>
      this.createReplica(input, call),
    StopDBInstance: (input: StopDBInstanceCommandInput, call: CallContext) => this.stop(input, call),
    StartDBInstance: (input: StartDBInstanceCommandInput, call: CallContext) => this.start(input, call),
    DescribeDBSnapshots: (input: DescribeDBSnapshotsCommandInput, call: CallContext) =>
      this.snapshots.describe(input, call.region, call.now),
    ModifyDBInstance: (input: ModifyDBInstanceCommandInput, call: CallContext) =>
      this.lifecycle.modify(input, call),
    DeleteDBInstance: (input: DeleteDBInstanceCommandInput, call: CallContext) =>
      this.lifecycle.remove(input, call),
  };

  /** The final snapshots stops took, for the end state. */
  public snapshotViews(now: number): DbSnapshotView[] {
    return this.snapshots.snapshot(now);
  }

  /** The source primary's endpoint address for a plan database (what parameters point at before failover). */
  public sourceAddress(db: Pick<DatabasePlan, 'replica' | 'primary'>): string | undefined {
    const id = primaryIdOf(db);
    return this.instances.find((db) => db.id === id && db.region === this.world.plan.primaryRegion)?.address;
  }

  /** Whether `id` in `region` replicated (and so published ReplicaLag) at epoch ms `at`. */
  public replicatingAt(id: string, region: string, at: number): boolean {
    const db = this.find(region, id);
    if (db?.sourceArn === undefined || at < db.createdAt.getTime()) return false;
    if (db.creatingUntil !== undefined && at < db.creatingUntil) return false;
    return db.promotionStartedAt === undefined || at < db.promotionStartedAt;
  }

  public snapshot(now: number): DatabaseSnapshot[] {
    return this.instances.map((db) => {
      const view = this.view(db, now);
      return {
        id: db.id,
        region: db.region,
        status: view.status,
        isReplica: view.source !== undefined,
        source: view.source ?? null,
        endpoint: db.address,
        port: PORT,
        promotionStartedAt: iso(db.promotionStartedAt),
        promotedAt: iso(view.promotedAt),
        finalSnapshot: this.finalSnapshots.get(db) ?? null,
      };
    });
  }

  private describe(
    input: DescribeDBInstancesCommandInput,
    call: CallContext,
  ): Omit<DescribeDBInstancesCommandOutput, '$metadata'> {
    const wanted = input.DBInstanceIdentifier;
    if (wanted === undefined) {
      const all = this.instances.filter((db) => db.region === call.region);
      return { DBInstances: all.map((db) => this.shape(db, call.now)) };
    }
    const db = this.find(call.region, wanted);
    if (!db) throw notFound(wanted);
    return { DBInstances: [this.shape(db, call.now)] };
  }

  private promote(
    input: PromoteReadReplicaCommandInput,
    call: CallContext,
  ): Omit<PromoteReadReplicaCommandOutput, '$metadata'> {
    const db = this.named(input.DBInstanceIdentifier, call);
    const view = this.view(db, call.now);
    if (view.source === undefined) {
      throw fail('InvalidDBInstanceStateFault', 400, `DB Instance ${db.id} is not a read replica.`);
    }
    if (view.status !== 'available') {
      throw fail(
        'InvalidDBInstanceStateFault',
        400,
        `DB instance ${db.id} is not in the available state (${view.status}).`,
      );
    }
    db.promotionStartedAt = call.now;
    db.pendingBackupRetention = input.BackupRetentionPeriod;
    return { DBInstance: this.shape(db, call.now) };
  }

  private createReplica(
    input: CreateDBInstanceReadReplicaCommandInput,
    call: CallContext,
  ): Omit<CreateDBInstanceReadReplicaCommandOutput, '$metadata'> {
    const sourceRef = required(input.SourceDBInstanceIdentifier, 'sourceDBInstanceIdentifier');
    const replicaId = required(input.DBInstanceIdentifier, 'dBInstanceIdentifier');
    const source = sourceRef.startsWith('arn:')
      ? this.instances.find((db) => db.arn === sourceRef)
      : this.find(call.region, sourceRef);
    if (!source) throw notFound(sourceRef);
    const sourceStatus = this.view(source, call.now).status;
    if (sourceStatus !== 'available') {
      throw fail(
        'InvalidDBInstanceStateFault',
        400,
        `Source DB instance ${source.id} is ${sourceStatus}, not available.`,
      );
    }
    if (this.find(call.region, replicaId)) {
      throw fail('DBInstanceAlreadyExistsFault', 400, 'DB instance already exists');
    }
    const replica = this.addInstance(replicaId, call.region, {
      sourceArn: source.arn,
      behaviour: settingsFor(this.world.scenario.promotion, replicaId) ?? {},
      createdAt: new Date(call.now),
      creatingUntil: call.now + secondsToMs(this.replicaCreationSeconds),
      backupRetention: 0,
    });
    return { DBInstance: this.shape(replica, call.now) };
  }

  /**
   * StopDBInstance: a snapshot first when `DBSnapshotIdentifier` is given, then `stopping` →
   * `stopped`. Not for a read replica nor an instance that has one, nor one not `available`.
   */
  private stop(
    input: StopDBInstanceCommandInput,
    call: CallContext,
  ): Omit<StopDBInstanceCommandOutput, '$metadata'> {
    const db = this.named(input.DBInstanceIdentifier, call);
    const view = this.view(db, call.now);
    const hasReplica = this.instances.some(
      (other) => other.sourceArn === db.arn && this.view(other, call.now).source !== undefined,
    );
    if (view.source !== undefined || hasReplica)
      throw fail(
        'InvalidDBInstanceStateFault',
        400,
        `DB instance ${db.id} ${hasReplica ? 'has a read replica' : 'is a read replica'} and cannot be stopped.`,
      );
    if (view.status !== 'available')
      throw fail(
        'InvalidDBInstanceStateFault',
        400,
        `DB instance ${db.id} is not in available state (${view.status}).`,
      );
    if (input.DBSnapshotIdentifier !== undefined) {
      this.snapshots.take(input.DBSnapshotIdentifier, db.id, db.region, call.now);
      this.finalSnapshots.set(db, input.DBSnapshotIdentifier);
    }
    db.stopRequestedAt = call.now;
    return { DBInstance: this.shape(db, call.now) };
  }

  /** StartDBInstance: only a `stopped` instance; `starting` → `available`. */
  private start(
    input: StartDBInstanceCommandInput,
    call: CallContext,
  ): Omit<StartDBInstanceCommandOutput, '$metadata'> {
    const db = this.named(input.DBInstanceIdentifier, call);
    const status = this.view(db, call.now).status;
    if (status !== 'stopped')
      throw fail('InvalidDBInstanceStateFault', 400, `DB instance ${db.id} is not stopped (${status}).`);
    db.startRequestedAt = call.now;
    return { DBInstance: this.shape(db, call.now) };
  }

  /** The instance a call names. @throws DBInstanceNotFoundFault */
  private named(id: string | undefined, call: CallContext): DbInstanceRecord {
    const wanted = required(id, 'dBInstanceIdentifier');
    const db = this.find(call.region, wanted);
    if (!db) throw notFound(wanted);
    return db;
  }

  private find(region: string, idOrArn: string | undefined): DbInstanceRecord | undefined {
    return this.instances.find((db) => db.region === region && (db.id === idOrArn || db.arn === idOrArn));
  }

  private addInstance(
    id: string,
    region: string,
    options: {
      sourceArn?: string;
      behaviour?: PromotionBehaviour;
      multiAz?: boolean;
      createdAt?: Date;
      creatingUntil?: number;
      backupRetention?: number;
    },
  ): DbInstanceRecord {
    const { accountId } = this.world;
    const record: DbInstanceRecord = {
      id,
      region,
      arn: `arn:aws:rds:${region}:${accountId}:db:${id}`,
      address: `${id}.${base36Digest(`${accountId}:${region}`, 12)}.${region}.rds.amazonaws.com`,
      hostedZoneId: `Z${base36Digest(`zone:${region}`, 13).toUpperCase()}`,
      createdAt: options.createdAt ?? longAgo(this.world, 90),
      multiAz: options.multiAz ?? false,
      sourceArn: options.sourceArn,
      behaviour: options.behaviour ?? {},
      creatingUntil: options.creatingUntil,
      backupRetention: options.backupRetention ?? 7,
      pendingBackupRetention: undefined,
      promotionStartedAt: undefined,
      stopRequestedAt: undefined,
      startRequestedAt: undefined,
    };
    this.instances.push(record);
    return record;
  }

  /** The instance's state at `now`: its replication and promotion, then any stop or start over it. */
  private view(db: DbInstanceRecord, now: number): DbView {
    const view = renamingView(db, now, this.replicationView(db, now));
    const power = powerStatus(db, now);
    return power === undefined ? view : { ...view, status: power, replicating: false };
  }

  /** The instance's state at `now`, derived from the scenario and the promotion start. */
  private replicationView(db: DbInstanceRecord, now: number): DbView {
    if (db.sourceArn === undefined) {
      return { status: 'available', source: undefined, replicating: false, promotedAt: undefined };
    }
    const behaviour = db.behaviour;
    if (db.promotionStartedAt !== undefined) {
      const durationMs = secondsToMs(behaviour.durationSeconds ?? DEFAULT_PROMOTION_SECONDS);
      const failsAfterMs =
        behaviour.failAtSeconds !== undefined
          ? secondsToMs(behaviour.failAtSeconds)
          : behaviour.failWith !== undefined
            ? durationMs
            : undefined;
      const elapsed = now - db.promotionStartedAt;
      const stillReplicating = Math.min(elapsed, failsAfterMs ?? Infinity) < durationMs * MODIFYING_SHARE;
      const source = stillReplicating ? db.sourceArn : undefined;
      if (failsAfterMs !== undefined && elapsed >= failsAfterMs) {
        return { status: behaviour.failWith ?? 'failed', source, replicating: false, promotedAt: undefined };
      }
      if (elapsed < durationMs * MODIFYING_SHARE) {
        return { status: 'modifying', source, replicating: true, promotedAt: undefined };
      }
      if (elapsed < durationMs)
        return { status: 'rebooting', source, replicating: false, promotedAt: undefined };
      return {
        status: 'available',
        source,
        replicating: false,
        promotedAt: db.promotionStartedAt + durationMs,
      };
    }
    if (db.creatingUntil !== undefined && now < db.creatingUntil) {
      return { status: 'creating', source: db.sourceArn, replicating: false, promotedAt: undefined };
    }
    const initialStatus =
      behaviour.initialStatus ?? (behaviour.backingUpUntilSeconds !== undefined ? 'backing-up' : 'available');
    const until = behaviour.backingUpUntilSeconds;
    const status =
      until === undefined || now < atScenarioSecond(this.world, until) ? initialStatus : 'available';
    return { status, source: db.sourceArn, replicating: true, promotedAt: undefined };
  }

  /** The SDK `DBInstance` shape (sim-rds-shape.ts). */
  private shape(db: DbInstanceRecord, now: number): DBInstance {
    const replicas = this.instances
      .filter((other) => other.sourceArn === db.arn && this.view(other, now).source !== undefined)
      .map((other) => other.arn);
    return instanceShape(db, this.view(db, now), replicas);
  }
}
