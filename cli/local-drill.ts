import type { Approver } from '../engine/approver.js';
import type { Plan } from '../functions/common/plan.js';
import { replay, startTimeFor, type ReplayResult } from '../engine/runner.js';
import { createSimulatedCloud, type Scenario, type SimulatedCloud } from '../engine/sim/index.js';

/**
 * A game day on the local engine: the drill request replayed through the real state machine and
 * handlers on a simulated AWS built here, so the caller can look at the cloud afterwards (every
 * call it served, the mutating ones) as well as the replay's result.
 */
export async function runLocalDrill(
  plan: Plan,
  event: unknown,
  options: {
    readonly scenario?: Scenario;
    readonly executionName?: string;
    readonly approver?: Approver;
  } = {},
): Promise<{ readonly result: ReplayResult; readonly cloud: SimulatedCloud }> {
  const scenario = options.scenario ?? {};
  // As replay() would build it: scenario seconds count from the replay's start.
  const startMs = startTimeFor(event, scenario);
  const cloud = createSimulatedCloud(plan, { ...scenario, startTime: new Date(startMs).toISOString() });
  const result = await replay({
    plan,
    event,
    scenario,
    cloud,
    executionName: options.executionName,
    ...(options.approver !== undefined ? { approver: options.approver } : {}),
  });
  return { result, cloud };
}
