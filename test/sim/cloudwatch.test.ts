import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudWatchClient } from '../../functions/common/clients/cloudwatch.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { HEALTH_ALARM, PRIMARY, RECOVERY, REPLICA, settle, simulate, teardown } from './support.js';

afterEach(teardown);

/** The last five minutes of ReplicaLag, as the lag gate asks for it. */
const lagQuery = (stat = 'Maximum'): GetMetricDataCommandInput => ({
  StartTime: new Date(Date.now() - 300_000),
  EndTime: new Date(),
  MetricDataQueries: [
    {
      Id: 'lag',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: 'ReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: REPLICA }],
        },
        Period: 60,
        Stat: stat,
      },
    },
  ],
});

describe('simulated CloudWatch', () => {
  it('returns the lag profile through GetMetricData, newest first, one sample a minute published a minute late', async () => {
    const { clock } = simulate({
      lag: {
        [REPLICA]: [
          { atSeconds: 0, lagSeconds: 45 },
          { atSeconds: 120, lagSeconds: 5 },
        ],
      },
    });
    await clock.tickAsync(300_000);

    const output = await settle(clock, cloudWatchClient(RECOVERY).send(new GetMetricDataCommand(lagQuery())));
    const result = output.MetricDataResults?.[0];

    expect(result?.Values).toEqual([5, 5, 5, 45, 45]);
    const times = result?.Timestamps?.map((time) => time.getTime()) ?? [];
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(result?.StatusCode).toBe('Complete');
  });

  it('publishes no datapoint where the profile has null lag', async () => {
    const { clock } = simulate({ lag: { '*': [{ atSeconds: -3600, lagSeconds: null }] } });
    await clock.tickAsync(300_000);

    const output = await settle(clock, cloudWatchClient(RECOVERY).send(new GetMetricDataCommand(lagQuery())));

    expect(output.MetricDataResults?.[0]?.Values).toEqual([]);
  });

  it('publishes no lag datapoints for a replica once its promotion has started', async () => {
    const { clock } = simulate({ lag: { '*': [{ atSeconds: 0, lagSeconds: 3 }] } });
    await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );
    await clock.tickAsync(600_000);

    const output = await settle(clock, cloudWatchClient(RECOVERY).send(new GetMetricDataCommand(lagQuery())));

    expect(output.MetricDataResults?.[0]?.Values).toEqual([]);
  });

  it('serves the same lag through GetMetricStatistics with the requested statistics in seconds', async () => {
    const { clock } = simulate({ lag: { [REPLICA]: [{ atSeconds: -600, lagSeconds: 12 }] } });

    const output = await settle(
      clock,
      cloudWatchClient(RECOVERY).send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/RDS',
          MetricName: 'ReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: REPLICA }],
          StartTime: new Date(Date.now() - 300_000),
          EndTime: new Date(),
          Period: 300,
          Statistics: ['Average', 'Maximum'],
        }),
      ),
    );

    expect(output.Datapoints).toHaveLength(1);
    expect(output.Datapoints?.[0]).toMatchObject({ Average: 12, Maximum: 12, Unit: 'Seconds' });
  });

  it('keeps a trigger alarm in ALARM and turns it OK at okAtSeconds', async () => {
    const { clock } = simulate({ alarms: { [HEALTH_ALARM]: { okAtSeconds: 45 } } });
    const describe = () =>
      settle(
        clock,
        cloudWatchClient(PRIMARY).send(new DescribeAlarmsCommand({ AlarmNames: [HEALTH_ALARM] })),
      );

    const before = await describe();
    await clock.tickAsync(45_000);
    const after = await describe();

    expect(before.MetricAlarms?.[0]?.StateValue).toBe('ALARM');
    expect(after.MetricAlarms?.[0]?.StateValue).toBe('OK');
    expect(after.MetricAlarms?.[0]?.StateUpdatedTimestamp?.toISOString()).toBe('2026-01-01T00:00:45.000Z');
  });

  it('models the Route 53 health alarm as an AWS/Route53 alarm that exists only in us-east-1', async () => {
    const { clock } = simulate();

    const home = await settle(
      clock,
      cloudWatchClient(PRIMARY).send(new DescribeAlarmsCommand({ AlarmNames: [HEALTH_ALARM] })),
    );
    const elsewhere = await settle(
      clock,
      cloudWatchClient(RECOVERY).send(new DescribeAlarmsCommand({ AlarmNames: [HEALTH_ALARM] })),
    );

    expect(home.MetricAlarms?.[0]).toMatchObject({
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
    });
    expect(elsewhere.MetricAlarms).toEqual([]);
  });
});
