import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../../functions/common/plan.js';
import { alarmProblem } from '../../../functions/kinds/dns-flag/flag-alarm.js';
import { kindReadiness } from '../../../functions/kinds/dns-flag/readiness.js';
import { settle, simulate, teardown } from '../../sim/support.js';
import { ALARM_NAME, flagPlan, NAMESPACE } from './support.js';

/** `failover check` for DNS flags, against the simulated CloudWatch of the recovery region. */

const plan = parsePlan(flagPlan());
const [flag] = plan.dnsFlags;

afterEach(teardown);

async function checks(initialState?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', missing?: boolean) {
  const harness = simulate(
    { dnsFlags: { shop: { ...(initialState ? { initialState } : {}), ...(missing ? { missing } : {}) } } },
    {},
    plan,
  );
  return settle(harness.clock, kindReadiness(plan));
}

describe('dns-flag readiness', () => {
  it.each([
    [
      'OK',
      'pass',
      'is OK in us-west-2 on FailoverOrchestrator/DnsFlags PrimaryFailedOver: traffic on the primary',
    ],
    ['INSUFFICIENT_DATA', 'pass', 'is INSUFFICIENT_DATA in us-west-2'],
    ['ALARM', 'fail', 'is ALARM: flag shop is flipped, Route 53 answers with the recovery record'],
  ] as const)('reports an alarm in %s as %s', async (state, status, reason) => {
    // Act
    const [check] = await checks(state);

    // Assert
    expect(check).toMatchObject({ check: 'dns-flag-alarm', resource: ALARM_NAME, status });
    expect(check?.reason).toContain(reason);
  });

  it('fails when the alarm does not exist in the recovery region', async () => {
    // Act
    const [check] = await checks(undefined, true);

    // Assert
    expect(check).toMatchObject({ status: 'fail', reason: `alarm ${ALARM_NAME} not found in us-west-2` });
  });
});

describe('alarmProblem', () => {
  const alarm: MetricAlarm = {
    AlarmName: ALARM_NAME,
    Namespace: NAMESPACE,
    MetricName: 'PrimaryFailedOver',
    Dimensions: [
      { Name: 'Flag', Value: 'shop' },
      { Name: 'Plan', Value: 'shop-prod' },
    ],
  };

  it('accepts the alarm on the flag metric, whatever the order of its dimensions', () => {
    expect(alarmProblem('us-west-2', plan.name, flag!, alarm)).toBeUndefined();
  });

  it.each([
    [{ Namespace: 'Custom/Other' }, 'watches Custom/Other PrimaryFailedOver, not the flag'],
    [{ MetricName: 'Other' }, `watches ${NAMESPACE} Other`],
    [
      { Dimensions: [{ Name: 'Flag', Value: 'shop' }] },
      'watches dimensions Flag=shop, not Plan=shop-prod,Flag=shop',
    ],
  ])('names what differs when the alarm watches another metric (%o)', (change, message) => {
    expect(alarmProblem('us-west-2', plan.name, flag!, { ...alarm, ...change })).toContain(message);
  });
});
