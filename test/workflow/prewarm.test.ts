import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay, type ReplayResult } from '../../engine/runner.js';
import type { Scenario } from '../../engine/sim/index.js';
import type { GroupPrewarm } from '../../functions/kinds/auto-scaling-group/types.js';
import { examplePlan } from '../fixtures/plans.js';
import { sampleEvent, scenario } from './support.js';

/**
 * Prewarm (plan `prewarm: true`), replayed locally: the groups start scaling right after the
 * lock is taken, the failover's own Start then changes nothing more, and every run that ends
 * without failing over scales them back to the capacity recorded before.
 */

const GROUP = 'shop-app-usw2';
const alarm = sampleEvent('route53-health-alarm');
const drill = sampleEvent('gameday-drill') as { detail: Record<string, unknown> };
const prewarmPlan = () => examplePlan((document) => Object.assign(document, { prewarm: true }));
const groupsOnly = (prewarm: boolean) =>
  examplePlan((document) => Object.assign(document, { prewarm, databases: [], parameters: [] }));

/** Replays on a cloud the test keeps, to read every AWS call it saw. */
async function replayWithCalls(event: unknown, options: { prewarm?: boolean; scenario?: Scenario } = {}) {
  const plan = options.prewarm === false ? examplePlan() : prewarmPlan();
  const cloud = createReplayCloud(plan, event, options.scenario ?? {});
  const result = await replay({
    plan,
    event,
    cloud,
    ...(options.scenario ? { scenario: options.scenario } : {}),
  });
  const updates = cloud.calls.filter((call) => call.operation === 'UpdateAutoScalingGroup');
  const secondsIn = (time: number) => (time - Date.parse(result.startedAt)) / 1000;
  return { result, updates, secondsIn };
}

const group = (result: ReplayResult) => result.cloud.groups.find((candidate) => candidate.name === GROUP);
const statesRun = (result: ReplayResult) => result.timeline.map((entry) => entry.state);
const lastNotice = (result: ReplayResult) => result.cloud.notifications.at(-1)?.message ?? '';

/** The group kind's prewarm record (the failover record in the simulated lock table). */
function prewarmRecord(result: ReplayResult): GroupPrewarm[] | undefined {
  const item = Object.values(result.cloud.tables)
    .flat()
    .find((candidate) => String(candidate.planName).endsWith('#auto-scaling-group'));
  return typeof item?.prewarm === 'string' ? (JSON.parse(item.prewarm) as GroupPrewarm[]) : undefined;
}

describe('prewarm, replayed', () => {
  it('raises the groups before the confirm window ends, then fails over without scaling them again', async () => {
    // Act
    const { result, updates, secondsIn } = await replayWithCalls(alarm);

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(updates).toHaveLength(1);
    expect(secondsIn(updates[0]!.time)).toBeLessThan(1);
    expect(updates[0]!.input).toMatchObject({ MinSize: 3, DesiredCapacity: 6, MaxSize: 12 });
    expect(group(result)).toMatchObject({ min: 3, desired: 6, max: 12, inService: 6 });
    expect(prewarmRecord(result)).toEqual([
      expect.objectContaining({ status: 'raised', previous: { min: 1, desired: 1, max: 12 } }),
    ]);
    expect(lastNotice(result)).toContain(
      `- group ${GROUP}: raised to min 3 desired 6 max 12 (from min 1 desired 1 max 12)`,
    );
  });

  it('scales the groups back to their recorded capacity when the alarm recovers during the confirm window', async () => {
    // Act
    const { result, updates } = await replayWithCalls(alarm, {
      scenario: scenario('alarm-recovers-during-confirm'),
    });

    // Assert
    expect(result.outcome).toBe('aborted');
    expect(statesRun(result)).toEqual(expect.arrayContaining(['Prewarm', 'Undo Prewarm', 'Notify Aborted']));
    expect(updates.map((call) => call.input)).toEqual([
      expect.objectContaining({ MinSize: 3, DesiredCapacity: 6, MaxSize: 12 }),
      expect.objectContaining({ MinSize: 1, DesiredCapacity: 1, MaxSize: 12 }),
    ]);
    expect(group(result)).toMatchObject({ min: 1, desired: 1, max: 12, inService: 1, pending: 0 });
    expect(result.cloud.notifications.map((notice) => notice.subject)).toEqual([
      'Failover ABORTED: shop-prod, alarm recovered',
    ]);
    expect(lastNotice(result)).toContain('Nothing was failed over: only the prewarm changed anything.');
    expect(lastNotice(result)).toContain(
      `- group ${GROUP}: raised to min 3 desired 6 max 12, then scaled back to min 1 desired 1 max 12`,
    );
  });

  it('scales the groups back before the failure notice when the gate refuses for lag', async () => {
    // Act
    const { result } = await replayWithCalls(alarm, { scenario: scenario('lag-too-high') });

    // Assert
    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('ReplicaLagExceededError');
    const order = statesRun(result);
    expect(order.indexOf('Undo Prewarm')).toBeGreaterThan(order.indexOf('Gate'));
    expect(order.indexOf('Undo Prewarm')).toBeLessThan(order.indexOf('Notify Failed'));
    expect(group(result)).toMatchObject({ min: 1, desired: 1, max: 12 });
    expect(lastNotice(result)).toContain('then undone because the run did not fail over');
  });

  it('goes on with the failover when the prewarm fails, and says so', async () => {
    // Arrange: the prewarm's update is refused (not retried); the failover's own Start is not.
    const refused: Scenario = {
      faults: [
        {
          service: 'autoscaling',
          operation: 'UpdateAutoScalingGroup',
          from: 1,
          count: 1,
          error: 'accessDenied',
        },
      ],
    };

    // Act
    const { result, updates, secondsIn } = await replayWithCalls(alarm, { scenario: refused });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(statesRun(result)).toContain('Groups Not Prewarmed');
    expect(updates.map((call) => call.outcome)).toEqual(['AccessDenied', 'ok']);
    expect(secondsIn(updates[1]!.time)).toBeGreaterThan(60);
    expect(group(result)).toMatchObject({ desired: 6, inService: 6 });
    expect(lastNotice(result)).toMatch(/- Auto Scaling groups: prewarm failed: AccessDenied/);
  });

  it('prewarms nothing in a dry run', async () => {
    // Act
    const { result, updates } = await replayWithCalls({
      ...drill,
      detail: { ...drill.detail, dryRun: true },
    });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(statesRun(result)).toContain('Prewarm Live Run?');
    expect(statesRun(result)).not.toContain('Prewarm');
    expect(updates).toHaveLength(0);
    expect(result.mutatingCalls).toBe(0);
    expect(prewarmRecord(result)).toBeUndefined();
  });

  it('leaves no trace in the definition of a plan without prewarm', async () => {
    // Act
    const { result } = await replayWithCalls(alarm, { prewarm: false });

    // Assert
    expect(statesRun(result).filter((state) => /prewarm/i.test(state))).toEqual([]);
  });

  it('brings a groups-only failover in well under the RTO without it, within 5 % of its critical path', async () => {
    // Act
    const without = await replay({ plan: groupsOnly(false), event: alarm });
    const withPrewarm = await replay({ plan: groupsOnly(true), event: alarm });

    // Assert
    expect(withPrewarm.outcome).toBe('succeeded');
    expect(withPrewarm.rtoSeconds! / without.rtoSeconds!).toBeLessThanOrEqual(0.7);
    expect(withPrewarm.rtoSeconds!).toBeGreaterThanOrEqual(withPrewarm.criticalPathSeconds);
    expect(withPrewarm.rtoSeconds! / withPrewarm.criticalPathSeconds).toBeLessThanOrEqual(1.05);
  });
});
