import {
  DBClusterNotFoundFault,
  GlobalClusterNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import {
  defineSimulatedKind,
  inputField,
  settingsFor,
  stateVerdict,
  type CriticalPathItem,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { Plan } from '../../common/plan.js';
import { lagObservableAt, lagProfileSchema, minuteLagSamples, type LagProfile } from '../sim-lag.js';
import { auroraGlobalKind, type AuroraGlobalClusterPlan } from './definition.js';
import {
  DEFAULT_GLOBAL_FAILOVER_SECONDS,
  globalFailoverSchema,
  SimulatedGlobalDatabases,
  type GlobalDatabaseSnapshot,
  type GlobalFailoverBehaviour,
} from './sim-global.js';

/**
 * The simulated AWS of Aurora global databases (engine/sim/kind-model.ts): each plan item's global
 * cluster (writer in the primary region, the recovery cluster a secondary), FailoverState over
 * virtual time, the secondaries' AuroraGlobalDBRPOLag, the scenario's `globalLag` and
 * `globalFailover` sections and the cloud snapshot's `globalDatabases`. It serves RDS operations
 * beside the rds-replica kind's (engine/sim/kinds.ts merges them). Only the local engine imports
 * this file.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** AuroraGlobalDBRPOLag profiles (in seconds) by recovery cluster id (or `"*"`). */
    readonly globalLag?: Readonly<Record<string, LagProfile>>;
    /** How each global database (by recovery cluster id, or `"*"`) behaves when it is failed over. */
    readonly globalFailover?: Readonly<Record<string, GlobalFailoverBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every global database: where its writer is, FailoverState, the calls made. */
    readonly globalDatabases: readonly GlobalDatabaseSnapshot[];
  }
}

/** AuroraGlobalDBRPOLag of a recovery cluster the scenario gives no profile, in seconds. */
const DEFAULT_RPO_LAG_SECONDS = 0.5;

const lagProfileOf = (world: Pick<SimWorld, 'scenario'>, cluster: string): LagProfile =>
  world.scenario.globalLag?.[cluster] ??
  world.scenario.globalLag?.['*'] ?? [{ atSeconds: 0, lagSeconds: DEFAULT_RPO_LAG_SECONDS }];

const globalNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'GlobalClusterNotFoundFault',
    status: 404,
    message: `Global cluster ${inputField('GlobalClusterIdentifier')(input)} not found.`,
  },
});
const globalInvalidState: FaultEffectFor = (input) => ({
  error: {
    name: 'InvalidGlobalClusterStateFault',
    status: 400,
    message: `Global cluster ${inputField('GlobalClusterIdentifier')(input)} is not in a valid state.`,
  },
});
const clusterNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'DBClusterNotFoundFault',
    status: 404,
    message: `DBCluster ${inputField('DBClusterIdentifier')(input)} not found.`,
  },
});

/** The best case for one global database: lag under its gate, pending, failing over. */
function globalReady(
  item: AuroraGlobalClusterPlan,
  world: Pick<SimWorld, 'scenario'>,
  confirm: number,
): CriticalPathItem {
  const behaviour = settingsFor(world.scenario.globalFailover, item.recoveryCluster) ?? {};
  const name = item.recoveryCluster;
  if (behaviour.missing || behaviour.detached) return { name, readySeconds: null, why: 'not a member' };
  if (behaviour.alreadyFailedOver) return { name, readySeconds: confirm, why: 'already the writer' };
  if (behaviour.refuseWith !== undefined) return { name, readySeconds: null, why: behaviour.refuseWith };
  let lagOk = lagObservableAt(lagProfileOf(world, name), item.maxLagSeconds);
  if (lagOk === null || lagOk > confirm + item.lagWaitSeconds) {
    if (item.onLagExceeded === 'abort')
      return { name, readySeconds: null, why: 'lag stays over the gate (abort)' };
    lagOk = confirm + item.lagWaitSeconds;
  }
  const duration = behaviour.durationSeconds ?? DEFAULT_GLOBAL_FAILOVER_SECONDS;
  const start = Math.max(confirm, lagOk);
  return { name, readySeconds: start + duration, why: `failed over at ${start}s + ${duration}s` };
}

const recoveryClustersOf = (plan: Plan): string[] =>
  plan.auroraGlobalClusters.map((item) => item.recoveryCluster);

export const simulatedKind = defineSimulatedKind({
  id: 'aurora-global',
  services: {
    rds: {
      baseException: RDSServiceException,
      modeledErrors: {
        GlobalClusterNotFoundFault,
        InvalidGlobalClusterStateFault,
        InvalidDBClusterStateFault,
        DBClusterNotFoundFault,
      },
      protocol: 'query',
      serverErrorName: 'InternalFailure',
      accessDeniedName: 'AccessDenied',
      iamPrefix: 'rds',
    },
  },
  operations: {
    rds: {
      DescribeGlobalClusters: { notFound: globalNotFound },
      DescribeDBClusters: { notFound: clusterNotFound },
      FailoverGlobalCluster: { mutating: true, notFound: globalNotFound, invalidState: globalInvalidState },
      SwitchoverGlobalCluster: { mutating: true, notFound: globalNotFound, invalidState: globalInvalidState },
    },
  },
  scenario: {
    globalLag: { entry: lagProfileSchema, names: recoveryClustersOf, what: 'recovery cluster' },
    globalFailover: { entry: globalFailoverSchema, names: recoveryClustersOf, what: 'recovery cluster' },
  },
  snapshotKey: 'globalDatabases',
  verdict: stateVerdict({
    items: (plan) => plan.auroraGlobalClusters,
    label: auroraGlobalKind.label,
    stateOf: (sections, item) =>
      (sections.globalDatabases as readonly GlobalDatabaseSnapshot[] | undefined)?.find(
        (global) => global.recoveryCluster === item.recoveryCluster,
      ),
    key: (global) => `${global.writer}/${global.calls.length}`,
    notFailedOver: (global) =>
      global.writer === global.recoveryCluster
        ? undefined
        : `the writer of ${global.globalCluster} is ${global.writer} in ${global.writerRegion}`,
  }),
  create: (world) => {
    const globals = new SimulatedGlobalDatabases(world);
    return {
      operations: { rds: globals.operations },
      snapshot: (now) => globals.snapshot(now),
      endState: (now) =>
        globals
          .snapshot(now)
          .map(
            (global) =>
              `global database ${global.globalCluster}/${global.recoveryCluster}: writer ${global.writer} in ${global.writerRegion}${global.failoverState ? ` (${global.failoverState})` : ''}`,
          ),
      // Before the failover, parameters point at the primary clusters' writer endpoints.
      templateValues: () => ({
        auroraGlobalClusters: Object.fromEntries(
          world.plan.auroraGlobalClusters.flatMap((item) => {
            const primary = globals.primaryEndpoint(item.recoveryCluster);
            return primary === undefined
              ? []
              : [[item.id, { writerEndpoint: primary.endpoint, port: '5432', clusterId: primary.clusterId }]];
          }),
        ),
      }),
      metricSamples: (query) => {
        const { namespace, metricName, dimensions } = query;
        if (namespace !== 'AWS/RDS' || metricName !== 'AuroraGlobalDBRPOLag') return undefined;
        const [dimension] = dimensions ?? [];
        if (
          dimensions?.length !== 1 ||
          dimension?.Name !== 'DBClusterIdentifier' ||
          dimension.Value === undefined
        )
          return [];
        const cluster = dimension.Value;
        // Published in milliseconds (Aurora user guide, cluster-level metrics).
        return minuteLagSamples(
          world,
          query,
          lagProfileOf(world, cluster),
          (at) => globals.replicatingAt(cluster, query.region, at),
          1000,
        );
      },
    };
  },
  templateOutputs: (plan, section) =>
    Object.fromEntries(
      plan.auroraGlobalClusters.flatMap((item) => {
        const global = (section as readonly GlobalDatabaseSnapshot[]).find(
          (candidate) => candidate.recoveryCluster === item.recoveryCluster,
        );
        return global !== undefined && global.writerRegion === plan.recoveryRegion
          ? [[item.id, { writerEndpoint: global.writerEndpoint, port: '5432', clusterId: global.writer }]]
          : [];
      }),
    ),
  criticalPath: (world, confirm) =>
    world.plan.auroraGlobalClusters.map((item) => globalReady(item, world, confirm)),
});
