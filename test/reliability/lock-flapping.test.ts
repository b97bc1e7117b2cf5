import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay, replayConcurrent } from '../../engine/runner.js';
import { parseScenario } from '../../engine/sim/index.js';
import { alarmEvent, lockItemOf, lockTableCalls, plan, subjects, tally } from './lock-support.js';

const alarm = alarmEvent();
const flapping = parseScenario(
  JSON.parse(readFileSync('events/scenarios/alarm-recovers-during-confirm.json', 'utf8')),
);

describe('flapping: an alarm back to OK within the confirm window', () => {
  it('aborts with no mutating call, a notification saying so, and the lock released', async () => {
    // Act
    const result = await replay({ plan, event: alarm, scenario: flapping });

    // Assert
    expect(result).toMatchObject({
      outcome: 'aborted',
      mutatingCalls: 0,
      error: { error: 'FailoverAborted' },
    });
    expect(result.lock).toMatchObject({ decision: 'acquired', release: 'released' });
    expect(subjects(result.cloud)).toEqual(['Failover ABORTED: shop-prod, alarm recovered']);
    expect(result.cloud.notifications[0]!.message).toContain(
      'returned to OK within the 60s confirm window (flap): nothing was changed',
    );
    expect(result.cloud.databases.find((database) => database.id === 'shop-db-replica')?.isReplica).toBe(
      true,
    );
    const item = lockItemOf(result.cloud);
    expect(item).not.toHaveProperty('holder');
    expect(item, 'a flap does not count for the minimum interval').not.toHaveProperty(
      'lastFailoverStartedAt',
    );
  });

  it('sends one abort notification when the flapping alarm is delivered 50 times', async () => {
    // Act
    const { executions, calls, cloud } = await replayConcurrent({
      plan,
      events: { event: alarm, count: 50 },
      scenario: flapping,
    });

    // Assert
    expect(tally(executions)).toEqual({ 'aborted/acquired': 1, 'duplicate/duplicate': 49 });
    expect(calls.filter((call) => call.mutating)).toEqual([]);
    expect(subjects(cloud)).toEqual(['Failover ABORTED: shop-prod, alarm recovered']);
  });
});

describe('bad input: events that are not a trigger of the plan take no lock', () => {
  it.each([
    [
      'an alarm the plan does not name',
      alarmEvent({ alarmName: 'checkout-latency' }),
      'is not a trigger of plan shop-prod',
    ],
    [
      'a plan alarm fired in another region',
      alarmEvent({ region: 'eu-west-1' }),
      'fired in eu-west-1, but plan shop-prod watches it in us-east-1',
    ],
    [
      'a plan alarm fired in the recovery region',
      alarmEvent({ region: 'us-west-2' }),
      'fired in us-west-2, but plan shop-prod watches it in us-east-1',
    ],
    ['a plan alarm returning to OK', alarmEvent({ value: 'OK' }), 'entered OK, not ALARM'],
  ])(
    'ignores %s, delivered 20 times: zero mutating calls, no lock, nobody paged',
    async (_what, event, reason) => {
      // Act
      const { executions, calls, cloud } = await replayConcurrent({ plan, events: { event, count: 20 } });

      // Assert
      expect(tally(executions)).toEqual({ 'ignored/no lock': 20 });
      for (const execution of executions) {
        expect(execution.summary).toMatch(/^event ignored: .*nothing to do$/);
        expect(execution.summary).toContain(reason);
      }
      expect(calls.filter((call) => call.mutating)).toEqual([]);
      expect(lockTableCalls(calls)).toEqual([]);
      expect(Object.values(cloud.tables).flat()).toEqual([]);
      expect(cloud.notifications).toEqual([]);
    },
  );
});
