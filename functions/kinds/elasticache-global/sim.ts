import {
  ElastiCacheServiceException,
  GlobalReplicationGroupNotFoundFault,
  InvalidGlobalReplicationGroupStateFault,
  InvalidParameterValueException,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import {
  defineSimulatedKind,
  inputField,
  settingsFor,
  stateVerdict,
  type CriticalPathItem,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import { lagObservableAt } from '../sim-lag.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { Plan } from '../../common/plan.js';
import type { GlobalDatastorePlan } from './definition.js';
import {
  datastoreBehaviourSchema,
  DEFAULT_FAILOVER_SECONDS,
  lagProfileFor,
  SimulatedGlobalDatastores,
  type DatastoreBehaviour,
  type GlobalDatastoreSnapshot,
} from './sim-global-datastores.js';

/**
 * The simulated AWS of ElastiCache Global Datastores (engine/sim/kind-model.ts): each plan
 * datastore with its primary and recovery groups, the recovery group's lag metric, the scenario's
 * `globalDatastores` section and the cloud snapshot's `globalDatastores`. Only the local engine
 * imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each Global Datastore (by id, or `"*"`) behaves: lag, status, refusals, failover time. */
    readonly globalDatastores?: Readonly<Record<string, DatastoreBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every Global Datastore: its status, members and roles, and when it failed over. */
    readonly globalDatastores: readonly GlobalDatastoreSnapshot[];
  }
}

const datastoreNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'GlobalReplicationGroupNotFoundFault',
    status: 404,
    message: `GlobalReplicationGroup ${inputField('GlobalReplicationGroupId')(input)} not found.`,
  },
});
const invalidState: FaultEffectFor = (input) => ({
  error: {
    name: 'InvalidGlobalReplicationGroupStateFault',
    status: 400,
    message: `Global datastore ${inputField('GlobalReplicationGroupId')(input)}: the Global datastore is not available or in primary-only state.`,
  },
});

/** The best case for one datastore: through the gate, failed over, available. */
function datastoreReady(
  datastore: GlobalDatastorePlan,
  world: Pick<SimWorld, 'scenario'>,
  confirm: number,
): CriticalPathItem {
  const behaviour = settingsFor(world.scenario.globalDatastores, datastore.globalReplicationGroupId) ?? {};
  const name = datastore.globalReplicationGroupId;
  if (behaviour.missing || behaviour.notMember) return { name, readySeconds: null, why: 'not a member' };
  if (behaviour.alreadyFailedOver) return { name, readySeconds: confirm, why: 'already failed over' };
  if (behaviour.refuseFailover) return { name, readySeconds: null, why: 'ElastiCache refuses the failover' };
  const availableFrom =
    (behaviour.status ?? 'available') === 'available' ? 0 : (behaviour.statusUntilSeconds ?? null);
  if (availableFrom === null || availableFrom > confirm + datastore.lagWaitSeconds)
    return { name, readySeconds: null, why: `stays ${behaviour.status}` };
  let lagOk = lagObservableAt(lagProfileFor(behaviour), datastore.maxLagSeconds);
  if (lagOk === null || lagOk > confirm + datastore.lagWaitSeconds) {
    if (datastore.onLagExceeded === 'abort')
      return { name, readySeconds: null, why: 'lag stays over the gate (abort)' };
    lagOk = Math.min(lagOk ?? Infinity, confirm + datastore.lagWaitSeconds);
  }
  const duration = behaviour.durationSeconds ?? DEFAULT_FAILOVER_SECONDS;
  const start = Math.max(confirm, availableFrom, lagOk);
  return { name, readySeconds: start + duration, why: `can fail over at ${start}s + ${duration}s failover` };
}

const datastoresOf = (plan: Plan): string[] =>
  plan.globalDatastores.map((datastore) => datastore.globalReplicationGroupId);

export const simulatedKind = defineSimulatedKind({
  id: 'elasticache-global',
  services: {
    elasticache: {
      baseException: ElastiCacheServiceException,
      modeledErrors: {
        GlobalReplicationGroupNotFoundFault,
        InvalidGlobalReplicationGroupStateFault,
        InvalidParameterValueException,
        ReplicationGroupNotFoundFault,
      },
      protocol: 'query',
      serverErrorName: 'InternalFailure',
      accessDeniedName: 'AccessDenied',
      iamPrefix: 'elasticache',
    },
  },
  operations: {
    elasticache: {
      DescribeGlobalReplicationGroups: { notFound: datastoreNotFound },
      DescribeReplicationGroups: {
        notFound: (input) => ({
          error: {
            name: 'ReplicationGroupNotFoundFault',
            status: 404,
            message: `ReplicationGroup ${inputField('ReplicationGroupId')(input)} not found.`,
          },
        }),
      },
      FailoverGlobalReplicationGroup: { mutating: true, notFound: datastoreNotFound, invalidState },
    },
  },
  scenario: {
    globalDatastores: { entry: datastoreBehaviourSchema, names: datastoresOf, what: 'global datastore' },
  },
  snapshotKey: 'globalDatastores',
  verdict: stateVerdict({
    items: (plan) => plan.globalDatastores,
    label: (datastore) => datastore.globalReplicationGroupId,
    stateOf: (sections, item) =>
      (sections.globalDatastores as readonly GlobalDatastoreSnapshot[] | undefined)?.find(
        (datastore) => datastore.id === item.globalReplicationGroupId,
      ),
    key: (datastore) => `${datastore.primary.region}/${datastore.failoverStartedAt ?? ''}`,
    notFailedOver: (datastore, item) =>
      datastore.primary.replicationGroupId === item.replicationGroup && datastore.status === 'available'
        ? undefined
        : `the primary of ${datastore.id} is ${datastore.primary.replicationGroupId} in ${datastore.primary.region} (${datastore.status})`,
  }),
  create: (world) => {
    const model = new SimulatedGlobalDatastores(world);
    return {
      operations: { elasticache: model.operations },
      snapshot: (now) => model.snapshot(now),
      endState: (now) =>
        model
          .snapshot(now)
          .map(
            (datastore) =>
              `global datastore ${datastore.id}: ${datastore.status}, primary ${datastore.primary.replicationGroupId} in ${datastore.primary.region}${datastore.failedOverAt === null ? '' : `, failed over at ${datastore.failedOverAt}`}`,
          ),
      templateValues: () => ({ globalDatastores: model.templateValues() }),
      metricSamples: (query) => model.lagSamples(query),
    };
  },
  // Parameters name a datastore once the cloud shows its recovery group the primary of an available datastore.
  templateOutputs: (plan, section) => {
    const datastores = (section ?? []) as readonly GlobalDatastoreSnapshot[];
    return Object.fromEntries(
      plan.globalDatastores.flatMap((datastore) => {
        const found = datastores.find((candidate) => candidate.id === datastore.globalReplicationGroupId);
        const failedOver =
          found?.status === 'available' &&
          found.primary.replicationGroupId === datastore.replicationGroup &&
          found.primary.region === plan.recoveryRegion;
        return failedOver
          ? [
              [
                datastore.id,
                {
                  endpoint: found.recoveryEndpoint,
                  port: String(found.port),
                  replicationGroupId: datastore.replicationGroup,
                },
              ],
            ]
          : [];
      }),
    );
  },
  criticalPath: (world, confirm) =>
    world.plan.globalDatastores.map((datastore) => datastoreReady(datastore, world, confirm)),
});
