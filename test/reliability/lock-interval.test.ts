import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay, replayConcurrent, type ReplayResult } from '../../engine/runner.js';
import type { SimulatedCloud } from '../../engine/sim/index.js';
import {
  alarmEvent,
  drillEvent,
  lockItemOf,
  mutatingExecutions,
  plan,
  subjects,
  tally,
} from './lock-support.js';

const alarm = alarmEvent();

/** A completed failover at 09:00 (its start, after the 60 s confirm window, is recorded at 09:01:01.2). */
async function afterAFailover(): Promise<{ cloud: SimulatedCloud; first: ReplayResult }> {
  const cloud = createReplayCloud(plan, alarm);
  const first = await replay({ plan, event: alarm, cloud, executionName: 'first' });
  expect(first.outcome).toBe('succeeded');
  return { cloud, first };
}

describe('one failover at a time: the plan minimum interval between failovers', () => {
  it('refuses a second alarm 10 minutes after a completed failover, changes nothing and notifies why', async () => {
    // Arrange
    const { cloud, first } = await afterAFailover();
    const second = alarmEvent({ alarmName: 'shop-alb-5xx', at: '2026-11-24T09:10:00.000Z' });

    // Act
    const result = await replay({ plan, event: second, cloud, executionName: 'second' });

    // Assert
    expect(result).toMatchObject({
      outcome: 'refused',
      mutatingCalls: 0,
      error: { error: 'FailoverRefused' },
      lock: { decision: 'refused', release: null },
    });
    expect(result.durationSeconds).toBeLessThan(10);
    expect(result.summary).toMatch(
      /^failover refused: the last failover of plan shop-prod started at 2026-11-24T09:01:01\.\d{3}Z .*no alarm may start another before 2026-11-24T10:01:01/,
    );
    const refusal = result.cloud.notifications.at(-1)!;
    expect(refusal.subject).toBe('Failover REFUSED: shop-prod, last failover started 8 min ago');
    expect(refusal.message).toContain(`(execution ${first.executionArn})`);
    expect(refusal.message).toContain(
      'the minimum interval between failovers is 60 min (triggers.minMinutesBetweenExecutions)',
    );
    expect(refusal.message).toContain('Nothing was changed by this execution.');
    expect(lockItemOf(result.cloud)).toMatchObject({ lastFailoverExecution: first.executionArn });
  });

  it('notifies a refusal once when the refused alarm is delivered 50 times', async () => {
    // Arrange
    const { cloud } = await afterAFailover();
    const second = alarmEvent({ alarmName: 'shop-alb-5xx', at: '2026-11-24T09:10:00.000Z' });

    // Act
    const { executions, calls } = await replayConcurrent({
      plan,
      events: { event: second, count: 50 },
      cloud,
    });

    // Assert
    expect(tally(executions)).toEqual({ 'refused/refused': 1, 'duplicate/duplicate': 49 });
    expect(
      subjects(cloud.snapshot()).filter((subject) => subject.startsWith('Failover REFUSED')),
    ).toHaveLength(1);
    expect(calls.filter((call) => call.mutating && call.time > Date.parse('2026-11-24T09:10:00Z'))).toEqual(
      [],
    );
    const duplicate = executions.find((execution) => execution.lock?.decision === 'duplicate')!;
    expect(duplicate.summary).toContain('was already refused by execution');
  });

  it('lets an alarm fail over again once the interval has passed', async () => {
    // Arrange
    const { cloud } = await afterAFailover();
    const later = alarmEvent({ alarmName: 'shop-alb-5xx', at: '2026-11-24T10:02:00.000Z' });

    // Act
    const result = await replay({ plan, event: later, cloud, executionName: 'later' });

    // Assert
    expect(result).toMatchObject({
      outcome: 'succeeded',
      lock: { decision: 'acquired', release: 'released' },
    });
    expect(lockItemOf(result.cloud)).toMatchObject({ lastFailoverExecution: result.executionArn });
  });

  it('does not count a failover aborted by a flap in the confirm window', async () => {
    // Arrange
    const cloud = createReplayCloud(plan, alarm, { alarms: { 'shop-primary-health': { okAtSeconds: 25 } } });
    const flap = await replay({ plan, event: alarm, cloud, executionName: 'flap' });
    const real = alarmEvent({ alarmName: 'shop-alb-5xx', at: '2026-11-24T09:10:00.000Z' });

    // Act
    const result = await replay({ plan, event: real, cloud, executionName: 'real' });

    // Assert
    expect(flap.outcome).toBe('aborted');
    expect(result).toMatchObject({ outcome: 'succeeded', lock: { decision: 'acquired' } });
  });

  it('does not refuse a live drill requested by a person within the interval', async () => {
    // Arrange
    const { cloud } = await afterAFailover();

    // Act
    const result = await replay({
      plan,
      event: drillEvent(false, '2026-11-24T09:10:00Z'),
      cloud,
      executionName: 'drill',
    });

    // Assert
    expect(result).toMatchObject({ outcome: 'succeeded', lock: { decision: 'acquired' } });
    expect(result.lock?.message).toContain('a manual drill is not subject to the minimum interval');
  });
});

describe('one failover at a time: dry-run drills', () => {
  it('neither refuses a dry run within the interval nor lets one take the interval slot', async () => {
    // Arrange
    const { cloud, first } = await afterAFailover();

    // Act
    const dryRun = await replay({
      plan,
      event: drillEvent(true, '2026-11-24T09:05:00Z'),
      cloud,
      executionName: 'dry-run',
    });

    // Assert
    expect(dryRun).toMatchObject({
      outcome: 'succeeded',
      mutatingCalls: 0,
      lock: { decision: 'acquired', release: 'released' },
    });
    expect(lockItemOf(dryRun.cloud)).toMatchObject({
      lastFailoverExecution: first.executionArn,
      lastFailoverStartedAt: expect.stringMatching(/^2026-11-24T09:01:01/),
    });
  });

  it('lets a real alarm take the lock from a running dry run, which is stopped before it ends', async () => {
    // Act: the drill starts first; the alarm arrives 300 ms later, while the drill still runs.
    const { executions, calls } = await replayConcurrent({
      plan,
      events: [drillEvent(true), alarm],
      startSpreadMs: 300,
    });

    // Assert
    const [drill, real] = executions;
    expect(real).toMatchObject({
      outcome: 'succeeded',
      lock: { decision: 'acquired', preempted: drill!.executionArn },
    });
    expect(drill).toMatchObject({
      outcome: 'aborted',
      error: { error: 'FailoverPreempted' },
      mutatingCalls: 0,
    });
    expect(drill!.summary).toContain(
      `execution stopped: FailoverPreempted: A live failover (execution ${real!.executionArn}) took the failover lock`,
    );
    expect(mutatingExecutions(calls)).toEqual([real!.executionArn]);
    expect(drill!.timeline.map((entry) => entry.state)).not.toContain('Notify Succeeded');
  });

  it('ends a dry run that arrives during a live failover as a duplicate', async () => {
    // Act
    const { executions } = await replayConcurrent({
      plan,
      events: [alarm, drillEvent(true)],
      startSpreadMs: 5_000,
    });

    // Assert
    const [real, drill] = executions;
    expect(real!.outcome).toBe('succeeded');
    expect(drill).toMatchObject({ outcome: 'duplicate', lock: { decision: 'duplicate' } });
    expect(drill!.summary).toContain(
      `a failover of plan shop-prod is already running in execution ${real!.executionArn}`,
    );
    expect(subjects(real!.cloud).filter((subject) => subject.includes('[dry run]'))).toEqual([]);
  });
});
