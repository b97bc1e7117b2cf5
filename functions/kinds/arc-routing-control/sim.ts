import {
  AccessDeniedException,
  ConflictException,
  EndpointTemporarilyUnavailableException,
  InternalServerException,
  ResourceNotFoundException,
  Route53RecoveryClusterServiceException,
  ServiceLimitExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-route53-recovery-cluster';
import {
  defineSimulatedKind,
  settingsFor,
  stateVerdict,
  type ModeledErrorClass,
} from '../../../engine/sim/kind-model.js';
import { controlName } from './definition.js';
import {
  controlSetBehaviourSchema,
  SimulatedArcCluster,
  type ControlSetBehaviour,
  type ControlSetSnapshot,
} from './sim-cluster.js';

/**
 * The simulated AWS of ARC routing controls (engine/sim/kind-model.ts): the cluster's data plane
 * (GetRoutingControlState, UpdateRoutingControlStates) on the plan's endpoints, the scenario's
 * `routingControls` section and the cloud snapshot's `routingControls`. Only the local engine
 * imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each routing control set's cluster (by set id, or `"*"`) behaves. */
    readonly routingControls?: Readonly<Record<string, ControlSetBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every routing control set: each control's state. */
    readonly routingControls: readonly ControlSetSnapshot[];
  }
}

const notFound = (input: Readonly<Record<string, unknown>>) => ({
  error: {
    name: 'ResourceNotFoundException',
    status: 404,
    message: 'Routing control not found',
    details: { resourceId: String(input.RoutingControlArn ?? ''), resourceType: 'RoutingControl' },
  },
});

export const simulatedKind = defineSimulatedKind({
  id: 'arc-routing-control',
  services: {
    'route53-recovery-cluster': {
      baseException: Route53RecoveryClusterServiceException,
      modeledErrors: {
        AccessDeniedException,
        // Their required members (resourceId, resourceType; limitCode, serviceCode) come with the
        // simulated failure's details.
        ConflictException: ConflictException as unknown as ModeledErrorClass,
        EndpointTemporarilyUnavailableException,
        InternalServerException,
        ResourceNotFoundException: ResourceNotFoundException as unknown as ModeledErrorClass,
        ServiceLimitExceededException: ServiceLimitExceededException as unknown as ModeledErrorClass,
        ThrottlingException,
        ValidationException,
      },
      protocol: 'json',
      serverErrorName: 'InternalServerException',
      accessDeniedName: 'AccessDeniedException',
      iamPrefix: 'route53-recovery-cluster',
    },
  },
  operations: {
    'route53-recovery-cluster': {
      GetRoutingControlState: { notFound },
      // The only call that moves traffic.
      UpdateRoutingControlStates: { mutating: true, notFound },
    },
  },
  scenario: {
    routingControls: {
      entry: controlSetBehaviourSchema,
      names: (plan) => plan.routingControls.map((item) => item.id),
      what: 'routing control set',
    },
  },
  snapshotKey: 'routingControls',
  verdict: stateVerdict({
    items: (plan) => plan.routingControls,
    label: (item) => item.id,
    stateOf: (sections, item) =>
      (sections.routingControls as readonly ControlSetSnapshot[] | undefined)?.find(
        (set) => set.id === item.id,
      ),
    key: (set) => set.controls.map((control) => control.state).join(','),
    notFailedOver: (set) =>
      set.switched
        ? undefined
        : `routing controls ${set.id} not switched (${set.controls.map((control) => `${controlName(control.arn)} ${control.state}`).join(', ')})`,
  }),
  create: (world) => {
    const cluster = new SimulatedArcCluster(world);
    return {
      operations: { 'route53-recovery-cluster': cluster.operations },
      snapshot: (now) => cluster.snapshot(now),
      endState: (now) =>
        cluster
          .snapshot(now)
          .map(
            (set) =>
              `ARC routing controls ${set.id}: ${set.controls.map((control) => `${controlName(control.arn)} ${control.state}`).join(', ')}: ` +
              `${set.switched ? 'traffic on the recovery cells' : 'traffic on the primary cells'} (${set.updates} update${set.updates === 1 ? '' : 's'})`,
          ),
    };
  },
  // A Route kind (engine/sim/critical-path.ts counts it after the Recover phase): one update,
  // then Route 53's delay.
  criticalPath: (world, confirm) =>
    world.plan.routingControls.map((item) => {
      const behaviour = settingsFor(world.scenario.routingControls, item.id) ?? {};
      if (behaviour.missing) return { name: item.id, readySeconds: null, why: 'routing controls missing' };
      const down = new Set(behaviour.unavailableEndpoints ?? []);
      if (item.clusterEndpoints.every((endpoint) => down.has(endpoint.region)))
        return { name: item.id, readySeconds: null, why: 'no cluster endpoint available' };
      if (behaviour.initialState === 'switched')
        return { name: item.id, readySeconds: confirm, why: 'already switched' };
      if (behaviour.safetyRuleRefuses && item.safetyRulesToOverride.length === 0)
        return { name: item.id, readySeconds: null, why: 'a safety rule refuses the change' };
      return {
        name: item.id,
        readySeconds: confirm + item.healthCheckDelaySeconds,
        why: `${item.healthCheckDelaySeconds}s Route 53 health check delay`,
      };
    }),
});
