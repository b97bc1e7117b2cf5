import { describe, expect, it } from 'vitest';
import { replayEvents } from '../../engine/event-replay.js';
import { alarmEvent, ALARM_AT, lockItemOf, plan, subjects, tally } from './lock-support.js';

/** `ALARM_AT` plus `seconds`, as ISO 8601. */
const at = (seconds: number): string => new Date(Date.parse(ALARM_AT) + seconds * 1_000).toISOString();

const alb = (value: 'ALARM' | 'OK', seconds: number) =>
  alarmEvent({ alarmName: 'shop-alb-5xx', value, at: at(seconds) });
const health = (value: 'ALARM' | 'OK', seconds: number) =>
  alarmEvent({ alarmName: 'shop-primary-health', value, at: at(seconds) });

describe('no real outage is discarded as a duplicate', () => {
  it('fails over when another plan alarm fires during the confirm window and the first one recovers', async () => {
    // Act: ALB 5xx at t takes the lock; the health alarm at t+10 s finds it held; ALB OK at t+30 s.
    const { executions, cloud } = await replayEvents({
      plan,
      events: [alb('ALARM', 0), health('ALARM', 10), alb('OK', 30)],
    });

    // Assert
    const [holder, late, ok] = executions;
    expect(holder).toMatchObject({ outcome: 'succeeded', lock: { decision: 'acquired' } });
    expect(holder!.mutatingCalls).toBeGreaterThan(0);
    expect(late).toMatchObject({ outcome: 'duplicate', mutatingCalls: 0 });
    expect(ok).toMatchObject({ outcome: 'ignored', mutatingCalls: 0 });
    const confirmation = (holder!.output as { confirmation: { confirmed: boolean; message: string } })
      .confirmation;
    expect(confirmation.message).toBe(
      'alarm "shop-primary-health" still ALARM after 60s (re-checked 2 alarms that fired: "shop-alb-5xx", "shop-primary-health")',
    );
    expect(cloud.databases.find((database) => database.id === 'shop-db-replica')?.isReplica).toBe(false);
    expect(subjects(cloud)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
  });

  it('fails over when the alarms come the other way round: the holder’s own alarm recovers, the late one does not', async () => {
    // Act
    const { executions } = await replayEvents({
      plan,
      events: [health('ALARM', 0), alb('ALARM', 10), health('OK', 30)],
    });

    // Assert
    expect(tally(executions)).toEqual({
      'succeeded/acquired': 1,
      'duplicate/duplicate': 1,
      'ignored/no lock': 1,
    });
    expect(executions[0]!.outcome).toBe('succeeded');
  });

  it('aborts with zero mutating calls when the only alarm that fired is back to OK 30 s later', async () => {
    // Act
    const { executions, calls, cloud } = await replayEvents({
      plan,
      events: [health('ALARM', 0), health('OK', 30)],
    });

    // Assert
    expect(executions.map((execution) => execution.outcome)).toEqual(['aborted', 'ignored']);
    expect(calls.filter((call) => call.mutating)).toEqual([]);
    expect(subjects(cloud)).toEqual(['Failover ABORTED: shop-prod, alarm recovered']);
    expect(lockItemOf(cloud)).not.toHaveProperty('holder');
  });

  it('aborts when every alarm that fired is back to OK, having re-checked each of them', async () => {
    // Act
    const { executions, calls, cloud } = await replayEvents({
      plan,
      events: [alb('ALARM', 0), health('ALARM', 10), alb('OK', 30), health('OK', 40)],
    });

    // Assert
    expect(executions.map((execution) => execution.outcome)).toEqual([
      'aborted',
      'duplicate',
      'ignored',
      'ignored',
    ]);
    expect(calls.filter((call) => call.mutating)).toEqual([]);
    expect(cloud.notifications.map((message) => message.message)).toEqual([
      expect.stringContaining(
        'Confirmation: every alarm that fired is back to OK or deleted within the 60s confirm window (flap): OK: "shop-alb-5xx", "shop-primary-health"; nothing was changed',
      ),
    ]);
  });

  it('records the late alarm on the lock and clears it when the holder releases the lock', async () => {
    // Act
    const { cloud } = await replayEvents({
      plan,
      events: [alb('ALARM', 0), health('ALARM', 10), alb('OK', 30)],
    });

    // Assert
    const item = lockItemOf(cloud);
    expect(item).not.toHaveProperty('holder');
    expect(item).not.toHaveProperty('lateTriggers');
    expect(item).not.toHaveProperty('holderVerdict');
  });
});
