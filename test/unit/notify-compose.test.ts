import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotificationKind, WorkflowState } from '../../functions/common/workflow-state.js';
import type { Assessed } from '../../functions/kinds/kind-step.js';
import { KINDS as RESOURCE_KINDS } from '../../functions/kinds/registry.js';
import { composeMessage, failureText, type KindRecord } from '../../functions/notify/compose.js';
import { examplePlan } from '../fixtures/plans.js';
import {
  alarmTrigger,
  drillTrigger,
  failedState,
  lagCheck,
  NEW_HOST,
  OLD_HOST,
  plannedRecords,
  succeededRecords,
  succeededState,
} from '../fixtures/workflow-states.js';

/** 09:07:00Z: seven minutes after the alarm fired at 09:00:00Z. */
const NOW = new Date('2026-11-24T09:07:00.000Z');
const KINDS: readonly NotificationKind[] = ['started', 'succeeded', 'failed', 'aborted'];

const lines = (body: string): string[] => body.split('\n');

describe('failureText', () => {
  it.each([
    [
      'a Lambda error (JSON Cause)',
      {
        Error: 'PromotionFailedError',
        Cause:
          '{"errorType":"PromotionFailedError","errorMessage":"shop-db-replica is failed and cannot be promoted","trace":[]}',
      },
      'PromotionFailedError: shop-db-replica is failed and cannot be promoted',
    ],
    [
      'a plain-text Cause',
      { Error: 'States.Timeout', Cause: 'Task timed out after 120 seconds' },
      'States.Timeout: Task timed out after 120 seconds',
    ],
    [
      'a JSON Cause without errorMessage',
      { Error: 'States.Runtime', Cause: '{"detail":"x"}' },
      'States.Runtime: {"detail":"x"}',
    ],
    ['a JSON null Cause', { Error: 'States.Runtime', Cause: 'null' }, 'States.Runtime: null'],
    ['no Cause', { Error: 'States.TaskFailed' }, 'States.TaskFailed'],
    ['no failure at all', undefined, 'unknown error'],
  ])('describes %s', (_case, failure, text) => {
    // Act
    const described = failureText(failure);

    // Assert
    expect(described).toBe(text);
  });
});

describe('composeMessage', () => {
  it('announces a start with what the plan will fail over and that nothing changed yet', () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const message = composeMessage('started', plan, { trigger: alarmTrigger() }, plannedRecords(plan), NOW);

    // Assert
    expect(message.subject).toBe('Failover STARTED: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      '',
      'Trigger: alarm "shop-primary-health" (us-east-1) entered ALARM at 2026-11-24T09:00:00.000Z: Threshold Crossed: 3 out of the last 3 datapoints were less than the threshold (1.0)',
      'Execution: arn:aws:states:us-west-2:111111111111:execution:failover:run-1',
      '',
      'RDS read replicas to fail over: shop-db-replica',
      'Auto Scaling groups to fail over: shop-app-usw2',
      'SSM parameters to fail over: /shop/db/host, /shop/db/port, /shop/active-region',
      'Nothing has been changed yet.',
    ]);
  });

  it('states RTO and RPO against the objectives on success', () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const message = composeMessage('succeeded', plan, succeededState(plan), succeededRecords(plan), NOW);

    // Assert
    expect(message.subject).toBe('Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Confirmation: alarm "shop-primary-health" still ALARM after 60s',
        '- replica shop-db-replica: shop-db-replica is standalone and available',
        '- group shop-app-usw2: shop-app-usw2 has 6/6 InService',
        `- parameter /shop/db/host: repointed ${OLD_HOST} -> ${NEW_HOST}`,
        '- parameter /shop/db/port: already 5432 -> 5432',
        '- parameter /shop/active-region: repointed (absent) -> us-west-2',
        // To the last resource done (09:06:10), not to the notice (09:07:00).
        'RTO achieved: 370s (objective 900s)',
        'RPO estimate (replica lag at promotion): 12s (objective 60s)',
        'Not done: nothing; the failover is complete.',
      ]),
    );
    expect(message.body).not.toContain('WARNING');
  });

  it('warns when a database was promoted over its lag threshold', () => {
    // Arrange
    const plan = examplePlan();
    const over = lagCheck(45, {
      promotedOverThreshold: true,
      message:
        'shop-db-replica lag 45s is above 30s after 120s; promoting anyway (onLagExceeded: promote). Estimated data-loss window: about 45s of writes',
    });

    // Act
    const message = composeMessage(
      'succeeded',
      plan,
      succeededState(plan, { lag: over }),
      succeededRecords(plan, { lag: over }),
      NOW,
    );

    // Assert
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'RPO estimate (replica lag at promotion): 45s (objective 60s)',
        `WARNING: ${over.message}`,
      ]),
    );
  });

  it('says the RPO is unknown when no lag datapoint was read', () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const lag = lagCheck(null);
    const message = composeMessage(
      'succeeded',
      plan,
      succeededState(plan, { lag }),
      succeededRecords(plan, { lag }),
      NOW,
    );

    // Assert
    expect(message.body).toContain(
      'RPO estimate (replica lag at promotion): n/a (no lag datapoint) (objective 60s)',
    );
  });

  it('says a dry run changed nothing and lists what it would do', () => {
    // Arrange
    const plan = examplePlan();
    const state = succeededState(plan, { trigger: drillTrigger(true) });

    // Act
    const message = composeMessage('succeeded', plan, state, succeededRecords(plan, { dryRun: true }), NOW);

    // Assert
    expect(message.subject).toBe('Failover SUCCEEDED [dry run]: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Trigger: DRY-RUN drill requested by sre-oncall@example.com at 2026-11-24T09:00:00.000Z: Q4 game day',
        'DRY RUN: nothing was changed. What the failover would do:',
        '- replica shop-db-replica: dry run: would call PromoteReadReplica on shop-db-replica',
        `- parameter /shop/db/host: would repoint ${OLD_HOST} -> ${NEW_HOST}`,
        '- parameter /shop/db/port: already 5432 -> 5432',
      ]),
    );
    expect(message.body).not.toMatch(/: repointed /);
  });

  it('names the failed step, the error from the Lambda Cause, and what was and was not done', () => {
    // Arrange
    const plan = examplePlan();
    const state = failedState(
      'Recover',
      'PromotionFailedError',
      'shop-db-replica went failed during promotion',
    );
    const assessments: Record<string, Assessed[]> = {
      'rds-replica': [{ label: 'shop-db-replica', done: false, detail: 'standalone, failed' }],
      'auto-scaling-group': [
        { label: 'shop-app-usw2', done: true, detail: 'desired 6 (plan 6), 6 InService' },
      ],
      'ssm-parameter': [
        { label: '/shop/db/host', done: false, detail: `not repointed: holds ${OLD_HOST}` },
        { label: '/shop/db/port', done: true, detail: 'points at 5432' },
      ],
    };
    const records = plannedRecords(plan).map((record) => ({
      ...record,
      assessment: assessments[record.kind.id],
    }));

    // Act
    const message = composeMessage('failed', plan, state, records, NOW);

    // Assert
    expect(message.subject).toBe('Failover FAILED: shop-prod at Recover');
    expect(lines(message.body).slice(5)).toEqual([
      'Failed step: Recover',
      'Error: PromotionFailedError: shop-db-replica went failed during promotion',
      'Done (read back from AWS):',
      '- group shop-app-usw2: desired 6 (plan 6), 6 InService',
      '- parameter /shop/db/port: points at 5432',
      'Not done:',
      '- replica shop-db-replica: standalone, failed',
      `- parameter /shop/db/host: not repointed: holds ${OLD_HOST}`,
      '- parameter /shop/active-region: unknown: it could not be read back',
      'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
    ]);
  });

  it('says nothing was done when the assessment finds nothing done', () => {
    // Arrange
    const plan = examplePlan();
    const state = failedState('Gate', 'ReplicaLagExceededError', 'lag too high');
    const records = plannedRecords(plan).map((record) => ({
      ...record,
      assessment: record.labels.map((label) => ({ label, done: false, detail: 'not changed' })),
    }));

    // Act
    const message = composeMessage('failed', plan, state, records, NOW);

    // Assert
    expect(lines(message.body)).toEqual(
      expect.arrayContaining(['Done (read back from AWS): nothing', 'Not done:']),
    );
  });

  it('says nothing was changed when the failover was aborted', () => {
    // Arrange
    const plan = examplePlan();
    const state: WorkflowState = {
      trigger: alarmTrigger(),
      confirmation: {
        confirmed: false,
        alarmState: 'OK',
        checkedAt: '2026-11-24T09:01:00.000Z',
        message: 'alarm returned to OK',
      },
    };

    // Act
    const message = composeMessage('aborted', plan, state, plannedRecords(plan), NOW);

    // Assert
    expect(message.subject).toBe('Failover ABORTED: shop-prod, alarm recovered');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Confirmation: alarm returned to OK',
        'Nothing was changed: no resource of the plan was touched.',
      ]),
    );
  });

  it('says the trigger was not validated when the state has none', () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const message = composeMessage('failed', plan, { failedStep: 'Validate Trigger' }, [], NOW);

    // Assert
    expect(lines(message.body)[2]).toBe('Trigger: not validated');
    expect(message.body).toContain('Error: unknown error');
  });

  it.each(KINDS)('keeps the %s subject under 100 printable ASCII characters (SNS Subject)', (kind) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (failedStep) => {
        // Arrange
        const plan = examplePlan((document) => {
          document.name = 'a'.repeat(63);
        });
        const state: WorkflowState = { trigger: drillTrigger(true), failedStep };

        // Act
        const { subject } = composeMessage(kind, plan, state, [], NOW);

        // Assert
        expect(subject.length).toBeLessThan(100);
        expect(subject).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });

  describe('for the largest plan the schema allows', () => {
    /** Every kind at its maxItems, every name and value at its longest. */
    const largestPlan = () =>
      examplePlan((document) => {
        document.name = 'p'.repeat(63);
        document.databases = Array.from({ length: 100 }, (_, i) => ({
          id: `db${i}`,
          replica: `r${String(i).padStart(3, '0')}${'x'.repeat(59)}`,
          maxLagSeconds: 30,
        }));
        document.scalingGroups = Array.from({ length: 100 }, (_, i) => ({
          name: `${String(i).padStart(3, '0')}${'é'.repeat(252)}`,
          min: 1,
          desired: 2,
          max: 3,
        }));
        document.parameters = Array.from({ length: 200 }, (_, i) => ({
          name: `/${String(i).padStart(3, '0')}${'p'.repeat(1007)}`,
          value: 'v'.repeat(4096),
        }));
      });
    const BYTES_256_KB = 262_144;
    const longText = 'ü'.repeat(8_192);

    /** Records as long as the kinds write them, and read-backs quoting whole (8 KB) parameter values. */
    const largestRecords = (plan: ReturnType<typeof largestPlan>): KindRecord[] =>
      RESOURCE_KINDS.map((kind) => {
        const labels = (plan[kind.planKey] as readonly unknown[]).map((item) =>
          (kind.label as (value: unknown) => string)(item),
        );
        return {
          kind,
          labels,
          progress: labels.map(() => ({ message: `repointed ${'a'.repeat(201)} -> ${'b'.repeat(201)}` })),
          gate: kind.hasGate
            ? labels.map(() => lagCheck(20, { promotedOverThreshold: true, message: longText }))
            : undefined,
          assessment: labels.map((label, i) => ({
            label,
            done: i % 2 === 0,
            detail: `not repointed: holds ${longText}`,
          })),
        };
      });

    it.each(KINDS)('keeps the %s message within the 256 KB SNS allows, and says when it was cut', (kind) => {
      // Arrange
      const plan = largestPlan();
      const state: WorkflowState = {
        ...succeededState(plan),
        failedStep: 'Recover',
        failure: { Error: 'States.TaskFailed', Cause: longText.repeat(4) },
      };

      // Act
      const { subject, body } = composeMessage(kind, plan, state, largestRecords(plan), NOW);

      // Assert
      expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(BYTES_256_KB);
      expect(subject.length).toBeLessThan(100);
      if (kind !== 'aborted')
        expect(body).toMatch(/\n… \(cut to \d+ bytes; the failover record holds every resource\)$/);
      expect(body).not.toContain('\uFFFD');
    });
  });
});
