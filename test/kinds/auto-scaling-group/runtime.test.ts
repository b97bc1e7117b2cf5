import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/kinds/auto-scaling-group/handler.js';
import type { GroupFacts, Scaling } from '../../../functions/kinds/auto-scaling-group/types.js';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import { GROUP } from '../../sim/support.js';
import { kindHarness, type KindHarness } from '../support.js';

/**
 * The Auto Scaling group kind's Lambda (functions/kinds/auto-scaling-group/runtime.ts through its
 * handler) against the simulated AWS. The pilot-light group starts at min 1, desired 1, max 12;
 * the plan asks for min 3, desired 6, max 12.
 */

const KIND = 'auto-scaling-group';
const PILOT_LIGHT = { min: 1, desired: 1, max: 12 };
const PLAN_CAPACITY = { min: 3, desired: 6, max: 12 };

const calls = (harness: KindHarness, operation: string) =>
  harness.cloud.calls.filter((call) => call.operation === operation);
const group = (harness: KindHarness) => harness.cloud.snapshot().groups.find((found) => found.name === GROUP);

async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  for (let looks = 0; !summary.done && looks < 100; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  return summary;
}

describe('auto-scaling-group runtime: start and check', () => {
  it('scales every group to the plan, records the capacity before, and polls until enough are InService', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const started = await harness.run('start');
    const done = await checkUntilDone(harness, started);

    // Assert
    expect(started).toMatchObject({
      kind: KIND,
      action: 'start',
      done: false,
      total: 1,
      pending: 1,
      waitSeconds: 15,
    });
    expect(done).toMatchObject({ action: 'check', done: true, pending: 0 });
    expect(group(harness)).toMatchObject({ ...PLAN_CAPACITY, inService: 6 });
    expect(calls(harness, 'UpdateAutoScalingGroup')).toHaveLength(1);
    expect(await harness.facts<GroupFacts>(KIND, 0)).toEqual({ previous: PILOT_LIGHT });
    expect(await harness.progress<Scaling[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'ready',
        previous: PILOT_LIGHT,
        target: PLAN_CAPACITY,
        inService: 6,
      }),
    ]);
  });

  it('keeps the original previous capacity when a start is retried after its update was applied', async () => {
    // Arrange: Auto Scaling applies the update, but no answer arrives (every SDK attempt).
    const harness = kindHarness(handler, {
      scenario: {
        faults: [
          {
            service: 'autoscaling',
            operation: 'UpdateAutoScalingGroup',
            calls: 'all',
            error: 'timeoutAfterApply',
          },
        ],
      },
    });
    const lost = await harness.fails('start');

    // Act
    const retried = await harness.run('start');

    // Assert
    expect(lost.name).toMatch(/Timeout/);
    expect(group(harness)).toMatchObject(PLAN_CAPACITY);
    expect(retried.total).toBe(1);
    const [scaling] = (await harness.progress<Scaling[]>(KIND)) ?? [];
    expect(scaling).toMatchObject({ previous: PILOT_LIGHT, target: PLAN_CAPACITY });
    expect(await harness.facts<GroupFacts>(KIND, 0)).toEqual({ previous: PILOT_LIGHT });
  });

  it('does not scale again, nor re-read the capacity, when a start is retried after it recorded its progress', async () => {
    // Arrange
    const harness = kindHarness(handler);
    await harness.run('start');
    const updates = calls(harness, 'UpdateAutoScalingGroup').length;

    // Act
    const again = await harness.run('start');

    // Assert
    expect(again.total).toBe(1);
    expect(calls(harness, 'UpdateAutoScalingGroup')).toHaveLength(updates);
    expect(await harness.progress<Scaling[]>(KIND)).toEqual([
      expect.objectContaining({ previous: PILOT_LIGHT }),
    ]);
  });

  it('fails with GroupCapacityTimeoutError, by name, when the group cannot reach capacity in time', async () => {
    // Arrange: capacityTimeoutSeconds is 900 by default.
    const harness = kindHarness(handler, { scenario: { groups: { '*': { maxAchievableInService: 2 } } } });
    await harness.run('start');
    await harness.advance(901);

    // Act
    const error = await harness.fails('check');

    // Assert
    expect(error.name).toBe('GroupCapacityTimeoutError');
    expect(error.message).toContain(`${GROUP} has 2 of 6 required instances InService`);
  });

  it('fails with ScalingGroupNotFoundError, by name, for a group missing from the recovery region', async () => {
    // Arrange
    const harness = kindHarness(handler, { scenario: { groups: { '*': { missing: true } } } });

    // Act
    const error = await harness.fails('start');

    // Assert
    expect(error.name).toBe('ScalingGroupNotFoundError');
    expect(harness.cloud.mutatingCalls().filter((call) => call.service !== 'dynamodb')).toEqual([]);
  });

  it('changes nothing in a dry run and records nothing to restore', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('start', { dryRun: true });

    // Assert
    expect(summary.done).toBe(true);
    expect(calls(harness, 'UpdateAutoScalingGroup')).toHaveLength(0);
    expect(group(harness)).toMatchObject(PILOT_LIGHT);
    expect(await harness.facts<GroupFacts>(KIND, 0)).toBeUndefined();
  });
});

describe('auto-scaling-group runtime: read-back', () => {
  it('records each group as done only when it serves the plan capacity', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ action: 'read-back', total: 1, pending: 1 });
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: GROUP, done: false, detail: 'desired 1 (plan 6), 1 InService' },
    ]);
  });

  it('reports groups it cannot read as unknown and not done, without failing', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: {
        faults: [
          {
            service: 'autoscaling',
            operation: 'DescribeAutoScalingGroups',
            calls: 'all',
            error: 'accessDenied',
          },
        ],
      },
    });

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ done: true, pending: 1 });
    const [found] = (await harness.assessment<Assessed[]>(KIND)) ?? [];
    expect(found).toMatchObject({ label: GROUP, done: false });
    expect(found?.detail).toMatch(/^unknown: AccessDenied/);
  });
});
