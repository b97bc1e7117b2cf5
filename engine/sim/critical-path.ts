import type { Plan } from '../../functions/common/plan.js';
import type { CriticalPathItem } from './kind-model.js';
import { SIMULATED_KINDS } from './kinds.js';
import type { Scenario } from './scenario.js';

/**
 * The shortest failover the simulated AWS allows: what an ideal orchestrator, polling at no
 * cost, could not beat. Measured from the scenario start (the trigger). The confirm window runs
 * first; the kinds' resources then proceed in parallel, each kind saying when each of its
 * resources could be ready at best (its sim.ts `criticalPath`). A resource that can never get
 * ready (missing, stuck, failing, lag never under the gate with policy `abort`) has
 * `readySeconds: null` and does not count: the failover fails there, so there is no duration to
 * compare with.
 */

export type { CriticalPathItem } from './kind-model.js';

export interface CriticalPath {
  readonly confirmSeconds: number;
  /** Each kind's resources by kind id (kinds whose resources do not gate the end are left out). */
  readonly kinds: Readonly<Record<string, readonly CriticalPathItem[]>>;
  readonly totalSeconds: number;
}

export function criticalPath(plan: Plan, scenario: Scenario): CriticalPath {
  const confirm = plan.triggers.confirmSeconds;
  const kinds = Object.fromEntries(
    SIMULATED_KINDS.flatMap((kind) =>
      kind.criticalPath ? [[kind.id, kind.criticalPath({ plan, scenario }, confirm)] as const] : [],
    ),
  );
  const ready = Object.values(kinds)
    .flat()
    .map((item) => item.readySeconds)
    .filter((value) => value !== null);
  return { confirmSeconds: confirm, kinds, totalSeconds: Math.max(confirm, ...ready) };
}
