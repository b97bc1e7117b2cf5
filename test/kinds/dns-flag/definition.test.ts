import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../functions/common/plan.js';
import { dnsFlagKind, flagAlarms } from '../../../functions/kinds/dns-flag/definition.js';
import { ALARM_NAME, flagPlan, NAMESPACE } from './support.js';

/** The plan's `dnsFlags` section, the IAM it grants and the alarm it asks the construct for. */

const scope = { partition: 'aws', account: '111111111111' };

describe('dnsFlags in the plan', () => {
  it('fills the defaults: namespace, metric, Route 53 delay and timeout', () => {
    expect(parsePlan(flagPlan()).dnsFlags).toEqual([
      {
        id: 'shop',
        recordName: 'shop.example.com',
        namespace: NAMESPACE,
        metricName: 'PrimaryFailedOver',
        healthCheckDelaySeconds: 60,
        flipTimeoutSeconds: 600,
      },
    ]);
  });

  it.each([
    [
      { namespace: 'AWS/Route53' },
      'dnsFlags[0].namespace: must be a CloudWatch namespace not starting with AWS/',
    ],
    [{ id: 'Shop' }, 'dnsFlags[0].id: must be lower-case letters, digits and hyphens'],
    [
      { healthCheckDelaySeconds: 1.5 },
      'dnsFlags[0].healthCheckDelaySeconds: must be a whole number of seconds',
    ],
    [{ unknown: true }, 'dnsFlags[0]'],
  ])('rejects %o with one line naming the problem', (change, message) => {
    expect(() => parsePlan(flagPlan(change))).toThrow(message);
  });

  it('rejects two flags with one id, or sharing one alarm', () => {
    const plan = flagPlan();
    plan.dnsFlags = [
      { id: 'shop' },
      { id: 'shop' },
      { id: 'api', alarmName: 'shared' },
      { id: 'www', alarmName: 'shared' },
    ];
    expect(() => parsePlan(plan)).toThrow(
      /flag "shop" is listed more than once[\s\S]*alarm "shared" is used by two flags/,
    );
  });
});

describe('dns-flag permissions', () => {
  const plan = parsePlan(flagPlan());

  it('lets the function put metric data only into the flag namespaces, and describe only the flag alarms', () => {
    expect(dnsFlagKind.permissions(plan, scope)).toEqual([
      {
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': [NAMESPACE] } },
      },
      {
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [`arn:aws:cloudwatch:us-west-2:111111111111:alarm:${ALARM_NAME}`],
      },
    ]);
  });

  it('lets the readiness check only describe the flag alarms', () => {
    expect(dnsFlagKind.readinessPermissions(plan, scope)).toEqual([
      {
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [`arn:aws:cloudwatch:us-west-2:111111111111:alarm:${ALARM_NAME}`],
      },
    ]);
  });
});

describe('flagAlarms', () => {
  it('asks for an alarm that keeps its state without data and a health check that keeps its last status', () => {
    expect(flagAlarms(parsePlan(flagPlan()))).toEqual([
      expect.objectContaining({
        key: 'dns-flag-shop',
        alarmName: ALARM_NAME,
        namespace: NAMESPACE,
        metricName: 'PrimaryFailedOver',
        dimensions: [
          { Name: 'Plan', Value: 'shop-prod' },
          { Name: 'Flag', Value: 'shop' },
        ],
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'ignore',
        healthCheck: { name: 'shop-prod-dns-flag-shop', insufficientDataHealthStatus: 'LastKnownStatus' },
      }),
    ]);
  });
});
