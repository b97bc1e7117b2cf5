import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/readiness-check/handler.js';
import type { Readiness } from '../../functions/readiness-check/readiness-check.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';
import { cloudWatch, healthyAccount, publishedMetrics, STATE_MACHINE_ARN } from './support/ready-account.js';

/** The EventBridge Scheduler / scheduled rule event the handler runs on; it reads nothing from it. */
const scheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111111111111',
  time: '2026-11-24T09:30:00Z',
  region: 'us-west-2',
  resources: ['arn:aws:events:us-west-2:111111111111:rule/shop-prod-readiness'],
  detail: {},
};

const saved = { ...process.env };

beforeEach(() => {
  healthyAccount();
  process.env.FAILOVER_PLAN = JSON.stringify(examplePlan());
  process.env.FAILOVER_STATE_MACHINE_ARN = STATE_MACHINE_ARN;
});

afterEach(() => {
  for (const name of ['FAILOVER_PLAN', 'FAILOVER_STATE_MACHINE_ARN', 'FAILOVER_TOPIC_ARN']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const run = async () =>
  (await handler(scheduledEvent, lambdaContext('failover-readiness-check'))) as Readiness;

describe('the scheduled readiness check', () => {
  it('publishes Readiness 1 for the plan in the recovery region when every check passes', async () => {
    const readiness = await run();

    expect(readiness.ready).toBe(true);
    expect(readiness.checks.some((check) => check.check === 'state-machine' && check.status === 'pass')).toBe(
      true,
    );
    expect(publishedMetrics()).toEqual([
      {
        Namespace: 'FailoverOrchestrator',
        MetricData: [
          {
            MetricName: 'Readiness',
            Dimensions: [{ Name: 'Plan', Value: 'shop-prod' }],
            Timestamp: new Date(readiness.checkedAt),
            Value: 1,
            Unit: 'None',
          },
        ],
      },
    ]);
  });

  it('publishes Readiness 0 when a check fails', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'lag', Values: [300], Timestamps: [new Date()] }] });

    const readiness = await run();

    expect(readiness.ready).toBe(false);
    expect(readiness.checks.filter((check) => check.status === 'fail').map((check) => check.reason)).toEqual([
      'replica shop-db-replica lag 300s is over maxLagSeconds 30s',
    ]);
    expect(publishedMetrics()[0]?.MetricData?.[0]?.Value).toBe(0);
  });

  it('is not ready when it was deployed without the state machine ARN', async () => {
    delete process.env.FAILOVER_STATE_MACHINE_ARN;

    const readiness = await run();

    expect(readiness.checks.find((check) => check.check === 'state-machine')).toMatchObject({
      status: 'fail',
      reason: 'FAILOVER_STATE_MACHINE_ARN is not set: the readiness check does not know the state machine',
    });
    expect(publishedMetrics()[0]?.MetricData?.[0]?.Value).toBe(0);
  });
});
