import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidTriggerError } from '../../functions/common/errors.js';
import { MAX_EVENT_BYTES, validateTrigger } from '../../functions/validate-trigger/validate-trigger.js';
import { examplePlan } from '../fixtures/plans.js';

const OWN = '111111111111';
const EXECUTION_ID = `arn:aws:states:us-west-2:${OWN}:execution:failover:run-1`;
const sample = (): Record<string, unknown> =>
  JSON.parse(readFileSync('events/route53-health-alarm.json', 'utf8')) as Record<string, unknown>;
const validate = (event: unknown, plan = examplePlan()) =>
  validateTrigger({ event, executionId: EXECUTION_ID, executionStartedAt: '2026-11-24T09:00:01Z' }, plan);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('validateTrigger: only the accounts the plan trusts', () => {
  it('proceeds on a plan alarm of the account the orchestrator runs in (its execution ARN)', () => {
    expect(validate(sample()).decision).toBe('proceed');
  });

  it('ignores a plan alarm of another account, naming the accounts it trusts', () => {
    // Act
    const output = validate({ ...sample(), account: '999999999999' });

    // Assert
    expect(output).toEqual({
      decision: 'ignore',
      message: `alarm "shop-primary-health" comes from account 999999999999, which plan shop-prod does not trust (it trusts ${OWN}; triggers.accounts lists more): nothing to do`,
    });
  });

  it('proceeds on an alarm of an account the plan lists under triggers.accounts', () => {
    // Arrange
    const plan = examplePlan((document) => {
      document.triggers.accounts = ['999999999999'];
    });

    // Act / Assert
    expect(validate({ ...sample(), account: '999999999999' }, plan).decision).toBe('proceed');
  });

  it('takes the own account from FAILOVER_ACCOUNT_ID when set (the local engine’s simulated account)', () => {
    // Arrange
    vi.stubEnv('FAILOVER_ACCOUNT_ID', '999999999999');

    // Act / Assert
    expect(validate({ ...sample(), account: '999999999999' }).decision).toBe('proceed');
    expect(validate(sample()).decision).toBe('ignore');
  });
});

describe('validateTrigger: bad input', () => {
  it.each([
    [
      'an alarm event whose time is not a timestamp',
      { ...sample(), time: 'yesterday' },
      'time: is not a timestamp',
    ],
    ['an alarm event without account', { ...sample(), account: undefined }, 'account'],
    [
      'an event over 256 KB',
      { ...sample(), padding: 'x'.repeat(MAX_EVENT_BYTES) },
      `over the ${MAX_EVENT_BYTES} bytes of an EventBridge event`,
    ],
  ])('throws InvalidTriggerError for %s', (_case, event, message) => {
    expect(() => validate(event)).toThrow(InvalidTriggerError);
    expect(() => validate(event)).toThrow(message);
  });
});
