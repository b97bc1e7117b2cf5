import { describe, expect, it } from 'vitest';
import { outageStartOf } from '../../functions/validate-trigger/detection.js';
import { validateTrigger } from '../../functions/validate-trigger/validate-trigger.js';
import { repositoryEvent } from '../fixtures/aws-fixtures.js';
import { examplePlan } from '../fixtures/plans.js';

const ALARM_AT = Date.parse('2026-11-24T09:00:00.000Z');

describe('the outage start read from the triggering alarm', () => {
  it('takes the earliest evaluated datapoint when the reason data lists them', () => {
    const state = {
      reason: 'Threshold Crossed: 2 out of the last 2 datapoints [5.0 (24/11/26 08:59:00)]',
      reasonData: JSON.stringify({
        startDate: '2026-11-24T08:50:00.000+0000',
        evaluatedDatapoints: [
          { timestamp: '2026-11-24T08:58:00.000+0000', value: 5 },
          { timestamp: '2026-11-24T08:57:00.000+0000', value: 6 },
        ],
      }),
    };

    expect(outageStartOf(state, ALARM_AT)).toEqual({
      outageStartedAt: '2026-11-24T08:57:00.000Z',
      detectionSource: 'evaluated-datapoints',
    });
  });

  it("falls back to the evaluated range's start when there is no datapoint time", () => {
    const state = { reason: 'no times here', reasonData: '{"startDate":"2026-11-24T08:55:00.000+0000"}' };

    expect(outageStartOf(state, ALARM_AT)).toEqual({
      outageStartedAt: '2026-11-24T08:55:00.000Z',
      detectionSource: 'start-date',
    });
  });

  it('says none for a composite alarm, whose reason data names only the alarms that triggered it', () => {
    const event = repositoryEvent('composite-alarm.json');

    const output = validateTrigger(
      { event, executionId: 'x', executionStartedAt: '2026-11-24T09:00:01.000Z' },
      examplePlan(),
    );

    expect(output.decision === 'proceed' && output.trigger).toMatchObject({ detectionSource: 'none' });
    expect(output.decision === 'proceed' && output.trigger.outageStartedAt).toBeUndefined();
  });

  it('never puts the outage after the alarm, and ignores reason data that is not JSON', () => {
    const state = { reason: '[1.0 (24/11/26 09:05:00)]', reasonData: 'not json' };

    expect(outageStartOf(state, ALARM_AT)).toEqual({ detectionSource: 'none' });
  });

  it("reads the example alarm's datapoints from its reason: the outage began 3 minutes before the alarm", () => {
    const event = repositoryEvent('route53-health-alarm.json');

    const output = validateTrigger(
      { event, executionId: 'x', executionStartedAt: '2026-11-24T09:00:01.000Z' },
      examplePlan(),
    );

    expect(output.decision === 'proceed' && output.trigger).toMatchObject({
      triggeredAt: '2026-11-24T09:00:00.000Z',
      outageStartedAt: '2026-11-24T08:57:00.000Z',
      detectionSource: 'reason-datapoints',
    });
  });
});
