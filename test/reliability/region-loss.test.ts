import { describe, expect, it } from 'vitest';
import { observeReplay } from '../../engine/faults/index.js';
import { BEST_EFFORT } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import { examplePlan, sampleEvent } from './support.js';

/**
 * DESIGN.md: nothing on the failover path may require the failed region; calls into it (the
 * alarm re-check) are best effort with short timeouts. `regionsDown` makes every API of a region
 * hang until the client's timeout.
 */

/** The example plan mirrored: us-west-2 is the primary, us-east-1 (home of Route 53's alarms) recovers. */
const mirroredPlan = (): Plan =>
  examplePlan((document) => {
    document.primaryRegion = 'us-west-2';
    document.recoveryRegion = 'us-east-1';
    document.triggers = {
      ...document.triggers,
      alarms: [
        { name: 'shop-primary-health', region: 'us-east-1' },
        { name: 'shop-alb-5xx', region: 'us-west-2' },
      ],
    };
    document.scalingGroups = [{ name: 'shop-app-use1', min: 3, desired: 6, max: 12 }];
    document.notifications = { topicArn: 'arn:aws:sns:us-east-1:111111111111:shop-failover' };
  });

/** The ALB alarm event as its primary region (`us-west-2`) would send it. */
function albAlarmIn(region: string): unknown {
  const event = sampleEvent('alb-5xx-alarm') as { region: string; resources: string[] };
  return {
    ...event,
    region,
    resources: event.resources.map((arn) => arn.replace(':us-east-1:', `:${region}:`)),
  };
}

const cases: readonly (readonly [string, () => Plan, () => unknown, string])[] = [
  [
    'the Route 53 health-check alarm (us-east-1 primary, alarm in us-east-1)',
    examplePlan,
    () => sampleEvent('route53-health-alarm'),
    'us-east-1',
  ],
  ['the ALB 5xx alarm (us-east-1 primary)', examplePlan, () => sampleEvent('alb-5xx-alarm'), 'us-east-1'],
  ['the composite alarm (us-east-1 primary)', examplePlan, () => sampleEvent('composite-alarm'), 'us-east-1'],
  [
    'the ALB 5xx alarm of a us-west-2 primary recovering into us-east-1',
    mirroredPlan,
    () => albAlarmIn('us-west-2'),
    'us-west-2',
  ],
  ['a game-day drill (us-east-1 primary)', examplePlan, () => sampleEvent('gameday-drill'), 'us-east-1'],
];

describe.each(cases)(
  'a failover on %s with the primary region down',
  (_name, makePlan, makeEvent, downRegion) => {
    it('succeeds within the RTO objective, touching the failed region only with fast best-effort calls', async () => {
      const plan = makePlan();
      const event = makeEvent();

      const healthy = await observeReplay(plan, event);
      const { result, calls } = await observeReplay(plan, event, { regionsDown: [downRegion] });

      expect(plan.primaryRegion).toBe(downRegion);
      expect(result.outcome, result.summary).toBe('succeeded');
      expect(result.rtoSeconds).not.toBeNull();
      expect(result.rtoSeconds!).toBeLessThanOrEqual(plan.objectives.rtoSeconds);
      // The dead region costs at most one best-effort timeout.
      expect(result.rtoSeconds!).toBeLessThanOrEqual(
        healthy.result.rtoSeconds! + BEST_EFFORT.requestTimeoutMs / 1000 + 0.5,
      );
      const intoDeadRegion = calls.filter((call) => call.region === downRegion);
      for (const call of intoDeadRegion) {
        expect(call.operation, 'only the alarm re-check may go to the failed region').toBe('DescribeAlarms');
        expect(call.outcome).toBe('TimeoutError');
        expect(call.durationMs).toBeLessThanOrEqual(BEST_EFFORT.requestTimeoutMs);
        expect(call.attempt).toBeLessThanOrEqual(BEST_EFFORT.maxAttempts);
      }
    });
  },
);

describe('the alarm re-check in a region that is down', () => {
  it('takes no longer than the best-effort timeout and confirms the outage', async () => {
    const plan = examplePlan();

    const { result, calls } = await observeReplay(plan, sampleEvent('route53-health-alarm'), {
      regionsDown: ['us-east-1'],
    });

    const recheck = calls.filter((call) => call.region === 'us-east-1');
    expect(recheck.map((call) => [call.operation, call.outcome, call.durationMs])).toEqual([
      ['DescribeAlarms', 'TimeoutError', BEST_EFFORT.requestTimeoutMs],
    ]);
    const confirm = result.timeline.find((entry) => entry.state === 'Confirm Outage')!;
    expect(confirm.end - confirm.start).toBeLessThanOrEqual(BEST_EFFORT.requestTimeoutMs / 1000 + 0.2);
    expect(result.cloud.notifications.at(-1)?.message).toContain(
      'could not re-check alarm "shop-primary-health" in us-east-1 (TimeoutError',
    );
  });

  it('is not made at all when the alarm lives in the recovery region, which is up', async () => {
    const plan = mirroredPlan();

    const { result, calls } = await observeReplay(plan, sampleEvent('route53-health-alarm'), {
      regionsDown: ['us-west-2'],
    });

    expect(result.outcome, result.summary).toBe('succeeded');
    expect(calls.filter((call) => call.region === 'us-west-2')).toEqual([]);
    expect(calls.find((call) => call.operation === 'DescribeAlarms')).toMatchObject({
      region: 'us-east-1',
      outcome: 'ok',
    });
  });
});
