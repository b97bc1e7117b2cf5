import './support/aws-sdk-matchers.js';
import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  InternalServiceFault,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import type { Trigger } from '../../functions/common/workflow-state.js';
import { confirmOutage } from '../../functions/confirm-outage/confirm-outage.js';
import { handler } from '../../functions/confirm-outage/handler.js';
import { lambdaContext } from '../fixtures/lambda-context.js';

const cloudWatch = mockClient(CloudWatchClient);
const NOW = new Date('2026-11-24T09:01:00.000Z');

const alarmTrigger: Trigger = {
  kind: 'alarm',
  alarmName: 'shop-primary-health',
  alarmRegion: 'us-east-1',
  reason: 'Threshold Crossed',
  triggeredAt: '2026-11-24T09:00:00.000Z',
  confirmSeconds: 60,
  dryRun: false,
  executionId: 'run-1',
};

const metricAlarm = (StateValue: MetricAlarm['StateValue']): MetricAlarm => ({
  AlarmName: 'shop-primary-health',
  AlarmArn: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-health',
  Namespace: 'AWS/Route53',
  MetricName: 'HealthCheckStatus',
  StateValue,
});

const serviceError = (name: string, message: string) =>
  new CloudWatchServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  setClientInterceptor(undefined);
  cloudWatch.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('confirmOutage', () => {
  it.each(['ALARM', 'INSUFFICIENT_DATA'] as const)(
    'confirms the outage when the alarm is still %s',
    async (state) => {
      // Arrange
      cloudWatch
        .on(DescribeAlarmsCommand)
        .resolves({ MetricAlarms: [metricAlarm(state)], CompositeAlarms: [] });

      // Act
      const confirmation = await confirmOutage({ trigger: alarmTrigger });

      // Assert
      expect(confirmation).toEqual({
        confirmed: true,
        alarmState: state,
        checkedAt: NOW.toISOString(),
        message: `alarm "shop-primary-health" still ${state} after 60s`,
      });
      expect(cloudWatch).toHaveReceivedCommandExactlyOnceWith(DescribeAlarmsCommand, {
        AlarmNames: ['shop-primary-health'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      });
    },
  );

  it('confirms the outage from a composite alarm still in ALARM', async () => {
    // Arrange
    const composite: CompositeAlarm = { AlarmName: 'shop-primary-composite', StateValue: 'ALARM' };
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [composite] });

    // Act
    const confirmation = await confirmOutage({
      trigger: { ...alarmTrigger, alarmName: 'shop-primary-composite' },
    });

    // Assert
    expect(confirmation).toMatchObject({ confirmed: true, alarmState: 'ALARM' });
  });

  it('aborts when the alarm returned to OK within the confirm window', async () => {
    // Arrange
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm('OK')] });

    // Act
    const confirmation = await confirmOutage({ trigger: alarmTrigger });

    // Assert
    expect(confirmation).toEqual({
      confirmed: false,
      alarmState: 'OK',
      checkedAt: NOW.toISOString(),
      message:
        'alarm "shop-primary-health" returned to OK within the 60s confirm window (flap): nothing was changed',
    });
  });

  it('aborts when the alarm was deleted', async () => {
    // Arrange
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    // Act
    const confirmation = await confirmOutage({ trigger: alarmTrigger });

    // Assert
    expect(confirmation).toMatchObject({
      confirmed: false,
      alarmState: 'NOT_CHECKED',
      message:
        'alarm "shop-primary-health" no longer exists in us-east-1: not failing over on a deleted alarm',
    });
  });

  it.each([
    [
      'a request timeout',
      Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' }),
    ],
    ['throttling', serviceError('Throttling', 'Rate exceeded')],
    [
      'access denied',
      serviceError('AccessDenied', 'User is not authorized to perform: cloudwatch:DescribeAlarms'),
    ],
    [
      'a service fault',
      new InternalServiceFault({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('confirms the outage as UNREACHABLE after %s', async (_case, error) => {
    // Arrange
    cloudWatch.on(DescribeAlarmsCommand).rejects(error);

    // Act
    const confirmation = await confirmOutage({ trigger: alarmTrigger });

    // Assert
    expect(confirmation).toEqual({
      confirmed: true,
      alarmState: 'UNREACHABLE',
      checkedAt: NOW.toISOString(),
      message: `could not re-check alarm "shop-primary-health" in us-east-1 (${error.name}: ${error.message}): treating the outage as confirmed`,
    });
  });

  it("asks the alarm's own region, best effort: one attempt", async () => {
    // Arrange
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm('ALARM')] });

    // Act
    await confirmOutage({ trigger: { ...alarmTrigger, alarmRegion: 'eu-west-1' } });

    // Assert
    const client = cloudWatch.call(0).thisValue as CloudWatchClient;
    await expect(client.config.region()).resolves.toBe('eu-west-1');
    await expect(client.config.maxAttempts()).resolves.toBe(1);
  });

  it('skips the re-check for a drill', async () => {
    // Arrange
    const drill: Trigger = {
      kind: 'drill',
      reason: 'game day',
      triggeredAt: NOW.toISOString(),
      confirmSeconds: 0,
      dryRun: false,
      requestedBy: 'sre',
      executionId: 'run-2',
    };

    // Act
    const confirmation = await confirmOutage({ trigger: drill });

    // Assert
    expect(confirmation).toEqual({
      confirmed: true,
      alarmState: 'NOT_CHECKED',
      checkedAt: NOW.toISOString(),
      message: 'drill: no alarm to re-check',
    });
    expect(cloudWatch).not.toHaveReceivedAnyCommand();
  });
});

describe('confirm-outage handler', () => {
  it('returns the confirmation for the trigger it is given', async () => {
    // Arrange
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm('OK')] });

    // Act
    const confirmation = await handler({ trigger: alarmTrigger }, lambdaContext('confirm-outage'));

    // Assert
    expect(confirmation).toMatchObject({ confirmed: false, alarmState: 'OK' });
  });
});
