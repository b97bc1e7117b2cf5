import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay, replayConcurrent } from '../../engine/runner.js';
import { alarmEvent, lockItemOf, mutatingExecutions, plan, subjects, tally } from './lock-support.js';

const alarm = alarmEvent();

describe('one failover at a time: duplicate deliveries', () => {
  it('makes exactly one of 1,000 deliveries of the same alarm event change anything; the others end within seconds as duplicates', async () => {
    // Act
    const { executions, calls, cloud, wallMs } = await replayConcurrent({
      plan,
      events: { event: alarm, count: 1_000 },
    });

    // Assert
    const [winner, ...duplicates] = executions;
    expect(tally(executions)).toEqual({ 'succeeded/acquired': 1, 'duplicate/duplicate': 999 });
    expect(winner!.lock).toMatchObject({ decision: 'acquired', release: 'released' });
    expect(mutatingExecutions(calls)).toEqual([winner!.executionArn]);
    expect(calls.filter((call) => call.operation === 'PromoteReadReplica')).toHaveLength(1);
    for (const duplicate of duplicates) {
      expect(duplicate.mutatingCalls).toBe(0);
      expect(duplicate.durationSeconds).toBeLessThan(10);
      expect(duplicate.summary).toMatch(
        new RegExp(
          `^duplicate: a failover of plan shop-prod is already running in execution ${winner!.executionArn} .*nothing was changed, nobody was paged$`,
        ),
      );
    }
    expect(subjects(cloud)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
    expect(calls.every((call) => call.executionArn !== null)).toBe(true);
    expect(wallMs, 'real milliseconds for 1,000 executions').toBeLessThan(15_000);
  });

  it('makes exactly one of 50 executions started at the same instant change anything', async () => {
    // Act
    const { executions, calls } = await replayConcurrent({
      plan,
      events: Array.from({ length: 50 }, () => alarm),
    });

    // Assert
    expect(tally(executions)).toEqual({ 'succeeded/acquired': 1, 'duplicate/duplicate': 49 });
    const winner = executions.find((execution) => execution.lock?.decision === 'acquired')!;
    expect(mutatingExecutions(calls)).toEqual([winner.executionArn]);
    expect(
      Math.max(
        ...executions
          .filter((execution) => execution !== winner)
          .map((execution) => execution.durationSeconds),
      ),
    ).toBeLessThan(10);
    // All 50 raced for the lock: the 49 losers lost at the conditional write, not by luck of timing.
    const lostWrites = calls.filter(
      (call) => call.operation === 'UpdateItem' && call.outcome === 'ConditionalCheckFailedException',
    );
    expect(lostWrites).toHaveLength(49);
  });

  it('keeps one failover when the deliveries trickle in over the whole failover', async () => {
    // Act: 200 deliveries spread over ten simulated minutes, past the failover's own end.
    const { executions, calls } = await replayConcurrent({
      plan,
      events: { event: alarm, count: 200 },
      startSpreadMs: 600_000,
    });

    // Assert: those during the failover find it running, those after find the event handled.
    expect(tally(executions)).toEqual({ 'succeeded/acquired': 1, 'duplicate/duplicate': 199 });
    expect(mutatingExecutions(calls)).toHaveLength(1);
    const late = executions.at(-1)!;
    expect(late.summary).toMatch(
      /^duplicate: this event \(alarm "shop-primary-health" \(us-east-1\) entering ALARM at 2026-11-24T09:00:00.000Z\) was already handled by execution /,
    );
  });

  it('ends a redelivery of the same event hours later as a duplicate, not as a refused failover', async () => {
    // Arrange
    const cloud = createReplayCloud(plan, alarm);
    const first = await replay({ plan, event: alarm, cloud, executionName: 'first' });

    // Act
    const redelivery = await replay({
      plan,
      event: alarm,
      cloud,
      executionName: 'redelivery',
      scenario: { startTime: '2026-11-24T09:20:00Z' },
    });

    // Assert
    expect(first.outcome).toBe('succeeded');
    expect(redelivery).toMatchObject({
      outcome: 'duplicate',
      mutatingCalls: 0,
      lock: { decision: 'duplicate' },
    });
    expect(redelivery.summary).toContain(`was already handled by execution ${first.executionArn}`);
    expect(subjects(redelivery.cloud)).toHaveLength(2);
    expect(lockItemOf(redelivery.cloud)).not.toHaveProperty('holder');
  });
});
