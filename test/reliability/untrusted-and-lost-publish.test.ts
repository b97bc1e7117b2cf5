import { describe, expect, it } from 'vitest';
import { replay } from '../../engine/runner.js';
import { alarmEvent, lockItemOf, plan, subjects } from './lock-support.js';

describe('only the accounts the plan trusts', () => {
  it('ignores a plan alarm from an account the plan does not trust: no lock, 0 mutating calls', async () => {
    // Arrange
    const event = { ...(alarmEvent() as Record<string, unknown>), account: '999999999999' };

    // Act
    const result = await replay({ plan, event });

    // Assert
    expect(result).toMatchObject({ outcome: 'ignored', mutatingCalls: 0, lock: null });
    expect(JSON.stringify(result.output)).toContain(
      'comes from account 999999999999, which plan shop-prod does not trust',
    );
    expect(result.cloud.notifications).toEqual([]);
    expect(lockItemOf(result.cloud)).toBeUndefined();
  });

  it('fails over on an alarm of an account the plan lists under triggers.accounts', async () => {
    // Arrange
    const trusting = { ...plan, triggers: { ...plan.triggers, accounts: ['999999999999'] } };
    const event = { ...(alarmEvent() as Record<string, unknown>), account: '999999999999' };

    // Act
    const result = await replay({ plan: trusting, event });

    // Assert
    expect(result.outcome).toBe('succeeded');
  });
});

describe('each notification is sent once per execution and kind', () => {
  it.each([
    [1, 'Failover STARTED: shop-prod us-east-1 -> us-west-2'],
    [2, 'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2'],
  ])('sends one message when Publish call %i is applied but its response is lost', async (call) => {
    // Act
    const result = await replay({
      plan,
      event: alarmEvent(),
      scenario: {
        faults: [{ service: 'sns', operation: 'Publish', calls: [call], error: 'timeoutAfterApply' }],
      },
    });

    // Assert: each message went out once. Notify cannot tell a lost response from a lost
    // request, so it does not send again: a lost STARTED answer is only noted (the failover goes
    // on), a lost SUCCEEDED answer fails the execution for the orchestrator's execution alarm.
    expect(subjects(result.cloud)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
    expect(result.cloud.groups[0]?.desired).toBe(6);
    if (call === 1) expect(result.outcome).toBe('succeeded');
    else expect(result.error?.error).toBe('NotificationUnconfirmedError');
  });
});

describe('a notice claim whose answer was lost', () => {
  it("is recognised as this attempt's own claim when the SDK retries it, and the notice goes out", async () => {
    // Arrange: random faults found by the fault properties (seed pinned): Acquire Lock fails, and
    // the failure notice's claim in the record is applied but its answer lost, so the SDK's retry
    // meets a failed condition on the claim it made itself.
    const scenario = {
      random: {
        seed: 1744825285,
        rate: 0.46038976870477205,
        errors: ['accessDenied', 'throttling', 'timeoutAfterApply', 'unavailable'] as const,
      },
    };

    // Act
    const result = await replay({ plan, event: alarmEvent(), scenario: structuredClone(scenario) as never });

    // Assert
    expect(result.outcome).toBe('failed');
    expect(subjects(result.cloud)).toEqual(['Failover FAILED: shop-prod at Acquire Lock']);
  });
});
