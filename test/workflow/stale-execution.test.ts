import { describe, expect, it } from 'vitest';
import { createReplayCloud, loadDefinition, replay, type LocalWorkflow } from '../../engine/runner.js';
import type { StepHandler } from '../../engine/step-registry.js';
import { alarmEvent, foreignExecution, plan, RECOVERY, subjects } from '../reliability/lock-support.js';

const event = alarmEvent();
const TAKER = foreignExecution('took-over');

/**
 * The failover workflow, with the lock taken over by another execution just before this one's
 * first changing step: what a stopped, timed-out or redriven execution finds when it resumes after
 * another took the lock (the newer holder's version is higher).
 */
async function workflowLosingItsLockBefore(
  action: 'start' | 'check',
  cloud: ReturnType<typeof createReplayCloud>,
): Promise<{ workflow: LocalWorkflow; takenAt: () => number }> {
  const { definition, handlers, functionIds } = await loadDefinition(plan);
  let taken = false;
  let takenAtMs = Number.NaN;
  const wrapped = Object.fromEntries(
    [...handlers].map(([arn, handler]) => {
      if (functionIds.get(arn) === 'failover-lock') return [arn, handler];
      const stealing: StepHandler = (async (input: { action?: string }, context: never) => {
        if (!taken && input.action === action) {
          taken = true;
          takenAtMs = Date.now();
          cloud.dynamoDb.seed(RECOVERY, cloud.lockTableName, {
            planName: { S: plan.name },
            version: { N: '99' },
            holder: { S: TAKER },
            holderAcquiredAt: { S: new Date().toISOString() },
            holderDryRun: { BOOL: false },
            holderTrigger: { S: 'alarm:us-east-1/shop-alb-5xx@later' },
          });
        }
        return (handler as (input: unknown, context: never) => Promise<unknown>)(input, context);
      }) as StepHandler;
      return [arn, stealing];
    }),
  );
  return {
    workflow: { definition: definition as LocalWorkflow['definition'], handlers: wrapped },
    takenAt: () => takenAtMs,
  };
}

describe('a stale or redriven execution cannot act', () => {
  it('makes no mutating call when another execution took the lock before its first change', async () => {
    // Arrange
    const cloud = createReplayCloud(plan, event);
    const { workflow } = await workflowLosingItsLockBefore('start', cloud);

    // Act
    const result = await replay({ plan, event, cloud, workflow });

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', mutatingCalls: 0 });
    expect(result.cloud.databases.find((database) => database.id === 'shop-db-replica')?.isReplica).toBe(
      true,
    );
    const failed = result.cloud.notifications.at(-1)!;
    expect(failed.subject).toMatch(/^Failover FAILED: shop-prod at /);
    expect(failed.message).toContain(
      'LockLostError: this execution no longer holds the failover lock of plan shop-prod',
    );
    expect(failed.message).toContain(`the lock is held by ${TAKER} (version 99)`);
    expect(result.lock).toMatchObject({ release: 'not-held' });
  });

  it('stops polling without changing anything more when the lock is taken over between two looks', async () => {
    // Arrange
    const cloud = createReplayCloud(plan, event);
    const { workflow, takenAt } = await workflowLosingItsLockBefore('check', cloud);

    // Act
    const result = await replay({ plan, event, cloud, workflow });

    // Assert: the starts ran while the lock was held; nothing changed once it was lost.
    expect(takenAt()).not.toBeNaN();
    const mutating = cloud.calls.filter((call) => call.mutating);
    expect(mutating.length).toBeGreaterThan(0);
    expect(mutating.filter((call) => call.time >= takenAt())).toEqual([]);
    expect(result.outcome).toBe('failed');
    expect(subjects(result.cloud).at(-1)).toMatch(/^Failover FAILED/);
    expect(result.cloud.notifications.at(-1)!.message).toContain('LockLostError');
  });
});
