import {
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../functions/common/plan.js';
import { flagAlarms, type DnsFlagPlan } from '../../functions/kinds/dns-flag/definition.js';
import { alarmProblem, describeFlagAlarms, publishFlag } from '../../functions/kinds/dns-flag/flag-alarm.js';
import { kindReadiness } from '../../functions/kinds/dns-flag/readiness.js';
import { dnsFlagRuntime } from '../../functions/kinds/dns-flag/runtime.js';
import type { FlagProgress } from '../../functions/kinds/dns-flag/types.js';
import { readProgress } from '../../functions/common/failover-record.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import { arrange, contractPlan, createRecordTable, motoEndpoint, newExecution, RECOVERY } from './support.js';

/**
 * The DNS flag kind over HTTP against moto's CloudWatch in the recovery region: PutMetricData
 * (the flip) and DescribeAlarms (the alarm the construct creates, as infra/kind-alarms.ts builds
 * it from the same definition). moto 5.2 stores the datapoints but does not evaluate alarms, so
 * the alarm's state is set with SetAlarmState where a test needs it in ALARM.
 */

let created = 0;

/** A plan with one fresh flag, and its alarm created in moto exactly as the construct would. */
async function arrangeFlag(
  state?: StateValue,
): Promise<{ plan: Plan; flag: DnsFlagPlan; alarmName: string }> {
  created += 1;
  const plan = contractPlan((document) => {
    document.dnsFlags = [{ id: `contract-${created}`, namespace: 'Contract/DnsFlags' }];
  });
  const [spec] = flagAlarms(plan);
  if (spec === undefined) throw new Error('the plan has no flag');
  await arrange.cloudWatch(RECOVERY).send(
    new PutMetricAlarmCommand({
      AlarmName: spec.alarmName,
      Namespace: spec.namespace,
      MetricName: spec.metricName,
      Dimensions: spec.dimensions.map((dimension) => ({ ...dimension })),
      Statistic: spec.statistic,
      Period: spec.periodSeconds,
      EvaluationPeriods: spec.evaluationPeriods,
      DatapointsToAlarm: spec.datapointsToAlarm,
      Threshold: spec.threshold,
      ComparisonOperator: spec.comparisonOperator,
      TreatMissingData: spec.treatMissingData,
    }),
  );
  if (state !== undefined)
    await arrange
      .cloudWatch(RECOVERY)
      .send(
        new SetAlarmStateCommand({ AlarmName: spec.alarmName, StateValue: state, StateReason: 'contract' }),
      );
  return { plan, flag: plan.dnsFlags[0] as DnsFlagPlan, alarmName: spec.alarmName };
}

beforeAll(async () => {
  await createRecordTable('contract-dns-flag-record');
});

describe('publishFlag', () => {
  it('puts the value on the flag metric, with the plan and flag dimensions, in the recovery region', async () => {
    // Arrange
    const { plan, flag } = await arrangeFlag();
    const now = Date.now();

    // Act
    await publishFlag(RECOVERY, plan.name, flag, 1);

    // Assert
    const response = await arrange.cloudWatch(RECOVERY).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 600_000),
        EndTime: new Date(now + 600_000),
        MetricDataQueries: [
          {
            Id: 'flag',
            MetricStat: {
              Metric: {
                Namespace: flag.namespace,
                MetricName: flag.metricName,
                Dimensions: [
                  { Name: 'Plan', Value: plan.name },
                  { Name: 'Flag', Value: flag.id },
                ],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    expect(response.MetricDataResults?.[0]?.Values).toEqual([1]);
  });
});

describe('describeFlagAlarms', () => {
  it('finds the flag alarm the construct creates, on the flag metric, keeping its state without data', async () => {
    // Arrange
    const { plan, flag, alarmName } = await arrangeFlag();

    // Act
    const alarms = await describeFlagAlarms(RECOVERY, plan.name, plan.dnsFlags);

    // Assert
    const alarm = alarms.get(alarmName);
    expect(alarm).toMatchObject({ AlarmName: alarmName, TreatMissingData: 'ignore', Threshold: 1 });
    expect(alarmProblem(RECOVERY, plan.name, flag, alarm)).toBeUndefined();
  });

  it('leaves a missing alarm out of the answer (DescribeAlarms does not fail on an unknown name)', async () => {
    // Arrange
    const plan = contractPlan((document) => {
      document.dnsFlags = [{ id: 'never-created' }];
    });

    // Act
    const alarms = await describeFlagAlarms(RECOVERY, plan.name, plan.dnsFlags);

    // Assert
    expect(alarms.size).toBe(0);
  });
});

describe('the dns-flag runtime', () => {
  it('publishes, sees the alarm in ALARM and waits for the Route 53 delay', async () => {
    // Arrange: moto does not evaluate alarms; the alarm is set to ALARM as CloudWatch would.
    const { plan, alarmName } = await arrangeFlag('ALARM');
    const scope = newExecution();

    // Act
    const summary = await dnsFlagRuntime.start({
      plan,
      scope,
      dryRun: false,
      planned: false,
      direction: 'failover',
    });

    // Assert
    const [progress] = (await readProgress<FlagProgress[]>(scope, 'dns-flag')) ?? [];
    expect(progress).toMatchObject({ alarmName, status: 'routing', value: 1, target: 'ALARM', publishes: 1 });
    expect(summary.done).toBe(false);
    expect(summary.waitSeconds).toBeGreaterThan(50);
    expect(summary.waitSeconds).toBeLessThanOrEqual(60);
  });

  it('passes the readiness check for an alarm in OK on the flag metric', async () => {
    // Arrange
    const { plan, alarmName } = await arrangeFlag('OK');

    // Act
    const checks = await kindReadiness(plan);

    // Assert
    expect(checks).toEqual([expect.objectContaining({ resource: alarmName, status: 'pass' })]);
  });
});

describe('the dns-flag kind over HTTP', () => {
  it('sent PutMetricData and DescribeAlarms to the moto server only', () => {
    expectStepCommandsSentToMoto('dns-flag', motoEndpoint(), [
      'PutMetricDataCommand',
      'DescribeAlarmsCommand',
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
  });
});
