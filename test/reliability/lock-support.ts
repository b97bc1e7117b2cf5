import { readFileSync } from 'node:fs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createReplayCloud, replay, type ReplayResult } from '../../engine/runner.js';
import type {
  CallRecord,
  CloudSnapshot,
  PlainItem,
  Scenario,
  SimulatedCloud,
} from '../../engine/sim/index.js';
import { examplePlan } from '../fixtures/plans.js';

/** The example plan: alarms shop-primary-health, shop-alb-5xx, shop-primary-composite in us-east-1; 60 s confirm; 60 min interval. */
export const plan = examplePlan();
export const RECOVERY = 'us-west-2';
/** The alarm of events/route53-health-alarm.json enters ALARM at this time. */
export const ALARM_AT = '2026-11-24T09:00:00.000Z';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as Record<string, unknown>;

/** CloudWatch writes the state timestamp with a `+0000` offset. */
const cloudWatchTimestamp = (iso: string): string => iso.replace('Z', '+0000');

/** A "CloudWatch Alarm State Change" event of the sample's shape, for any alarm, region, time and state. */
export function alarmEvent(
  options: { alarmName?: string; region?: string; at?: string; value?: 'ALARM' | 'OK' } = {},
): unknown {
  const event = sample('route53-health-alarm') as {
    time: string;
    region: string;
    detail: { alarmName: string; state: { value: string; timestamp: string } };
  };
  const at = options.at ?? ALARM_AT;
  event.region = options.region ?? 'us-east-1';
  event.time = at.replace('.000Z', 'Z');
  event.detail.alarmName = options.alarmName ?? 'shop-primary-health';
  event.detail.state.value = options.value ?? 'ALARM';
  event.detail.state.timestamp = cloudWatchTimestamp(at);
  return event;
}

/** A game-day drill request (events/gameday-drill.json) at `at`. */
export function drillEvent(dryRun: boolean, at = ALARM_AT): unknown {
  const event = sample('gameday-drill') as { time: string; detail: { dryRun: boolean } };
  event.time = at;
  event.detail.dryRun = dryRun;
  return event;
}

/** An execution of the deployed state machine that is not one of the replay's. */
export const foreignExecution = (name: string): string =>
  `arn:aws:states:${RECOVERY}:000000000000:execution:failover-shop-prod:${name}`;

/** Puts a lock item held by `holder` in the simulated table, as a crashed execution would leave it. */
export function seedLock(
  cloud: SimulatedCloud,
  holder: string,
  acquiredAt = '2026-11-24T08:30:00.000Z',
): void {
  const item: Record<string, AttributeValue> = {
    planName: { S: plan.name },
    version: { N: '5' },
    holder: { S: holder },
    holderAcquiredAt: { S: acquiredAt },
    holderDryRun: { BOOL: false },
    holderTrigger: { S: `alarm:us-east-1/shop-alb-5xx@${acquiredAt}` },
  };
  cloud.dynamoDb.seed(RECOVERY, cloud.lockTableName, item);
}

/** The plan's lock item at the end of a replay. */
export const lockItemOf = (cloud: CloudSnapshot): PlainItem | undefined =>
  Object.values(cloud.tables)[0]?.find((item) => item.planName === plan.name);

/** The executions that made at least one mutating call (any outcome), from the shared call log. */
export const mutatingExecutions = (calls: readonly CallRecord[]): string[] => [
  ...new Set(calls.filter((call) => call.mutating).map((call) => call.executionArn ?? '(untagged)')),
];

/** A call on the plan's lock item (the failover record's items share its table). */
export function isLockItemCall(call: CallRecord): boolean {
  if (call.service !== 'dynamodb') return false;
  const input = call.input as { Key?: { planName?: { S?: string } }; Item?: { planName?: { S?: string } } };
  return (input.Key ?? input.Item)?.planName?.S === plan.name;
}

/** The calls on the lock item. */
export const lockTableCalls = (calls: readonly CallRecord[]): CallRecord[] => calls.filter(isLockItemCall);

/**
 * The call numbers (among every UpdateItem of the run, the fault rules' count) of the UpdateItem
 * calls on the lock item in a fault-free replay of `event`: acquire, record start, release. A
 * fault rule aimed at one of them hits the lock and not the failover record beside it.
 */
export async function lockUpdateCallNumbers(event: unknown, scenario: Scenario = {}): Promise<number[]> {
  const cloud = createReplayCloud(plan, event, scenario);
  await replay({ plan, event, scenario, cloud });
  return cloud.calls
    .filter((call) => call.operation === 'UpdateItem' && isLockItemCall(call))
    .map((call) => call.callNumber);
}

export const subjects = (cloud: CloudSnapshot): string[] =>
  cloud.notifications.map((message) => message.subject ?? '');

/** How many executions ended with each `outcome/lock decision`. */
export function tally(results: readonly ReplayResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = `${result.outcome}/${result.lock?.decision ?? 'no lock'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
