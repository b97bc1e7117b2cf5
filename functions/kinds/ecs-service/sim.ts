import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  ECSServiceException,
  InvalidParameterException,
  ServerException,
  ServiceNotActiveException,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import {
  defineSimulatedKind,
  settingsFor,
  stateVerdict,
  type CriticalPathItem,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import { serviceLabel, type EcsServicePlan } from './definition.js';
import {
  DEFAULT_TASK_START_SECONDS,
  serviceBehaviourSchema,
  SimulatedEcs,
  type EcsServiceSnapshot,
  type ServiceBehaviour,
} from './sim-ecs.js';

/**
 * The simulated AWS of ECS services (engine/sim/kind-model.ts): each plan service at pilot-light
 * size in the recovery region, the scenario's `ecs` section and the cloud snapshot's
 * `ecsServices`. Only the local engine imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each ECS service (`cluster/service`, or `"*"`) behaves when scaled. */
    readonly ecs?: Readonly<Record<string, ServiceBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every ECS service in the recovery region, with its task counts. */
    readonly ecsServices: readonly EcsServiceSnapshot[];
  }
}

const serviceNotFound: FaultEffectFor = () => ({
  error: { name: 'ServiceNotFoundException', status: 400, message: 'Service not found.' },
});
const serviceNotActive: FaultEffectFor = () => ({
  error: { name: 'ServiceNotActiveException', status: 400, message: 'Service was not ACTIVE.' },
});

/** The best case for one service: the plan's tasks RUNNING after one raise. */
function serviceReady(
  item: EcsServicePlan,
  world: Pick<SimWorld, 'scenario'>,
  confirm: number,
): CriticalPathItem {
  const name = serviceLabel(item);
  const behaviour = settingsFor(world.scenario.ecs, name) ?? {};
  if (behaviour.missing || behaviour.draining) return { name, readySeconds: null, why: 'service not ACTIVE' };
  if (behaviour.tasksFailToStart) return { name, readySeconds: null, why: 'tasks stop before RUNNING' };
  if ((behaviour.maxPlacedTasks ?? Infinity) < item.desiredCount)
    return {
      name,
      readySeconds: null,
      why: `at most ${behaviour.maxPlacedTasks} tasks placed of ${item.desiredCount}`,
    };
  if ((behaviour.initialDesired ?? 1) >= item.desiredCount)
    return { name, readySeconds: confirm, why: 'already running the plan count' };
  const start = behaviour.taskStartSeconds ?? DEFAULT_TASK_START_SECONDS;
  return { name, readySeconds: confirm + start, why: `${start}s task start` };
}

export const simulatedKind = defineSimulatedKind({
  id: 'ecs-service',
  services: {
    ecs: {
      baseException: ECSServiceException,
      modeledErrors: {
        AccessDeniedException,
        ClientException,
        ClusterNotFoundException,
        InvalidParameterException,
        ServerException,
        ServiceNotActiveException,
        ServiceNotFoundException,
      },
      protocol: 'json',
      serverErrorName: 'ServerException',
      accessDeniedName: 'AccessDeniedException',
      iamPrefix: 'ecs',
    },
  },
  operations: {
    ecs: {
      // A missing service is not an error to DescribeServices: it comes back in `failures` (MISSING).
      DescribeServices: { notFound: () => ({ absent: true }) },
      UpdateService: { mutating: true, notFound: serviceNotFound, invalidState: serviceNotActive },
    },
  },
  scenario: {
    ecs: {
      entry: serviceBehaviourSchema,
      names: (plan) => plan.ecsServices.map(serviceLabel),
      what: 'ECS service',
    },
  },
  snapshotKey: 'ecsServices',
  verdict: stateVerdict({
    items: (plan) => plan.ecsServices,
    label: serviceLabel,
    stateOf: (sections, item) =>
      (sections.ecsServices as readonly EcsServiceSnapshot[] | undefined)?.find(
        (service) => service.service === serviceLabel(item),
      ),
    key: (service) => String(service.desired),
    notFailedOver: (service, item) =>
      service.desired >= item.desiredCount && service.running >= item.desiredCount
        ? undefined
        : `${service.service} has ${service.running} of ${item.desiredCount} tasks running (desired ${service.desired})`,
  }),
  create: (world) => {
    const ecs = new SimulatedEcs(world);
    return {
      operations: { ecs: ecs.operations },
      snapshot: (now) => ecs.snapshot(now),
      endState: (now) =>
        ecs
          .snapshot(now)
          .map(
            (service) =>
              `ECS service ${service.service} (${service.region}): ${service.status}, desired ${service.desired}, ${service.running} running, ${service.pending} pending`,
          ),
    };
  },
  criticalPath: (world, confirm) => world.plan.ecsServices.map((item) => serviceReady(item, world, confirm)),
});
