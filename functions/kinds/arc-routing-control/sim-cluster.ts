import type {
  GetRoutingControlStateCommandInput,
  GetRoutingControlStateCommandOutput,
  UpdateRoutingControlStatesCommandInput,
  UpdateRoutingControlStatesCommandOutput,
} from '@aws-sdk/client-route53-recovery-cluster';
import * as z from 'zod';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import type { CallContext, SimWorld } from '../../../engine/sim/world.js';
import { targetStates, type ArcRoutingControlPlan, type ControlState } from './definition.js';

/**
 * A simulated ARC cluster: the plan's routing controls with their states (a log of accepted
 * updates over virtual time), the endpoints each set's cluster answers on, and a safety rule.
 * The default rule is ARC's typical assertion rule, "at least one of the set's controls On" (an
 * assertion rule keeps traffic flowing to at least one cell); a scenario may make a rule refuse
 * every change. ARC applies an accepted update at once. The refusal's wording is the simulation's:
 * ARC's own message is not documented.
 */

export const controlSetBehaviourSchema = z.strictObject({
  /** Regions of the set's cluster endpoints that answer EndpointTemporarilyUnavailableException. */
  unavailableEndpoints: z.array(z.string().min(1)).optional(),
  /** `switched`: the controls already hold their failover states. @default pre-failover */
  initialState: z.enum(['pre-failover', 'switched']).optional(),
  /** The controls do not exist in the cluster (ResourceNotFoundException). */
  missing: z.boolean().optional(),
  /** A safety rule refuses the change (ConflictException) unless the request overrides a rule. */
  safetyRuleRefuses: z.boolean().optional(),
});
export type ControlSetBehaviour = z.output<typeof controlSetBehaviourSchema>;

export interface ControlSetSnapshot {
  readonly id: string;
  readonly controls: readonly { readonly arn: string; readonly state: ControlState | 'missing' }[];
  /** Every recovery control On and every primary control Off. */
  readonly switched: boolean;
  /** Accepted UpdateRoutingControlStates calls. */
  readonly updates: number;
}

interface Update {
  readonly at: number;
  readonly states: ReadonlyMap<string, ControlState>;
}

interface ControlSet {
  readonly item: ArcRoutingControlPlan;
  readonly behaviour: ControlSetBehaviour;
}

export class SimulatedArcCluster {
  private readonly sets: ControlSet[];
  private readonly updates: Update[] = [];

  public constructor(private readonly world: SimWorld) {
    this.sets = world.plan.routingControls.map((item) => ({
      item,
      behaviour: settingsFor(world.scenario.routingControls, item.id) ?? {},
    }));
  }

  public readonly operations = {
    GetRoutingControlState: (input: GetRoutingControlStateCommandInput, call: CallContext) =>
      this.getState(input, call),
    UpdateRoutingControlStates: (input: UpdateRoutingControlStatesCommandInput, call: CallContext) =>
      this.updateStates(input, call),
  };

  public snapshot(now: number): ControlSetSnapshot[] {
    return this.sets.map(({ item, behaviour }) => {
      const targets = targetStates(item, 'failover');
      const controls = targets.map(({ arn }) => ({
        arn,
        state: behaviour.missing ? ('missing' as const) : this.stateAt(arn, now),
      }));
      return {
        id: item.id,
        controls,
        switched: targets.every((target, i) => controls[i]?.state === target.state),
        updates: this.updates.filter(
          (update) => update.at <= now && targets.some(({ arn }) => update.states.has(arn)),
        ).length,
      };
    });
  }

  private setOf(arn: string): ControlSet | undefined {
    return this.sets.find(({ item }) => item.on.includes(arn) || item.off.includes(arn));
  }

  private initialState(arn: string): ControlState {
    const set = this.setOf(arn);
    if (set === undefined) return 'Off';
    const direction = set.behaviour.initialState === 'switched' ? 'failover' : 'failback';
    return targetStates(set.item, direction).find((target) => target.arn === arn)?.state ?? 'Off';
  }

  private stateAt(arn: string, now: number): ControlState {
    let state = this.initialState(arn);
    for (const update of this.updates) if (update.at <= now) state = update.states.get(arn) ?? state;
    return state;
  }

  /** The set owning `arn`, after the endpoint's and the control's own checks. */
  private answering(arn: string, call: CallContext): ControlSet {
    const set = this.setOf(arn);
    if (set?.behaviour.unavailableEndpoints?.includes(call.region))
      throw fail(
        'EndpointTemporarilyUnavailableException',
        503,
        "The cluster endpoint isn't available. Try another cluster endpoint.",
      );
    if (set === undefined || set.behaviour.missing || call.absent)
      throw fail('ResourceNotFoundException', 404, `Routing control ${arn} not found`, {
        resourceId: arn,
        resourceType: 'RoutingControl',
      });
    return set;
  }

  private getState(
    input: GetRoutingControlStateCommandInput,
    call: CallContext,
  ): Omit<GetRoutingControlStateCommandOutput, '$metadata'> {
    const arn = required(input.RoutingControlArn, 'RoutingControlArn', 'ValidationException');
    this.answering(arn, call);
    return { RoutingControlArn: arn, RoutingControlState: this.stateAt(arn, call.now) };
  }

  private updateStates(
    input: UpdateRoutingControlStatesCommandInput,
    call: CallContext,
  ): Omit<UpdateRoutingControlStatesCommandOutput, '$metadata'> {
    const entries = input.UpdateRoutingControlStateEntries ?? [];
    if (entries.length === 0)
      throw fail('ValidationException', 400, 'UpdateRoutingControlStateEntries must not be empty');
    const states = new Map<string, ControlState>();
    const sets = new Set<ControlSet>();
    for (const entry of entries) {
      const arn = required(entry.RoutingControlArn, 'RoutingControlArn', 'ValidationException');
      sets.add(this.answering(arn, call));
      states.set(arn, entry.RoutingControlState === 'On' ? 'On' : 'Off');
    }
    const overriding = (input.SafetyRulesToOverride ?? []).length > 0;
    if (!overriding) {
      for (const { item, behaviour } of sets) {
        if (behaviour.safetyRuleRefuses)
          throw fail(
            'ConflictException',
            409,
            `Safety rule of control panel ${item.on[0]?.split('/')[1] ?? '?'} refuses this update`,
            { resourceId: item.on[0] ?? '', resourceType: 'RoutingControl' },
          );
        const after = targetStates(item, 'failover').map(
          ({ arn }) => states.get(arn) ?? this.stateAt(arn, call.now),
        );
        if (!after.includes('On'))
          throw fail(
            'ConflictException',
            409,
            'Assertion rule not satisfied: at least one routing control must be On after the update',
            { resourceId: item.on[0] ?? '', resourceType: 'RoutingControl' },
          );
      }
    }
    this.updates.push({ at: call.now, states });
    return {};
  }
}
