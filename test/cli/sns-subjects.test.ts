import { describe, expect, it } from 'vitest';
import { largestPlan } from '../../bench/extreme-plans.js';
import { parsePlan } from '../../functions/common/plan.js';
import { NOTIFICATION_KINDS } from '../../functions/common/vocabulary.js';
import type { Trigger } from '../../functions/common/workflow-state.js';
import { refusalMessage } from '../../functions/failover-lock/refusal-notice.js';
import { composeMessage } from '../../functions/notify/compose.js';
import { examplePlanDocument } from '../fixtures/plans.js';

/**
 * SNS rejects a Publish whose Subject is 100 characters or more ("must be less than 100
 * characters long"): a notice that cannot be sent is a failover nobody hears of. Every subject
 * the orchestrator writes, for the longest plan name the schema allows, stays at 99 or under.
 */
const plan = parsePlan(largestPlan(examplePlanDocument()));
const NOW = new Date('2026-11-24T09:30:00Z');
const trigger: Trigger = {
  kind: 'alarm',
  alarmName: plan.triggers.alarms[0]!.name,
  alarmRegion: plan.primaryRegion,
  reason: 'Threshold Crossed',
  triggeredAt: '2026-11-24T09:00:00Z',
  confirmSeconds: 60,
  dryRun: false,
  executionId: 'arn:aws:states:us-west-2:111111111111:execution:failover:run-1',
};

describe('SNS subjects for the longest plan name', () => {
  it.each(NOTIFICATION_KINDS)('keeps the %s subject under 100 characters', (kind) => {
    const { subject } = composeMessage(
      kind,
      plan,
      { trigger, failedStep: 'Read Back Parameters Of The Longest State Name' },
      [],
      NOW,
    );

    expect(plan.name).toHaveLength(63);
    expect(subject.length).toBeLessThan(100);
  });

  it('keeps the refusal subject under 100 characters', () => {
    const { subject } = refusalMessage(
      plan,
      trigger,
      {
        lastFailoverStartedAt: '2026-11-24T08:00:00Z',
        lastFailoverExecution: undefined,
        nextAllowedAt: '2026-11-24T10:00:00Z',
      },
      NOW,
    );

    expect(subject).toMatch(/^Failover REFUSED: shop-largest-/);
    expect(subject.length).toBeLessThan(100);
  });
});
