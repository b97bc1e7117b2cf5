import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay } from '../../engine/runner.js';
import {
  alarmEvent,
  lockItemOf,
  lockTableCalls,
  lockUpdateCallNumbers,
  plan,
  subjects,
} from './lock-support.js';

const alarm = alarmEvent();

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly {
    readonly Variable?: string;
    readonly IsPresent?: boolean;
    readonly StringEquals?: string;
    readonly Next: string;
  }[];
  readonly Catch?: readonly { readonly Next: string }[];
}

const { States: states } = JSON.parse(readFileSync('state-machines/failover.asl.json', 'utf8')) as {
  States: Record<string, State>;
};

/**
 * Every top-level path from `from` to an end state. On these paths the lock is held, so a
 * Choice on `$.lock` being present follows only that rule.
 */
function pathsFrom(from: string, path: readonly string[] = []): string[][] {
  const state = states[from];
  // Back at a state already on the path: a polling loop, whose exits are walked from its first visit.
  if (path.includes(from)) return [];
  if (state === undefined) return [[...path, from]];
  const here = [...path, from];
  if (state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true) return [here];
  const lockRule = state.Choices?.find((choice) => choice.Variable === '$.lock' && choice.IsPresent === true);
  const next = lockRule
    ? [lockRule.Next]
    : [
        ...(state.Choices ?? []).map((choice) => choice.Next),
        state.Default,
        state.Next,
        ...(state.Catch ?? []).map((handler) => handler.Next),
      ];
  return [...new Set(next.filter((name): name is string => name !== undefined))].flatMap((name) =>
    pathsFrom(name, here),
  );
}

describe('the lock is released on every path that acquired it', () => {
  it('passes a Release Lock state after the final notification on every path from an acquired lock to an end', () => {
    // Arrange
    const acquired = states['Lock Acquired?']!.Choices!.find(
      (choice) => choice.StringEquals === 'acquired',
    )!.Next;

    // Act
    const paths = pathsFrom(acquired);

    // Assert
    expect(paths.length).toBeGreaterThan(10);
    const unreleased = paths.filter((path) => !path.some((name) => name.startsWith('Release Lock')));
    expect(unreleased).toEqual([]);
    for (const path of paths) {
      const release = path.findIndex((name) => name.startsWith('Release Lock'));
      expect(
        path.slice(0, release).some((name) => name.startsWith('Notify')),
        path.join(' > '),
      ).toBe(true);
    }
  });

  it('releases the lock after a failed failover, once the failure is notified', async () => {
    // Act
    const result = await replay({
      plan,
      event: alarm,
      scenario: { promotion: { '*': { failAtSeconds: 100 } } },
    });

    // Assert
    expect(result.outcome).toBe('failed');
    expect(result.lock).toMatchObject({ decision: 'acquired', release: 'released' });
    expect(subjects(result.cloud).at(-1)).toBe('Failover FAILED: shop-prod at Recover');
    expect(lockItemOf(result.cloud)).not.toHaveProperty('holder');
  });

  it('keeps a succeeded failover succeeded when the release fails, and shows the failure in the output', async () => {
    // Arrange: the lock item's third UpdateItem (acquire, record start, release).
    const [, , release] = await lockUpdateCallNumbers(alarm);

    // Act: the release is denied.
    const result = await replay({
      plan,
      event: alarm,
      scenario: {
        faults: [{ service: 'dynamodb', operation: 'UpdateItem', calls: [release!], error: 'accessDenied' }],
      },
    });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(result.lock).toMatchObject({
      release: 'failed',
      releaseError: expect.stringContaining('AccessDeniedException'),
    });
    expect(result.output).toMatchObject({ lockReleaseFailure: { Error: 'AccessDeniedException' } });
    expect(subjects(result.cloud)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
  });

  it('keeps an aborted failover aborted when the release fails', async () => {
    // Arrange: after a flap no start is recorded: the lock item's UpdateItems are the take, Confirm
    // Outage's abort verdict, then the release.
    const flap = { alarms: { 'shop-primary-health': { okAtSeconds: 25 } } };
    const [, , release] = await lockUpdateCallNumbers(alarm, flap);

    // Act
    const result = await replay({
      plan,
      event: alarm,
      scenario: {
        ...flap,
        faults: [{ service: 'dynamodb', operation: 'UpdateItem', calls: [release!], error: 'accessDenied' }],
      },
    });

    // Assert
    expect(result).toMatchObject({
      outcome: 'aborted',
      error: { error: 'FailoverAborted' },
      lock: { release: 'failed' },
    });
    expect(subjects(result.cloud)).toEqual(['Failover ABORTED: shop-prod, alarm recovered']);
  });

  it('rides out a throttled release with the Task retries', async () => {
    // Arrange: the release, the lock item's third UpdateItem.
    const [, , release] = await lockUpdateCallNumbers(alarm);

    // Act: the release is throttled longer than the SDK retries.
    const result = await replay({
      plan,
      event: alarm,
      scenario: {
        faults: [
          { service: 'dynamodb', operation: 'UpdateItem', from: release!, count: 4, error: 'throttling' },
        ],
      },
    });

    // Assert
    expect(result).toMatchObject({ outcome: 'succeeded', lock: { release: 'released' } });
    expect(
      result.timeline.find((entry) => entry.state === 'Release Lock After Success')?.retries,
    ).toBeGreaterThan(0);
  });

  it('stops before any change when the lock is lost before the first change', async () => {
    // Arrange: the start record's write, the lock item's second UpdateItem.
    const [, recordStart] = await lockUpdateCallNumbers(alarm);

    // Act: it finds the lock no longer this execution's.
    const result = await replay({
      plan,
      event: alarm,
      scenario: {
        faults: [
          { service: 'dynamodb', operation: 'UpdateItem', calls: [recordStart!], error: 'invalidState' },
        ],
      },
    });

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', mutatingCalls: 0, error: { error: 'LockLostError' } });
    expect(subjects(result.cloud)).toEqual(['Failover FAILED: shop-prod at Record Failover Start']);
  });

  it('never touches the lock for an event that fails validation', async () => {
    // Arrange
    const truncated = {
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: {},
    };
    const cloud = createReplayCloud(plan, truncated);

    // Act
    const result = await replay({ plan, event: truncated, cloud });

    // Assert
    expect(result).toMatchObject({
      outcome: 'failed',
      mutatingCalls: 0,
      lock: null,
      error: { error: 'InvalidTriggerError' },
    });
    expect(result.timeline.map((entry) => entry.state)).not.toContain('Release Lock After Failure');
    expect(lockTableCalls(cloud.calls)).toEqual([]);
  });
});
