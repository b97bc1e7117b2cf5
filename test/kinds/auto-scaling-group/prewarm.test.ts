import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { autoScalingClient } from '../../../functions/common/clients/autoscaling.js';
import { handler } from '../../../functions/kinds/auto-scaling-group/handler.js';
import type { GroupFacts, GroupPrewarm, Scaling } from '../../../functions/kinds/auto-scaling-group/types.js';
import { GROUP, planInput, RECOVERY, settle } from '../../sim/support.js';
import { EXECUTION_ID, kindHarness, type KindHarness } from '../support.js';

/**
 * The Auto Scaling group kind's prewarm and undo (functions/kinds/auto-scaling-group/prewarm.ts)
 * through its handler, against the simulated AWS. The pilot-light group starts at min 1, desired
 * 1, max 12; the plan asks for min 3, desired 6, max 12.
 */

const KIND = 'auto-scaling-group';
const PILOT_LIGHT = { min: 1, desired: 1, max: 12 };
const PLAN_CAPACITY = { min: 3, desired: 6, max: 12 };
const MISSING = 'shop-batch-usw2';

const updates = (harness: KindHarness) =>
  harness.cloud.calls.filter((call) => call.operation === 'UpdateAutoScalingGroup');
const capacity = (harness: KindHarness, name = GROUP) => {
  const found = harness.cloud.snapshot().groups.find((candidate) => candidate.name === name);
  return found === undefined ? undefined : { min: found.min, desired: found.desired, max: found.max };
};

describe('auto-scaling-group prewarm', () => {
  it('raises every group to the plan and records the capacity before, as start would', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('prewarm');

    // Assert
    expect(summary).toMatchObject({ kind: KIND, action: 'prewarm', done: true, total: 1, pending: 0 });
    expect(summary.message).toBe("1 of 1 groups raised to the plan's capacity");
    expect(capacity(harness)).toEqual(PLAN_CAPACITY);
    expect(await harness.facts<GroupFacts>(KIND, 0)).toEqual({ previous: PILOT_LIGHT });
    expect(await harness.prewarm<GroupPrewarm[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'raised', previous: PILOT_LIGHT, target: PLAN_CAPACITY }),
    ]);
  });

  it('leaves nothing for start to change: no second update, the same capacity before', async () => {
    // Arrange
    const harness = kindHarness(handler);
    await harness.run('prewarm');

    // Act
    await harness.run('start');

    // Assert
    expect(updates(harness)).toHaveLength(1);
    expect(await harness.progress<Scaling[]>(KIND)).toEqual([
      expect.objectContaining({ previous: PILOT_LIGHT, target: PLAN_CAPACITY }),
    ]);
  });

  it('records a group it cannot find as not prewarmed and raises the others', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      plan: {
        ...structuredClone(planInput),
        scalingGroups: [
          { name: MISSING, min: 1, desired: 2, max: 4 },
          { name: GROUP, min: 3, desired: 6, max: 12 },
        ],
      },
      scenario: { groups: { [MISSING]: { missing: true } } },
    });

    // Act
    const summary = await harness.run('prewarm');

    // Assert
    expect(summary.message).toBe("1 of 2 groups raised to the plan's capacity; 1 not prewarmed");
    expect(capacity(harness)).toEqual(PLAN_CAPACITY);
    expect(await harness.prewarm<GroupPrewarm[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'failed', message: expect.stringContaining('not found') }),
      expect.objectContaining({ status: 'raised' }),
    ]);
  });

  it('prewarms nothing in a dry run', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('prewarm', { dryRun: true });

    // Assert
    expect(summary.message).toBe('dry run: nothing prewarmed');
    expect(harness.cloud.calls.filter((call) => call.mutating)).toHaveLength(0);
  });
});

describe('auto-scaling-group undo of a prewarm', () => {
  it('scales a group the prewarm raised back to the capacity recorded before', async () => {
    // Arrange
    const harness = kindHarness(handler);
    await harness.run('prewarm');

    // Act
    const summary = await harness.run('unwarm');

    // Assert
    expect(summary).toMatchObject({ action: 'unwarm', done: true });
    expect(summary.message).toBe('1 of 1 groups back to their capacity before the prewarm');
    expect(capacity(harness)).toEqual(PILOT_LIGHT);
    expect(updates(harness).at(-1)?.input).toEqual({
      AutoScalingGroupName: GROUP,
      MinSize: 1,
      MaxSize: 12,
      DesiredCapacity: 1,
    });
  });

  it('makes no second call when the undo is retried', async () => {
    // Arrange
    const harness = kindHarness(handler);
    await harness.run('prewarm');
    await harness.run('unwarm');

    // Act
    await harness.run('unwarm');

    // Assert
    expect(updates(harness)).toHaveLength(2);
    expect(await harness.prewarm<GroupPrewarm[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'undone' }),
    ]);
  });

  it('leaves a group that someone changed since the prewarm as it is', async () => {
    // Arrange: an operator scales the group further by hand during the incident.
    const harness = kindHarness(handler);
    await harness.run('prewarm');
    await settle(
      harness.clock,
      autoScalingClient(RECOVERY).send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 9 }),
      ),
    );

    // Act
    const summary = await harness.run('unwarm');

    // Assert
    expect(summary.message).toContain('1 kept as they are');
    expect(capacity(harness)).toEqual({ min: 3, desired: 9, max: 12 });
    expect(await harness.prewarm<GroupPrewarm[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'kept',
        message: expect.stringContaining('changed since the prewarm'),
      }),
    ]);
  });

  it('leaves a group that the failover already scaled', async () => {
    // Arrange
    const harness = kindHarness(handler);
    await harness.run('prewarm');
    await harness.run('start');

    // Act
    await harness.run('unwarm');

    // Assert
    expect(capacity(harness)).toEqual(PLAN_CAPACITY);
    expect(updates(harness)).toHaveLength(1);
  });

  it('undoes nothing for an execution that does not hold the lock', async () => {
    // Arrange: no lock item at all, as after another execution released it.
    const harness = kindHarness(handler);
    await harness.run('prewarm');

    // Act
    const refused = await harness
      .invoke({ action: 'unwarm', executionId: EXECUTION_ID, dryRun: false, lockVersion: 1 })
      .then(
        () => undefined,
        (error: Error) => error,
      );

    // Assert
    expect(refused?.name).toBe('LockLostError');
    expect(capacity(harness)).toEqual(PLAN_CAPACITY);
  });
});
