import { parseAlarmTimestamp } from '../../functions/validate-trigger/validate-trigger.js';
import type { SimulatedCloud } from './cloud.js';

/**
 * Replayed "CloudWatch Alarm State Change" events drive the simulated alarms: an ALARM event puts
 * its alarm in ALARM from the event's state timestamp on, an OK event puts it back in OK. So a
 * flap, or two alarms overlapping, replays from the very events CloudWatch sent, and Confirm
 * Outage's DescribeAlarms sees what it would have seen. Events of other kinds (drills, other
 * sources) and INSUFFICIENT_DATA transitions change no alarm.
 */

export interface AlarmChange {
  readonly alarmName: string;
  readonly region: string;
  readonly state: 'ALARM' | 'OK';
  /** When the alarm changed state (the event's `detail.state.timestamp`, else its `time`). */
  readonly atMs: number;
}

interface AlarmEventShape {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly region?: unknown;
  readonly time?: unknown;
  readonly detail?: {
    readonly alarmName?: unknown;
    readonly state?: { value?: unknown; timestamp?: unknown };
  };
}

/** The alarm change an event reports, or undefined for any other event. */
export function alarmChangeOf(event: unknown): AlarmChange | undefined {
  const shape = (event ?? {}) as AlarmEventShape;
  if (shape.source !== 'aws.cloudwatch' || shape['detail-type'] !== 'CloudWatch Alarm State Change')
    return undefined;
  const state = shape.detail?.state?.value;
  const name = shape.detail?.alarmName;
  if ((state !== 'ALARM' && state !== 'OK') || typeof name !== 'string' || typeof shape.region !== 'string')
    return undefined;
  const stamp = shape.detail?.state?.timestamp ?? shape.time;
  if (typeof stamp !== 'string') return undefined;
  return { alarmName: name, region: shape.region, state, atMs: Date.parse(parseAlarmTimestamp(stamp)) };
}

/** Sets each event's alarm change on the simulated CloudWatch; returns the changes applied. */
export function applyAlarmEvents(cloud: SimulatedCloud, events: readonly unknown[]): AlarmChange[] {
  const changes = events.map(alarmChangeOf).filter((change): change is AlarmChange => change !== undefined);
  for (const change of changes)
    cloud.setAlarmState(change.alarmName, change.region, change.state, change.atMs);
  return changes;
}

/**
 * When EventBridge delivers each event, in milliseconds after the first: from the events' own
 * `time` (an event without a readable time is delivered with the one before it).
 */
export function deliveryOffsetsMs(events: readonly unknown[]): number[] {
  const times = events.map((event) => {
    const time = (event as { time?: unknown } | null)?.time;
    const millis = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    return Number.isNaN(millis) ? undefined : millis;
  });
  const first = times.find((time) => time !== undefined);
  let previous = 0;
  return times.map((time) => {
    if (time !== undefined && first !== undefined) previous = Math.max(0, time - first);
    return previous;
  });
}
