import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotificationKind, WorkflowState } from '../../functions/common/workflow-state.js';
import type { AssessedResource } from '../../functions/notify/assess.js';
import { composeMessage, failureText } from '../../functions/notify/compose.js';
import { examplePlan } from '../fixtures/plans.js';
import {
  alarmTrigger,
  drillTrigger,
  failedState,
  lagCheck,
  NEW_HOST,
  OLD_HOST,
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
    const message = composeMessage('started', plan, { plan, trigger: alarmTrigger() }, [], NOW);

    // Assert
    expect(message.subject).toBe('Failover STARTED: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      '',
      'Trigger: alarm "shop-primary-health" (us-east-1) entered ALARM at 2026-11-24T09:00:00.000Z: Threshold Crossed: 3 out of the last 3 datapoints were less than the threshold (1.0)',
      'Execution: arn:aws:states:us-west-2:111111111111:execution:failover:run-1',
      '',
      'Databases to promote: shop-db-replica',
      'Groups to scale: shop-app-usw2 -> 6',
      'Parameters to repoint: /shop/db/host, /shop/db/port, /shop/active-region',
      'Nothing has been changed yet.',
    ]);
  });

  it('states RTO and RPO against the objectives on success', () => {
    // Arrange
    const plan = examplePlan();

    // Act
    const message = composeMessage('succeeded', plan, succeededState(plan), [], NOW);

    // Assert
    expect(message.subject).toBe('Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Confirmation: alarm "shop-primary-health" still ALARM after 60s',
        '- database shop-db-replica: shop-db-replica is standalone and available',
        '- group shop-app-usw2: shop-app-usw2 has 6/6 InService',
        `- parameter /shop/db/host: repointed ${OLD_HOST} -> ${NEW_HOST}`,
        '- parameter /shop/db/port: already 5432 -> 5432',
        '- parameter /shop/active-region: repointed (absent) -> us-west-2',
        'RTO achieved: 420s (objective 900s)',
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
    const message = composeMessage('succeeded', plan, succeededState(plan, { lag: over }), [], NOW);

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
    const message = composeMessage('succeeded', plan, succeededState(plan, { lag: lagCheck(null) }), [], NOW);

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
    const message = composeMessage('succeeded', plan, state, [], NOW);

    // Assert
    expect(message.subject).toBe('Failover SUCCEEDED [dry run]: shop-prod us-east-1 -> us-west-2');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Trigger: DRY-RUN drill requested by sre-oncall@example.com at 2026-11-24T09:00:00.000Z: Q4 game day',
        'DRY RUN: nothing was changed. What the failover would do:',
        '- database shop-db-replica: dry run: would call PromoteReadReplica on shop-db-replica',
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
      plan,
      'Promote And Scale',
      'PromotionFailedError',
      'shop-db-replica went failed during promotion',
    );
    const assessment: AssessedResource[] = [
      { kind: 'database', name: 'shop-db-replica', done: false, detail: 'standalone, failed' },
      { kind: 'group', name: 'shop-app-usw2', done: true, detail: 'desired 6 (plan 6), 6 InService' },
      { kind: 'parameter', name: '/shop/db/host', done: false, detail: `not repointed: holds ${OLD_HOST}` },
    ];

    // Act
    const message = composeMessage('failed', plan, state, assessment, NOW);

    // Assert
    expect(message.subject).toBe('Failover FAILED: shop-prod at Promote And Scale');
    expect(lines(message.body).slice(5)).toEqual([
      'Failed step: Promote And Scale',
      'Error: PromotionFailedError: shop-db-replica went failed during promotion',
      'Done (read back from AWS):',
      '- group shop-app-usw2: desired 6 (plan 6), 6 InService',
      'Not done:',
      '- database shop-db-replica: standalone, failed',
      `- parameter /shop/db/host: not repointed: holds ${OLD_HOST}`,
      'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
    ]);
  });

  it('says nothing was done when the assessment finds nothing done', () => {
    // Arrange
    const plan = examplePlan();
    const state = failedState(plan, 'Check Replica Lag', 'ReplicaLagExceededError', 'lag too high');

    // Act
    const message = composeMessage(
      'failed',
      plan,
      state,
      [{ kind: 'group', name: 'g', done: false, detail: 'desired 2 (plan 6), 2 InService' }],
      NOW,
    );

    // Assert
    expect(lines(message.body)).toEqual(
      expect.arrayContaining(['Done (read back from AWS): nothing', 'Not done:']),
    );
  });

  it('says nothing was changed when the failover was aborted', () => {
    // Arrange
    const plan = examplePlan();
    const state: WorkflowState = {
      plan,
      trigger: alarmTrigger(),
      confirmation: {
        confirmed: false,
        alarmState: 'OK',
        checkedAt: '2026-11-24T09:01:00.000Z',
        message: 'alarm returned to OK',
      },
    };

    // Act
    const message = composeMessage('aborted', plan, state, [], NOW);

    // Assert
    expect(message.subject).toBe('Failover ABORTED: shop-prod, alarm recovered');
    expect(lines(message.body)).toEqual(
      expect.arrayContaining([
        'Confirmation: alarm returned to OK',
        'Nothing was changed: no database promoted, no group scaled, no parameter repointed.',
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

  it.each(KINDS)('keeps the %s subject within 100 printable ASCII characters', (kind) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (failedStep) => {
        // Arrange
        const plan = examplePlan((document) => {
          document.name = 'a'.repeat(63);
        });
        const state: WorkflowState = { plan, trigger: drillTrigger(true), failedStep };

        // Act
        const { subject } = composeMessage(kind, plan, state, [], NOW);

        // Assert
        expect(subject.length).toBeLessThanOrEqual(100);
        expect(subject).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});
