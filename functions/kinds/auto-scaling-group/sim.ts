import {
  AutoScalingServiceException,
  ResourceContentionFault,
  ScalingActivityInProgressFault,
} from '@aws-sdk/client-auto-scaling';
import {
  defineSimulatedKind,
  inputField,
  settingsFor,
  type CriticalPathItem,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { ScalingGroupPlan } from './definition.js';
import {
  DEFAULT_INSTANCE_START_SECONDS,
  groupSchema,
  SimulatedAutoScaling,
  type GroupBehaviour,
  type GroupSnapshot,
} from './sim-groups.js';

/**
 * The simulated AWS of Auto Scaling groups (engine/sim/kind-model.ts): each plan group at
 * pilot-light size in the recovery region, the scenario's `groups` section and the cloud
 * snapshot's `groups`. Only the local engine imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each group (or `"*"`) behaves when scaled. */
    readonly groups?: Readonly<Record<string, GroupBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every group in the recovery region, with its instance counts. */
    readonly groups: readonly GroupSnapshot[];
  }
}

const groupNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'ValidationError',
    status: 400,
    message: `AutoScalingGroup name not found - AutoScalingGroup ${inputField('AutoScalingGroupName')(input)} not found`,
  },
});
const scalingInProgress: FaultEffectFor = () => ({
  error: {
    name: 'ScalingActivityInProgressFault',
    status: 400,
    message: "The operation can't be performed because there are scaling activities in progress.",
  },
});

/**
 * The best case for one group: enough instances InService after one start. A prewarmed group
 * starts when the run does (plan `prewarm`), the others once the confirm window is over; either
 * way the failover is not done before the window is.
 */
function groupReady(
  group: ScalingGroupPlan,
  world: Pick<SimWorld, 'scenario' | 'plan'>,
  confirm: number,
): CriticalPathItem {
  const behaviour = settingsFor(world.scenario.groups, group.name) ?? {};
  const name = group.name;
  if (behaviour.missing) return { name, readySeconds: null, why: 'group missing' };
  const required = Math.ceil((group.desired * group.minHealthyPercent) / 100);
  if ((behaviour.maxAchievableInService ?? Infinity) < required) {
    return {
      name,
      readySeconds: null,
      why: `at most ${behaviour.maxAchievableInService} InService of ${required}`,
    };
  }
  // The pilot-light group already has one InService instance.
  if (required <= 1) return { name, readySeconds: confirm, why: 'pilot light suffices' };
  const start = behaviour.instanceStartSeconds ?? DEFAULT_INSTANCE_START_SECONDS;
  if (world.plan.prewarm)
    return { name, readySeconds: Math.max(confirm, start), why: `${start}s instance start, prewarmed` };
  return { name, readySeconds: confirm + start, why: `${start}s instance start` };
}

export const simulatedKind = defineSimulatedKind({
  id: 'auto-scaling-group',
  services: {
    autoscaling: {
      baseException: AutoScalingServiceException,
      modeledErrors: { ScalingActivityInProgressFault, ResourceContentionFault },
      protocol: 'query',
      serverErrorName: 'InternalFailure',
      accessDeniedName: 'AccessDenied',
      iamPrefix: 'autoscaling',
    },
  },
  operations: {
    autoscaling: {
      // Unknown names are simply absent from the answer: DescribeAutoScalingGroups never says "not found".
      DescribeAutoScalingGroups: {
        notFound: () => ({ absent: true }),
        // ResourceContention is HTTP 500: the SDK (and so the simulated transport) retries it.
        invalidState: () => ({
          error: {
            name: 'ResourceContentionFault',
            status: 500,
            message:
              'You already have a pending update to an Amazon EC2 Auto Scaling resource (for example, an Auto Scaling group, instance, or load balancer).',
          },
        }),
      },
      UpdateAutoScalingGroup: { mutating: true, notFound: groupNotFound, invalidState: scalingInProgress },
      SetDesiredCapacity: { mutating: true, notFound: groupNotFound, invalidState: scalingInProgress },
    },
  },
  scenario: {
    groups: {
      entry: groupSchema,
      names: (plan) => plan.scalingGroups.map((group) => group.name),
      what: 'scaling group',
    },
  },
  snapshotKey: 'groups',
  create: (world) => {
    const autoScaling = new SimulatedAutoScaling(world);
    return {
      operations: { autoscaling: autoScaling.operations },
      snapshot: (now) => autoScaling.snapshot(now),
      endState: (now) =>
        autoScaling
          .snapshot(now)
          .map(
            (group) =>
              `group ${group.name} (${group.region}): min ${group.min} desired ${group.desired} max ${group.max}, ${group.inService} InService, ${group.pending} Pending`,
          ),
    };
  },
  criticalPath: (world, confirm) =>
    world.plan.scalingGroups.map((group) => groupReady(group, world, confirm)),
});
