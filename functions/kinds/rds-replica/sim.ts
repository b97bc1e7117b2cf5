import {
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  InvalidDBInstanceStateFault,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import {
  defineSimulatedKind,
  inputField,
  settingsFor,
  type CriticalPathItem,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { Plan } from '../../common/plan.js';
import type { DatabasePlan } from './definition.js';
import { lagObservableAt } from '../sim-lag.js';
import { lagProfileOf, lagProfileSchema, replicaLagSamples, type LagProfile } from './sim-lag.js';
import {
  DEFAULT_PROMOTION_SECONDS,
  promotionSchema,
  primaryIdOf,
  SimulatedRds,
  type DatabaseSnapshot,
  type PromotionBehaviour,
} from './sim-rds.js';

/**
 * The simulated AWS of RDS read replicas (engine/sim/kind-model.ts): each plan database's
 * cross-region replica and its source, the replicas' ReplicaLag metric, the scenario's `lag`
 * and `promotion` sections and the cloud snapshot's `databases`. Only the local engine imports
 * this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** ReplicaLag profiles by replica id (or `"*"`). */
    readonly lag?: Readonly<Record<string, LagProfile>>;
    /** How each replica (or `"*"`) behaves before and during promotion. */
    readonly promotion?: Readonly<Record<string, PromotionBehaviour>>;
    /**
     * Failback: ReplicaLag profiles of the home replicas failback creates in the primary region,
     * by the database's `primary` id (or `"*"`). @default 0 s throughout
     */
    readonly failbackLag?: Readonly<Record<string, LagProfile>>;
  }
  interface KindSnapshotSections {
    /** Every DB instance: the replicas in the recovery region and their sources. */
    readonly databases: readonly DatabaseSnapshot[];
  }
}

const dbNotFound =
  (member: string): FaultEffectFor =>
  (input) => ({
    error: {
      name: 'DBInstanceNotFoundFault',
      status: 404,
      message: `DBInstance ${inputField(member)(input)} not found.`,
    },
  });
const dbInvalidState: FaultEffectFor = (input) => ({
  error: {
    name: 'InvalidDBInstanceStateFault',
    status: 400,
    message: `DB instance ${inputField('DBInstanceIdentifier')(input)} is not in a valid state for this operation.`,
  },
});

/** The best case for one database: lag under its gate, promotable, promoted. */
function databaseReady(
  db: DatabasePlan,
  world: Pick<SimWorld, 'scenario'>,
  confirm: number,
): CriticalPathItem {
  const behaviour = settingsFor(world.scenario.promotion, db.replica) ?? {};
  const name = db.replica;
  if (behaviour.missing) return { name, readySeconds: null, why: 'replica missing' };
  if (behaviour.alreadyPromoted) return { name, readySeconds: confirm, why: 'already promoted' };
  if (behaviour.failWith !== undefined || behaviour.failAtSeconds !== undefined) {
    return { name, readySeconds: null, why: `promotion ends in ${behaviour.failWith ?? 'failed'}` };
  }
  const initial =
    behaviour.initialStatus ?? (behaviour.backingUpUntilSeconds !== undefined ? 'backing-up' : 'available');
  const promotableFrom = initial === 'available' ? 0 : behaviour.backingUpUntilSeconds;
  if (promotableFrom === undefined) return { name, readySeconds: null, why: `stays ${initial}` };
  let lagOk = lagObservableAt(lagProfileOf(world, name), db.maxLagSeconds);
  if (lagOk === null || lagOk > confirm + db.lagWaitSeconds) {
    if (db.onLagExceeded === 'abort')
      return { name, readySeconds: null, why: 'lag stays over the gate (abort)' };
    lagOk = Math.min(lagOk ?? Infinity, confirm + db.lagWaitSeconds);
  }
  const duration = behaviour.durationSeconds ?? DEFAULT_PROMOTION_SECONDS;
  const start = Math.max(confirm, promotableFrom, lagOk);
  return { name, readySeconds: start + duration, why: `promotable at ${start}s + ${duration}s promotion` };
}

const replicasOf = (plan: Plan): string[] => plan.databases.map((db) => db.replica);
const primariesOf = (plan: Plan): string[] => plan.databases.map((db) => primaryIdOf(db));

export const simulatedKind = defineSimulatedKind({
  id: 'rds-replica',
  services: {
    rds: {
      baseException: RDSServiceException,
      modeledErrors: {
        DBInstanceNotFoundFault,
        InvalidDBInstanceStateFault,
        DBInstanceAlreadyExistsFault,
        DBSnapshotAlreadyExistsFault,
        DBSnapshotNotFoundFault,
      },
      protocol: 'query',
      serverErrorName: 'InternalFailure',
      accessDeniedName: 'AccessDenied',
      iamPrefix: 'rds',
    },
  },
  operations: {
    rds: {
      DescribeDBInstances: { notFound: dbNotFound('DBInstanceIdentifier') },
      PromoteReadReplica: {
        mutating: true,
        notFound: dbNotFound('DBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
      CreateDBInstanceReadReplica: {
        mutating: true,
        notFound: dbNotFound('SourceDBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
      // The fence (issue 10): the old primary stopped after a final snapshot; started again by a failback.
      StopDBInstance: {
        mutating: true,
        notFound: dbNotFound('DBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
      // Failback (issue 10): renames and deletes, sim-rds-lifecycle.ts.
      ModifyDBInstance: {
        mutating: true,
        notFound: dbNotFound('DBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
      StartDBInstance: {
        mutating: true,
        notFound: dbNotFound('DBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
      DescribeDBSnapshots: {
        notFound: (input) => ({
          error: {
            name: 'DBSnapshotNotFoundFault',
            status: 404,
            message: `DBSnapshot ${inputField('DBSnapshotIdentifier')(input)} not found.`,
          },
        }),
      },
      DeleteDBInstance: {
        mutating: true,
        notFound: dbNotFound('DBInstanceIdentifier'),
        invalidState: dbInvalidState,
      },
    },
  },
  scenario: {
    lag: { entry: lagProfileSchema, names: replicasOf, what: 'replica' },
    promotion: { entry: promotionSchema, names: replicasOf, what: 'replica' },
    failbackLag: { entry: lagProfileSchema, names: primariesOf, what: 'primary' },
  },
  snapshotKey: 'databases',
  create: (world) => {
    const rds = new SimulatedRds(world);
    return {
      operations: { rds: rds.operations },
      snapshot: (now) => rds.snapshot(now),
      endState: (now) => [
        ...rds
          .snapshot(now)
          .map(
            (db) =>
              `database ${db.id} (${db.region}): ${db.status}, ${db.isReplica ? `read replica of ${db.source}` : 'standalone'}${db.endpoint ? `, ${db.endpoint}` : ''}${db.finalSnapshot !== null ? `, final snapshot ${db.finalSnapshot}` : ''}`,
          ),
        ...rds
          .snapshotViews(now)
          .map(
            (snapshot) =>
              `db snapshot ${snapshot.id} (${snapshot.region}) of ${snapshot.instanceId}: ${snapshot.status}`,
          ),
      ],
      // Before the failover, parameters point at the primaries.
      templateValues: () => ({
        databases: Object.fromEntries(
          world.plan.databases.map((db) => [
            db.id,
            { endpoint: rds.sourceAddress(db), port: '5432', instanceId: primaryIdOf(db) },
          ]),
        ),
      }),
      metricSamples: (query) => replicaLagSamples(world, rds, query),
    };
  },
  criticalPath: (world, confirm) => world.plan.databases.map((db) => databaseReady(db, world, confirm)),
});
