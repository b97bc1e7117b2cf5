import type { Plan } from '../../functions/common/plan.js';
import { replay, startTimeFor, type ReplayResult } from '../runner.js';
import { createSimulatedCloud, type CallRecord, type CloudSnapshot, type Scenario } from '../sim/index.js';

/** A replay together with what the fault analysis needs beyond its result. */
export interface ObservedReplay {
  readonly result: ReplayResult;
  /** Every attempt of every API call, in order, with its outcome. */
  readonly calls: readonly CallRecord[];
  /** The simulated cloud before the execution started: what "changed" is measured against. */
  readonly before: CloudSnapshot;
}

/**
 * Replays `event` on a simulated cloud built here (rather than inside `replay`), so that the
 * call log and the cloud's initial state can be read afterwards. The cloud starts where `replay`
 * would start it: one second after the alarm's own timestamp.
 */
export async function observeReplay(
  plan: Plan,
  event: unknown,
  scenario: Scenario = {},
): Promise<ObservedReplay> {
  const startTime = new Date(startTimeFor(event, scenario)).toISOString();
  const cloud = createSimulatedCloud(plan, { ...scenario, startTime });
  const before = cloud.snapshot();
  const result = await replay({ plan, event, scenario, cloud });
  return { result, calls: cloud.calls, before };
}
