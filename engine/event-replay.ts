import type { Plan } from '../functions/common/plan.js';
import { createReplayCloud, replayConcurrent, type ConcurrentReplayResult } from './runner.js';
import { applyAlarmEvents, deliveryOffsetsMs } from './sim/alarm-events.js';
import type { Scenario } from './sim/index.js';

export interface EventReplayOptions {
  readonly plan: Plan;
  /** EventBridge events (or drill requests), each delivered at its own `time`. */
  readonly events: readonly unknown[];
  readonly scenario?: Scenario;
  /** Keep each whole execution in its `recording`. @default false */
  readonly record?: boolean;
}

/** Orders events by their `time` (stable: events without one keep their place after the one before). */
function byDeliveryTime(events: readonly unknown[]): unknown[] {
  const offsets = deliveryOffsetsMs(events);
  return events
    .map((event, i) => ({ event, at: offsets[i] ?? 0, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((entry) => entry.event);
}

/**
 * Replays several events on one simulated AWS and one virtual clock, as EventBridge would deliver
 * them: one execution per event, each started at its event's `time` (offset from the earliest),
 * and the alarm events drive the simulated alarms (engine/sim/alarm-events.ts), so a flap or two
 * overlapping alarms replay from the events themselves. A scenario's `okAtSeconds` still applies to
 * an alarm that none of the events names.
 */
export async function replayEvents(options: EventReplayOptions): Promise<ConcurrentReplayResult> {
  const events = byDeliveryTime(options.events);
  if (events.length === 0) throw new Error('replayEvents needs at least one event');
  const scenario = options.scenario ?? {};
  const cloud = createReplayCloud(options.plan, events[0], scenario);
  applyAlarmEvents(cloud, events);
  return replayConcurrent({
    plan: options.plan,
    events,
    scenario,
    cloud,
    startOffsetsMs: deliveryOffsetsMs(events),
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
}
