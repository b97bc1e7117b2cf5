import { describeError } from '../../common/errors.js';
import {
  readFacts,
  readProgress,
  rememberOnce,
  writeAssessment,
  writeProgress,
} from '../../common/failover-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import {
  healthCheckDelay,
  mapBounded,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { passPreflight, skippedIndexes, type PreflightFinding } from '../preflight.js';
import { readControlStates, updateControlStates } from './cluster.js';
import {
  arcRoutingControlKind,
  controlName,
  targetStates,
  type ArcRoutingControlPlan,
  type ControlState,
} from './definition.js';
import { RoutingControlTimeoutError } from './errors.js';
import type { ControlSetFacts, ControlSetProgress } from './types.js';

const KIND = arcRoutingControlKind.id;
const CONCURRENCY = 5;
/** Looks at the states after an accepted update (ARC applies them at once; a look confirms it). */
const SWITCH_POLL_SECONDS = 2;

/**
 * The ARC routing control kind (definition.ts cites the facts). Gate: every control readable
 * through the cluster's endpoints. Start: nothing when every control already holds its target;
 * otherwise the states before recorded once, then one UpdateRoutingControlStates with every
 * entry. Check: the states read back until they all hold, then the plan's health check delay in
 * Wait states. Every call tries the endpoints in turn (cluster.ts).
 */

const summary = (action: 'start' | 'check', progress: readonly ControlSetProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((set) => ({
      done: set.status === 'routed' || set.status === 'would-switch' || set.status === 'skipped',
      pollSeconds: set.pollSeconds,
      ...(set.routedAt !== undefined ? { doneAt: set.routedAt } : {}),
    })),
    'routing control sets routed',
  );

const statesText = (
  targets: readonly { readonly arn: string }[],
  states: ReadonlyMap<string, ControlState>,
): string => targets.map(({ arn }) => `${controlName(arn)} ${states.get(arn) ?? 'unknown'}`).join(', ');

/** The states a set switches to, e.g. `usw2api On, use1api Off`. */
const targetsText = (targets: readonly { readonly arn: string; readonly state: ControlState }[]): string =>
  targets.map((target) => `${controlName(target.arn)} ${target.state}`).join(', ');

const holds = (
  targets: readonly { readonly arn: string; readonly state: ControlState }[],
  states: ReadonlyMap<string, ControlState>,
): boolean => targets.every((target) => states.get(target.arn) === target.state);

/** Where a switched set stands once its states hold: Route 53's delay counted from the switch. */
function routing(
  item: ArcRoutingControlPlan,
  progress: ControlSetProgress,
  switchedAt: string,
): ControlSetProgress {
  const { routedAt, remaining, routed } = healthCheckDelay(
    Date.parse(switchedAt),
    item.healthCheckDelaySeconds,
  );
  const targets = targetsText(progress.targets);
  return {
    ...progress,
    status: routed ? 'routed' : 'routing',
    routedAt,
    pollSeconds: routed ? 0 : remaining,
    message: routed
      ? `${targets} since ${switchedAt}: Route 53 follows the controls (health check delay ${item.healthCheckDelaySeconds}s counted)`
      : `${targets} since ${switchedAt}: waiting ${remaining}s more for the Route 53 health checks`,
  };
}

async function gate({ plan, scope, direction }: KindContext): Promise<KindSummary> {
  const findings = await mapBounded(
    plan.routingControls,
    CONCURRENCY,
    async (item): Promise<PreflightFinding> => {
      const targets = targetStates(item, direction);
      try {
        await readControlStates(
          item.clusterEndpoints,
          targets.map((target) => target.arn),
        );
        return { label: item.id, optional: item.optional };
      } catch (error) {
        return {
          label: item.id,
          optional: item.optional,
          problem: `routing control set ${item.id}: ${describeError(error)}`,
        };
      }
    },
  );
  return passPreflight(
    scope,
    KIND,
    arcRoutingControlKind.noun,
    findings,
    'has every routing control readable through the cluster endpoints',
  );
}

async function start({ plan, scope, dryRun, direction }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<ControlSetProgress[]>(scope, KIND)) ?? [];
  const skipped = await skippedIndexes(scope, KIND);
  const progress = await mapBounded(
    plan.routingControls,
    CONCURRENCY,
    async (item, i): Promise<ControlSetProgress> => {
      const done = recorded[i];
      if (done !== undefined) return done;
      const targets = targetStates(item, direction);
      const base = { itemId: item.id, targets, startedAt: nowIso(), updates: 0, pollSeconds: 0, dryRun };
      if (skipped.has(i))
        return { ...base, status: 'skipped', message: 'skipped by the preflight (optional); not switched' };
      const states = await readControlStates(
        item.clusterEndpoints,
        targets.map((target) => target.arn),
      );
      if (holds(targets, states)) {
        // Switched by an earlier attempt of this step (its facts say when), or before the failover.
        const facts = await readFacts<ControlSetFacts>(scope, KIND, i);
        if (facts !== undefined)
          return routing(
            item,
            { ...base, status: 'routing', switchedAt: facts.switchedAt, message: '' },
            facts.switchedAt,
          );
        return {
          ...base,
          status: 'routed',
          routedAt: base.startedAt,
          message: `already switched: ${statesText(targets, states)}; nothing changed`,
        };
      }
      const changes = targets.filter((target) => states.get(target.arn) !== target.state);
      if (dryRun)
        return {
          ...base,
          status: 'would-switch',
          message:
            `would set ${targetsText(targets)} in one ` +
            `UpdateRoutingControlStates (${changes.length} change${changes.length === 1 ? '' : 's'}; now ${statesText(targets, states)})` +
            (item.safetyRulesToOverride.length > 0
              ? `, overriding ${item.safetyRulesToOverride.length} safety rule(s)`
              : '') +
            `, then ${item.healthCheckDelaySeconds}s for the Route 53 health checks`,
        };
      const facts = await rememberOnce<ControlSetFacts>(scope, KIND, i, {
        switchedAt: base.startedAt,
        before: Object.fromEntries(states),
      });
      const answered = await updateControlStates(item.clusterEndpoints, targets, item.safetyRulesToOverride);
      const switchedAt = nowIso();
      return {
        ...base,
        status: 'switching',
        switchedAt,
        endpoint: answered.endpoint.region,
        updates: 1,
        pollSeconds: SWITCH_POLL_SECONDS,
        message:
          `set ${targetsText(targets)} through ${answered.endpoint.region}` +
          (answered.failed.length > 0
            ? ` after ${answered.failed.length} endpoint(s) failed (${answered.failed.join('; ')})`
            : '') +
          ` (before: ${statesText(targets, new Map(Object.entries(facts.before)))})`,
      };
    },
  );
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ plan, scope }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<ControlSetProgress[]>(scope, KIND)) ?? [];
  const progress = await mapBounded(
    plan.routingControls,
    CONCURRENCY,
    async (item, i): Promise<ControlSetProgress> => {
      const set = recorded[i];
      if (set === undefined)
        throw new Error(`routing control set ${item.id} was never switched: Check ran before Start`);
      if (set.status === 'routing') return routing(item, set, set.switchedAt ?? set.startedAt);
      if (set.status !== 'switching') return set;
      const states = await readControlStates(
        item.clusterEndpoints,
        set.targets.map((target) => target.arn),
      );
      if (holds(set.targets, states)) return routing(item, set, set.switchedAt ?? set.startedAt);
      if (secondsSince(set.startedAt) > item.timeoutSeconds)
        throw new RoutingControlTimeoutError(
          `routing control set ${item.id}: ${statesText(set.targets, states)} ${item.timeoutSeconds}s after the update; wanted ${targetsText(set.targets)}`,
        );
      return {
        ...set,
        pollSeconds: SWITCH_POLL_SECONDS,
        message: `update accepted; the cluster shows ${statesText(set.targets, states)}, waiting for the targets`,
      };
    },
  );
  await writeProgress(scope, KIND, progress);
  return summary('check', progress);
}

async function readBack({ plan, scope, direction }: KindContext): Promise<readonly Assessed[]> {
  const assessed = await mapBounded(plan.routingControls, CONCURRENCY, async (item): Promise<Assessed> => {
    const targets = targetStates(item, direction);
    try {
      const states = await readControlStates(
        item.clusterEndpoints,
        targets.map((target) => target.arn),
      );
      const done = holds(targets, states);
      return {
        label: item.id,
        done,
        detail: `${statesText(targets, states)}: ${done ? 'traffic on the target cells' : 'not switched'}`,
      };
    } catch (error) {
      return { label: item.id, done: false, detail: `unknown: ${describeError(error)}` };
    }
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const arcRoutingControlRuntime: KindRuntime = { kind: KIND, gate, start, check, readBack };
