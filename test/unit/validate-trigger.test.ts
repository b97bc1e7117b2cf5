import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidTriggerError } from '../../functions/common/errors.js';
import type { Plan } from '../../functions/common/plan.js';
import type { ValidateTriggerInput } from '../../functions/common/workflow-state.js';
import { handler } from '../../functions/validate-trigger/handler.js';
import { parseAlarmTimestamp, validateTrigger } from '../../functions/validate-trigger/validate-trigger.js';
import { ALARM_EVENT_FILES, awsEvent, awsEventFiles, repositoryEvent } from '../fixtures/aws-fixtures.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan, examplePlanDocument } from '../fixtures/plans.js';

const EXECUTION_ID = 'arn:aws:states:us-west-2:111111111111:execution:failover:run-1';
const EXECUTION_STARTED_AT = '2026-11-24T09:00:05.123Z';

const input = (event: unknown): ValidateTriggerInput => ({
  event,
  executionId: EXECUTION_ID,
  executionStartedAt: EXECUTION_STARTED_AT,
});

/** The account of the documented samples' alarms: another account than the orchestrator's. */
const SAMPLES_ACCOUNT = '123456789012';

/** The example plan, watching one more alarm, of the documented samples' account. */
const planWatching = (name: string, region: string): Plan =>
  examplePlan((document) => {
    document.triggers.alarms.push({ name, region });
    document.triggers.accounts = [SAMPLES_ACCOUNT];
  });

/**
 * Each verbatim ALARM sample with its alarm, its `detail.state.timestamp` (`+0000`) as UTC ISO
 * 8601, and the outage start its reason's datapoints give (the composite alarm has none).
 */
const ALARM_SAMPLES = [
  [ALARM_EVENT_FILES[0], 'ServerCpuTooHigh', '2019-10-02T17:04:40.989Z', '2019-10-02T16:59:00.000Z'],
  [
    ALARM_EVENT_FILES[1],
    'TotalNetworkTrafficTooHigh',
    '2019-10-02T17:20:48.554Z',
    '2019-10-02T17:10:00.000Z',
  ],
  [
    ALARM_EVENT_FILES[2],
    'EC2 CPU Utilization Anomaly',
    '2019-10-03T16:00:04.653Z',
    '2019-10-03T15:58:00.000Z',
  ],
  [ALARM_EVENT_FILES[3], 'ServiceAggregatedAlarm', '2022-07-22T15:57:45.394Z', undefined],
] as const;

const OTHER_EVENT_FILES = awsEventFiles().filter(
  (file) => !file.startsWith('cloudwatch-alarm-state-change_'),
);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('validateTrigger', () => {
  describe('with a CloudWatch Alarm State Change event', () => {
    it.each(ALARM_SAMPLES)(
      'ignores %s: its alarm is not a trigger of the example plan',
      (file, alarmName) => {
        // Arrange
        const event = awsEvent(file);

        // Act
        const output = validateTrigger(input(event), examplePlan());

        // Assert
        expect(output).toEqual({
          decision: 'ignore',
          message: `alarm "${alarmName}" is not a trigger of plan shop-prod: nothing to do`,
        });
      },
    );

    it.each(ALARM_SAMPLES)(
      'proceeds on %s when the plan lists its alarm in us-east-1',
      (file, alarmName, triggeredAt, outageStartedAt) => {
        // Arrange
        const event = awsEvent(file);
        const plan = planWatching(alarmName, 'us-east-1');
        const state = event.detail.state as { reason: string };

        // Act
        const output = validateTrigger(input(event), plan);

        // Assert
        expect(output).toEqual({
          decision: 'proceed',
          message: `alarm "${alarmName}" entered ALARM in us-east-1`,
          trigger: {
            kind: 'alarm',
            alarmName,
            alarmRegion: 'us-east-1',
            reason: state.reason,
            triggeredAt,
            ...(outageStartedAt === undefined
              ? { detectionSource: 'none' }
              : { outageStartedAt, detectionSource: 'reason-datapoints' }),
            confirmSeconds: 60,
            dryRun: false,
            executionId: EXECUTION_ID,
          },
        });
      },
    );

    it('ignores a plan alarm that fired in another region than the plan watches', () => {
      // Arrange
      const event = awsEvent(ALARM_EVENT_FILES[0]);
      const plan = planWatching('ServerCpuTooHigh', 'us-west-2');

      // Act
      const output = validateTrigger(input(event), plan);

      // Assert
      expect(output).toEqual({
        decision: 'ignore',
        message:
          'alarm "ServerCpuTooHigh" fired in us-east-1, but plan shop-prod watches it in us-west-2: nothing to do',
      });
    });

    it.each(['OK', 'INSUFFICIENT_DATA'] as const)('ignores a plan alarm that entered %s', (value) => {
      // Arrange: AWS publishes no EventBridge sample of a transition out of ALARM (SOURCES.md),
      // so the verbatim OK -> ALARM sample is turned around: its previousState becomes the state.
      const event = awsEvent(ALARM_EVENT_FILES[0]);
      const detail = event.detail as {
        state: Record<string, unknown>;
        previousState: Record<string, unknown>;
      };
      [detail.state, detail.previousState] = [{ ...detail.previousState, value }, detail.state];
      const plan = planWatching('ServerCpuTooHigh', 'us-east-1');

      // Act
      const output = validateTrigger(input(event), plan);

      // Assert
      expect(output).toEqual({
        decision: 'ignore',
        message: `alarm "ServerCpuTooHigh" entered ${value}, not ALARM: nothing to do`,
      });
    });

    it("uses this repository's Route 53 health alarm event to start the example plan", () => {
      // Arrange
      const event = repositoryEvent('route53-health-alarm.json');

      // Act
      const output = validateTrigger(input(event), examplePlan());

      // Assert
      expect(output).toMatchObject({
        decision: 'proceed',
        trigger: {
          alarmName: 'shop-primary-health',
          triggeredAt: '2026-11-24T09:00:00.000Z',
          confirmSeconds: 60,
        },
      });
    });
  });

  describe('with an event that is not an alarm state change', () => {
    it.each(OTHER_EVENT_FILES)('ignores %s without throwing', (file) => {
      // Arrange
      const event = awsEvent(file);

      // Act
      const output = validateTrigger(input(event), examplePlan());

      // Assert
      expect(output).toEqual({
        decision: 'ignore',
        message: `"${event['detail-type']}" events from ${event.source} do not start a failover: nothing to do`,
      });
    });

    it('ignores an alarm configuration change even for an alarm the plan watches', () => {
      // Arrange
      const event = awsEvent('NEGATIVE_cloudwatch-alarm-configuration-change_composite-create.json');
      const plan = planWatching('ServiceAggregatedAlarm', 'us-east-1');

      // Act
      const output = validateTrigger(input(event), plan);

      // Assert
      expect(output.decision).toBe('ignore');
    });
  });

  describe('with malformed input', () => {
    const alarmEvent = () => awsEvent(ALARM_EVENT_FILES[0]);
    const withDetail = (change: (detail: Record<string, unknown>) => void) => {
      const event = alarmEvent();
      change(event.detail);
      return event;
    };

    it.each([
      ['an array', [alarmEvent()], 'execution input must be an event object, got an array'],
      ['null', null, 'execution input must be an event object, got null'],
      ['a string', 'ALARM', 'execution input must be an event object, got string'],
      [
        'an object without source',
        { 'detail-type': 'CloudWatch Alarm State Change' },
        'it has no "source" and "detail-type"',
      ],
      [
        'a numeric detail-type',
        { ...alarmEvent(), 'detail-type': 7 },
        'it has no "source" and "detail-type"',
      ],
      ['an alarm event without detail.state', withDetail((detail) => delete detail.state), 'detail.state:'],
      [
        'an alarm event with an unknown state value',
        withDetail((detail) => Object.assign(detail.state as object, { value: 'BROKEN' })),
        'detail.state.value:',
      ],
      [
        'an alarm event without detail.state.timestamp',
        withDetail((detail) => delete (detail.state as Record<string, unknown>).timestamp),
        'detail.state.timestamp:',
      ],
      [
        'an alarm event with a numeric alarm name',
        withDetail((detail) => (detail.alarmName = 42)),
        'detail.alarmName:',
      ],
      ['an alarm event without detail', { ...alarmEvent(), detail: undefined }, 'detail:'],
      ['an alarm event without region', { ...alarmEvent(), region: undefined }, 'region:'],
    ])('throws InvalidTriggerError naming the problem for %s', (_case, event, message) => {
      // Act
      const validate = () => validateTrigger(input(event), planWatching('ServerCpuTooHigh', 'us-east-1'));

      // Assert
      expect(validate).toThrow(InvalidTriggerError);
      expect(validate).toThrow(message);
    });

    it('throws InvalidTriggerError for an unparseable alarm timestamp of a plan alarm', () => {
      // Arrange
      const event = withDetail((detail) => Object.assign(detail.state as object, { timestamp: 'yesterday' }));

      // Act
      const validate = () => validateTrigger(input(event), planWatching('ServerCpuTooHigh', 'us-east-1'));

      // Assert
      expect(validate).toThrow(
        new InvalidTriggerError('detail.state.timestamp "yesterday" is not a timestamp'),
      );
    });
  });

  describe('with a drill request', () => {
    const drill = (detail: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) => {
      const event = repositoryEvent('gameday-drill.json');
      return { ...event, ...envelope, detail: { ...event.detail, ...detail } };
    };

    it('proceeds with a live drill of this plan, timed by the request', () => {
      // Arrange
      const plan = examplePlan();

      // Act
      const output = validateTrigger(input(drill()), plan);

      // Assert
      expect(output).toEqual({
        decision: 'proceed',
        message: 'live drill requested by sre-oncall@example.com',
        trigger: {
          kind: 'drill',
          reason: 'Q4 game day: rehearse region failover',
          triggeredAt: '2026-11-24T09:00:00.000Z',
          confirmSeconds: 0,
          dryRun: false,
          requestedBy: 'sre-oncall@example.com',
          executionId: EXECUTION_ID,
        },
      });
    });

    it('marks a dry-run drill and counts from the execution start when the request has no time', () => {
      // Arrange
      const event: Record<string, unknown> = drill({ dryRun: true });
      delete event.time;

      // Act
      const output = validateTrigger(input(event), examplePlan());

      // Assert
      expect(output).toMatchObject({
        decision: 'proceed',
        message: 'dry-run drill requested by sre-oncall@example.com',
        trigger: { dryRun: true, triggeredAt: EXECUTION_STARTED_AT, confirmSeconds: 0 },
      });
    });

    it.each([
      [
        'names another plan',
        drill({ planName: 'billing-prod' }),
        'drill request names plan "billing-prod", but this orchestrator runs plan "shop-prod"',
      ],
      ['has no reason', drill({ reason: undefined }), 'invalid drill request: detail.reason:'],
      ['has a string dryRun', drill({ dryRun: 'yes' }), 'invalid drill request: detail.dryRun:'],
      [
        'has an unknown detail key',
        drill({ force: true }),
        'invalid drill request: detail: Unrecognized key: "force"',
      ],
      [
        'has the wrong detail-type',
        drill({}, { 'detail-type': 'Drill' }),
        'invalid drill request: detail-type:',
      ],
      [
        'has an unparseable time',
        drill({}, { time: 'tomorrow 9am' }),
        'invalid drill request: time "tomorrow 9am" is not a timestamp',
      ],
    ])('throws InvalidTriggerError when the request %s', (_case, event, message) => {
      // Act
      const validate = () => validateTrigger(input(event), examplePlan());

      // Assert
      expect(validate).toThrow(InvalidTriggerError);
      expect(validate).toThrow(message);
    });
  });
});

describe('parseAlarmTimestamp', () => {
  it.each([
    ['2019-10-02T17:04:40.989+0000', '2019-10-02T17:04:40.989Z'],
    ['2019-10-02T22:34:40.989+0530', '2019-10-02T17:04:40.989Z'],
    ['2019-10-02T13:04:40.989-0400', '2019-10-02T17:04:40.989Z'],
    ['2019-10-02T17:04:40.989+00:00', '2019-10-02T17:04:40.989Z'],
    ['2019-10-02T17:04:40Z', '2019-10-02T17:04:40.000Z'],
  ])('reads %s as %s', (timestamp, iso) => {
    // Act
    const parsed = parseAlarmTimestamp(timestamp);

    // Assert
    expect(parsed).toBe(iso);
  });

  it.each(['', 'yyyy-mm-ddThh:mm:ssZ', '2019-13-45T99:99:99+0000'])(
    'throws InvalidTriggerError for %j',
    (timestamp) => {
      // Act
      const parse = () => parseAlarmTimestamp(timestamp);

      // Assert
      expect(parse).toThrow(InvalidTriggerError);
    },
  );
});

describe('validate-trigger handler', () => {
  it('validates the event against the deployed plan from FAILOVER_PLAN', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));
    const event = repositoryEvent('route53-health-alarm.json');

    // Act
    const output = await handler(input(event), lambdaContext('validate-trigger'));

    // Assert
    expect(output).toMatchObject({
      decision: 'proceed',
      trigger: { alarmName: 'shop-primary-health' },
    });
    // State by reference: every function reads the plan from its own bundle.
    expect(output).not.toHaveProperty('plan');
  });

  it('ignores a real alarm sample of another stack', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));

    // Act
    const output = await handler(input(awsEvent(ALARM_EVENT_FILES[3])), lambdaContext('validate-trigger'));

    // Assert
    expect(output).toEqual({
      decision: 'ignore',
      message: 'alarm "ServiceAggregatedAlarm" is not a trigger of plan shop-prod: nothing to do',
    });
  });

  it('fails with the error name InvalidTriggerError for malformed input, which the ASL catches', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));

    // Act
    const invocation = handler(input([]), lambdaContext('validate-trigger'));

    // Assert
    await expect(invocation).rejects.toMatchObject({
      name: 'InvalidTriggerError',
      message: expect.stringContaining('an array'),
    });
  });

  it('fails when the orchestrator was deployed without a plan', async () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', '');

    // Act
    const invocation = handler(
      input(repositoryEvent('route53-health-alarm.json')),
      lambdaContext('validate-trigger'),
    );

    // Assert
    await expect(invocation).rejects.toThrow('FAILOVER_PLAN is not set');
  });
});
