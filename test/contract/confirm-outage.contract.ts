import {
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../functions/common/workflow-state.js';
import { confirmOutage } from '../../functions/confirm-outage/confirm-outage.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import { arrange, motoEndpoint, PRIMARY, rejectionOf } from './support.js';

/**
 * confirmOutage over HTTP against moto's CloudWatch in the alarm's region. moto 5.2 does not
 * implement PutCompositeAlarm, so only metric alarms can be arranged; DescribeAlarms still asks
 * for both types and moto answers an empty CompositeAlarms list.
 */

let created = 0;

/** A Route 53 health-check alarm like the example plan's, in the primary region. */
async function createAlarm(): Promise<string> {
  created += 1;
  const name = `contract-primary-health-${created}`;
  await arrange.cloudWatch(PRIMARY).send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: 'contract-health-check' }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    }),
  );
  return name;
}

function alarmTrigger(alarmName: string): Trigger {
  return {
    kind: 'alarm',
    alarmName,
    alarmRegion: PRIMARY,
    reason: 'Threshold Crossed: 1 datapoint [0.0] was less than the threshold (1.0).',
    triggeredAt: new Date(Date.now() - 60_000).toISOString(),
    confirmSeconds: 60,
    dryRun: false,
    executionId: 'arn:aws:states:us-west-2:123456789012:execution:failover:contract',
  };
}

describe('confirmOutage', () => {
  it.each<[string, StateValue | undefined, boolean]>([
    ['still ALARM', 'ALARM', true],
    ['back to OK (a flap)', 'OK', false],
    ['INSUFFICIENT_DATA, as when the region stops sending metrics', 'INSUFFICIENT_DATA', true],
    // AWS creates an alarm in INSUFFICIENT_DATA; moto in OK ("Unchecked: Initial alarm creation").
    ['never evaluated (moto starts alarms in OK)', undefined, false],
  ])('re-reads an alarm that is %s', async (_case, state, confirmed) => {
    // Arrange
    const name = await createAlarm();
    if (state !== undefined) {
      await arrange
        .cloudWatch(PRIMARY)
        .send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: 'contract test' }));
    }

    // Act
    const confirmation = await confirmOutage({ trigger: alarmTrigger(name) });

    // Assert
    expect(confirmation).toMatchObject({ confirmed, alarmState: state ?? 'OK' });
  });

  it('does not fail over on an alarm that was deleted', async () => {
    // Arrange
    const name = await createAlarm();
    await arrange.cloudWatch(PRIMARY).send(new DeleteAlarmsCommand({ AlarmNames: [name] }));

    // Act
    const confirmation = await confirmOutage({ trigger: alarmTrigger(name) });

    // Assert
    expect(confirmation).toMatchObject({ confirmed: false, alarmState: 'NOT_CHECKED' });
    expect(confirmation.message).toContain('no longer exists');
  });
});

describe('CloudWatch errors as the SDK reads them from moto', () => {
  it('names SetAlarmState of an unknown alarm ResourceNotFound (404)', async () => {
    // Act
    const error = await rejectionOf(
      arrange
        .cloudWatch(PRIMARY)
        .send(
          new SetAlarmStateCommand({ AlarmName: 'contract-missing', StateValue: 'ALARM', StateReason: 'x' }),
        ),
    );

    // Assert
    expect(error.name).toBe('ResourceNotFound');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('confirmOutage over HTTP', () => {
  it('sent DescribeAlarms to the moto server only', () => {
    expectStepCommandsSentToMoto('confirm-outage', motoEndpoint());
  });
});
