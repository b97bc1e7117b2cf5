import type { Plan } from '../functions/common/plan.js';
import { fencingKinds } from '../functions/fence-retry/fencing-kinds.js';
import { retryFencing, type Fencer, type FenceRetryResult } from '../functions/fence-retry/fence-retry.js';
import type { KindRuntime } from '../functions/kinds/kind-step.js';
import { runClock } from './execution-driver.js';
import { withSimulation } from './runner.js';
import type { SimulatedCloud } from './sim/index.js';

/**
 * The scheduled fence retry (functions/fence-retry), run locally against a simulated cloud at
 * given virtual times, as the construct's EventBridge schedule runs it every 5 minutes: the
 * retry logic of the deployed function, with each kind's `fence` called in process through its
 * runtime (the deployed retry invokes the kind's function, which runs the same runtime). Used
 * by the tests and by the failback's full cycle (the failed region coming back).
 */

/** Each fencing kind's runtime, found by convention (functions/kinds/<id>/runtime.ts): the kinds' own `fence`. */
async function kindRuntime(kind: string): Promise<KindRuntime> {
  const module = (await import(`../functions/kinds/${kind}/runtime.ts`)) as Record<string, unknown>;
  const runtime = Object.values(module).find(
    (value): value is KindRuntime =>
      typeof value === 'object' && value !== null && (value as KindRuntime).kind === kind,
  );
  if (runtime === undefined)
    throw new Error(`functions/kinds/${kind}/runtime.ts exports no runtime of ${kind}`);
  return runtime;
}

/** Calls `runtime.fence(context)` of the kind (from `runtimes`, else the kind's own runtime). */
export const runtimeFencer =
  (runtimes: Readonly<Record<string, KindRuntime>> = {}): Fencer =>
  async (kind, context) => {
    const runtime = runtimes[kind] ?? (await kindRuntime(kind));
    if (runtime.fence === undefined) throw new Error(`${kind} has no fence action`);
    return runtime.fence(context);
  };

export interface FenceRetriesOptions {
  readonly plan: Plan;
  /** The cloud the failover ran on (its lock table holds the fencing records). */
  readonly cloud: SimulatedCloud;
  /** Virtual times of the runs (epoch ms or Date), run in ascending order. */
  readonly at: readonly (number | Date)[];
  /** Runtimes to fence with instead of the kinds' own (tests). */
  readonly runtimes?: Readonly<Record<string, KindRuntime>>;
}

/**
 * Runs `work` (functions' code: SDK calls, the virtual clock's timers) against the cloud at
 * virtual time `atMs`, with the steps' environment pointing at it, until it settles.
 */
export function onSimulatedCloud<T>(
  plan: Plan,
  cloud: SimulatedCloud,
  atMs: number,
  work: () => Promise<T>,
): Promise<T> {
  return withSimulation(plan, cloud, atMs, async (clock) => {
    let settled = false;
    const running = work().finally(() => {
      settled = true;
    });
    running.catch(() => undefined);
    await runClock(clock, () => settled);
    return running;
  });
}

/**
 * `runtimes`, and each other fencing kind of the plan's own runtime, loaded now: an import on the
 * virtual clock is no timer, so the clock would call the run stalled while the module loads.
 */
async function fencingRuntimes(
  plan: Plan,
  runtimes: Readonly<Record<string, KindRuntime>> = {},
): Promise<Record<string, KindRuntime>> {
  const loaded = await Promise.all(
    fencingKinds(plan).map(async ({ id }) => [id, runtimes[id] ?? (await kindRuntime(id))] as const),
  );
  return { ...runtimes, ...Object.fromEntries(loaded) };
}

/** Runs the retry once at each time; one result per run (with its notice, when it sent one). */
export async function runFenceRetries(options: FenceRetriesOptions): Promise<FenceRetryResult[]> {
  const { plan, cloud } = options;
  const fence = runtimeFencer(await fencingRuntimes(plan, options.runtimes));
  const times = options.at
    .map((time) => (time instanceof Date ? time.getTime() : time))
    .sort((a, b) => a - b);
  const results: FenceRetryResult[] = [];
  for (const atMs of times)
    results.push(await onSimulatedCloud(plan, cloud, atMs, () => retryFencing(plan, fence)));
  return results;
}
