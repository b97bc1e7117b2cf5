import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay, replayConcurrent } from '../../engine/runner.js';
import {
  alarmEvent,
  foreignExecution,
  lockItemOf,
  lockTableCalls,
  mutatingExecutions,
  plan,
  lockUpdateCallNumbers,
  seedLock,
  subjects,
  tally,
} from './lock-support.js';

const alarm = alarmEvent();
const CRASHED = foreignExecution('crashed-0830');

describe('one failover at a time: a lock left behind by a crashed execution', () => {
  it.each(['FAILED', 'ABORTED', 'TIMED_OUT'] as const)(
    'is reclaimed when its holder is %s, and the new execution fails over',
    async (status) => {
      // Arrange
      const cloud = createReplayCloud(plan, alarm);
      seedLock(cloud, CRASHED);
      cloud.stepFunctions.record(CRASHED, status, new Date('2026-11-24T08:30:00Z'));

      // Act
      const result = await replay({ plan, event: alarm, cloud });

      // Assert
      expect(result.outcome).toBe('succeeded');
      expect(result.lock).toMatchObject({
        decision: 'acquired',
        reclaimedFrom: CRASHED,
        release: 'released',
      });
      expect(result.lock?.message).toContain(
        `taken over from execution ${CRASHED} (${status}, holding it since 2026-11-24T08:30:00.000Z)`,
      );
      expect(lockItemOf(result.cloud)).toMatchObject({ lastFailoverExecution: result.executionArn });
      expect(lockItemOf(result.cloud)).not.toHaveProperty('holder');
    },
  );

  it('is reclaimed when Step Functions does not know its holder (ExecutionDoesNotExist)', async () => {
    // Arrange
    const cloud = createReplayCloud(plan, alarm);
    seedLock(cloud, foreignExecution('older-than-90-days'));

    // Act
    const result = await replay({ plan, event: alarm, cloud });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(result.lock?.reclaimedFrom).toBe(foreignExecution('older-than-90-days'));
    expect(result.timeline.map((entry) => entry.state)).toContain('Recover');
  });

  it('is left alone while its holder is still running: the new execution is a duplicate', async () => {
    // Arrange
    const running = foreignExecution('still-running');
    const cloud = createReplayCloud(plan, alarm);
    seedLock(cloud, running);
    cloud.stepFunctions.record(running, 'RUNNING', new Date('2026-11-24T08:30:00Z'));

    // Act
    const result = await replay({ plan, event: alarm, cloud });

    // Assert
    expect(result).toMatchObject({
      outcome: 'duplicate',
      mutatingCalls: 0,
      lock: { decision: 'duplicate', release: null },
    });
    expect(result.summary).toContain(`already running in execution ${running}`);
    expect(lockItemOf(result.cloud)).toMatchObject({ holder: running });
    expect(subjects(result.cloud)).toEqual([]);
  });

  it.each([2, 50])(
    'is won by exactly one of %i executions reclaiming it at the same instant',
    async (count) => {
      // Arrange
      const cloud = createReplayCloud(plan, alarm);
      seedLock(cloud, CRASHED);
      cloud.stepFunctions.record(CRASHED, 'FAILED', new Date('2026-11-24T08:30:00Z'));

      // Act
      const { executions, calls } = await replayConcurrent({ plan, events: { event: alarm, count }, cloud });

      // Assert
      expect(tally(executions)).toEqual({ 'succeeded/acquired': 1, 'duplicate/duplicate': count - 1 });
      const winner = executions.find((execution) => execution.lock?.decision === 'acquired')!;
      expect(winner.lock?.reclaimedFrom).toBe(CRASHED);
      expect(mutatingExecutions(calls)).toEqual([winner.executionArn]);
      // Every one of them tried the compare-and-swap on the stale holder; all but one lost it.
      const swaps = lockTableCalls(calls).filter(
        (call) => call.operation === 'UpdateItem' && JSON.stringify(call.input).includes(':stale'),
      );
      expect(swaps).toHaveLength(count);
      expect(swaps.filter((call) => call.outcome === 'ok')).toHaveLength(1);
      for (const loser of executions.filter((execution) => execution !== winner)) {
        expect(loser.summary).toContain(`already running in execution ${winner.executionArn}`);
      }
    },
  );

  it('comes back by itself when a release fails: the next execution reclaims the lock', async () => {
    // Arrange: the lock table denies the release (the lock item's third UpdateItem: acquire, record start, release).
    const [, , release] = await lockUpdateCallNumbers(alarm);
    const cloud = createReplayCloud(plan, alarm, {
      faults: [{ service: 'dynamodb', operation: 'UpdateItem', calls: [release!], error: 'accessDenied' }],
    });
    const first = await replay({ plan, event: alarm, cloud, executionName: 'first' });
    const afterInterval = alarmEvent({ alarmName: 'shop-alb-5xx', at: '2026-11-24T10:30:00.000Z' });

    // Act
    const second = await replay({ plan, event: afterInterval, cloud, executionName: 'second' });

    // Assert
    expect(first).toMatchObject({ outcome: 'succeeded', lock: { release: 'failed' } });
    expect(first.lock?.releaseError).toMatch(/^AccessDeniedException: .*dynamodb:UpdateItem/);
    expect(second).toMatchObject({
      outcome: 'succeeded',
      lock: { decision: 'acquired', reclaimedFrom: first.executionArn },
    });
    expect(second.lock?.message).toContain('(SUCCEEDED,');
  });
});
