import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployedPlan, notificationTopicArn } from '../../functions/common/config.js';
import { PlanValidationError } from '../../functions/common/errors.js';
import { examplePlan, examplePlanDocument } from '../fixtures/plans.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('deployedPlan', () => {
  it('validates the plan in FAILOVER_PLAN and applies its defaults', () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));

    // Act
    const plan = deployedPlan();

    // Assert
    expect(plan).toEqual(examplePlan());
  });

  it('validates once per cold start and again when the plan changes', () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlanDocument()));
    const first = deployedPlan();

    // Act
    const again = deployedPlan();
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify({ ...examplePlanDocument(), name: 'shop-staging' }));
    const changed = deployedPlan();

    // Assert
    expect(again).toBe(first);
    expect(changed.name).toBe('shop-staging');
  });

  it('reads the plan file a deployed function carries when FAILOVER_PLAN is not set', () => {
    // Arrange
    const file = join(mkdtempSync(join(tmpdir(), 'deployed-plan-')), 'failover-plan.json');
    writeFileSync(file, JSON.stringify({ ...examplePlanDocument(), name: 'shop-from-file' }));
    vi.stubEnv('FAILOVER_PLAN', '');
    vi.stubEnv('FAILOVER_PLAN_FILE', file);

    // Act
    const plan = deployedPlan();

    // Assert
    expect(plan.name).toBe('shop-from-file');
  });

  it.each([undefined, ''])('throws naming the missing plan file when FAILOVER_PLAN is %j', (value) => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', value);
    vi.stubEnv('FAILOVER_PLAN_FILE', undefined);

    // Act
    const read = () => deployedPlan();

    // Assert
    expect(read).toThrow(
      /FAILOVER_PLAN is not set and the plan file .*failover-plan\.json cannot be read \(ENOENT\): the orchestrator was deployed without a plan/,
    );
  });

  it('throws PlanValidationError naming the deployed plan when it is invalid', () => {
    // Arrange
    vi.stubEnv('FAILOVER_PLAN', JSON.stringify({ ...examplePlanDocument(), recoveryRegion: 'us-east-1' }));

    // Act
    const read = () => deployedPlan();

    // Assert
    expect(read).toThrow(PlanValidationError);
    expect(read).toThrow(/^deployed plan is invalid/);
  });
});

describe('notificationTopicArn', () => {
  const withoutTopic = () =>
    examplePlan((document) => {
      delete document.notifications;
    });

  it("returns the plan's topic first", () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', 'arn:aws:sns:us-west-2:111111111111:construct-topic');

    // Act
    const arn = notificationTopicArn(examplePlan());

    // Assert
    expect(arn).toBe('arn:aws:sns:us-west-2:111111111111:shop-failover');
  });

  it('falls back to FAILOVER_TOPIC_ARN', () => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', 'arn:aws:sns:us-west-2:111111111111:construct-topic');

    // Act
    const arn = notificationTopicArn(withoutTopic());

    // Assert
    expect(arn).toBe('arn:aws:sns:us-west-2:111111111111:construct-topic');
  });

  it.each([undefined, ''])('throws when neither is set (FAILOVER_TOPIC_ARN %j)', (value) => {
    // Arrange
    vi.stubEnv('FAILOVER_TOPIC_ARN', value);

    // Act
    const read = () => notificationTopicArn(withoutTopic());

    // Assert
    expect(read).toThrow('no notification topic');
  });
});
