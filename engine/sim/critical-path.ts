import type { Plan } from '../../functions/common/plan.js';
import { PHASES } from '../../functions/common/vocabulary.js';
import { KINDS } from '../../functions/kinds/registry.js';
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
 * compare with. A kind of the Route phase (a DNS flag) says how long it takes past the confirm
 * window; its time is counted after the Recover phase's last resource.
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
  const measured = SIMULATED_KINDS.flatMap((kind) =>
    kind.criticalPath ? [{ id: kind.id, items: kind.criticalPath({ plan, scenario }, confirm) }] : [],
  );
  const readyOf = (items: readonly CriticalPathItem[]) =>
    items.map((item) => item.readySeconds).filter((value) => value !== null);
  const inRoute = (id: string) => KINDS.find((kind) => kind.id === id)?.phase === PHASES.route;
  // The Route phase starts once every resource of the Recover phase is ready: a route kind's
  // time (its readiness past the confirm window) comes after theirs.
  const recovered = Math.max(
    confirm,
    ...measured.filter(({ id }) => !inRoute(id)).flatMap(({ items }) => readyOf(items)),
  );
  const kinds = Object.fromEntries(
    measured.map(({ id, items }) => [
      id,
      inRoute(id)
        ? items.map((item) =>
            item.readySeconds === null
              ? item
              : { ...item, readySeconds: recovered + item.readySeconds - confirm },
          )
        : items,
    ]),
  );
  const ready = readyOf(Object.values(kinds).flat());
  return { confirmSeconds: confirm, kinds, totalSeconds: Math.max(confirm, ...ready) };
}
