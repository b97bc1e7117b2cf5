import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../functions/common/errors.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { fixturePath, repositoryPath } from './infra-helpers.js';

describe('loadPlanFile', () => {
  it('loads and validates the example YAML plan, resolving alarm regions', () => {
    const plan = loadPlanFile(repositoryPath('examples', 'shop-prod.plan.yaml'));
    expect(plan.name).toBe('shop-prod');
    expect(plan.recoveryRegion).toBe('us-west-2');
    expect(plan.triggers.alarms).toContainEqual({ name: 'shop-primary-health', region: 'us-east-1' });
  });

  it('loads a JSON plan and applies the defaults (an alarm without region is in the primary region)', () => {
    const plan = loadPlanFile(fixturePath('plan.json'));
    expect(plan.triggers.alarms).toEqual([{ name: 'app-down', region: 'eu-west-1' }]);
    expect(plan.triggers.confirmSeconds).toBe(60);
    expect(plan.databases).toEqual([]);
  });

  it('reports every problem of an invalid plan at once, naming the file', () => {
    let error: unknown;
    try {
      loadPlanFile(fixturePath('invalid.plan.yaml'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanValidationError);
    const message = (error as Error).message;
    expect(message).toContain('invalid.plan.yaml');
    expect(message).toMatch(/name/);
    expect(message).toMatch(/recoveryRegion/);
    expect(message).toMatch(/maxLagSecond/);
    expect((error as PlanValidationError).issues.length).toBeGreaterThanOrEqual(4);
  });

  it('says which file it could not read', () => {
    expect(() => loadPlanFile(fixturePath('missing.plan.yaml'))).toThrow(
      /cannot read plan file .*missing\.plan\.yaml/,
    );
  });
});
