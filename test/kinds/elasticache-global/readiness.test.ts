import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario } from '../../../engine/sim/index.js';
import { parsePlan } from '../../../functions/common/plan.js';
import { kindReadiness } from '../../../functions/kinds/elasticache-global/readiness.js';
import { settle, simulate, teardown } from '../../sim/support.js';
import { GLOBAL_ID, globalPlanInput } from './support.js';

/** `failover check` of the Global Datastore kind on the simulated AWS. */

const plan = parsePlan(globalPlanInput());
const lines = (checks: readonly { status: string; check: string }[]) =>
  checks.map((check) => `${check.status} ${check.check}`);
const check = (scenario: Scenario) => {
  const { clock } = simulate(scenario, { latencyMs: 5 }, plan);
  return settle(clock, kindReadiness(plan));
};

afterEach(teardown);

describe('readiness of the Global Datastore kind', () => {
  it('passes a secondary of an available datastore within its lag threshold', async () => {
    const checks = await check({});

    expect(lines(checks)).toEqual([
      'pass global-datastore-exists',
      'pass global-datastore-secondary',
      'pass global-datastore-available',
      'pass global-datastore-lag',
    ]);
  });

  it('fails a datastore that is modifying and over its lag threshold, saying why', async () => {
    const checks = await check({
      globalDatastores: { [GLOBAL_ID]: { status: 'modifying', lag: [{ atSeconds: -900, lagSeconds: 12 }] } },
    });

    expect(lines(checks)).toEqual([
      'pass global-datastore-exists',
      'pass global-datastore-secondary',
      'fail global-datastore-available',
      'fail global-datastore-lag',
    ]);
    expect(checks[3]?.reason).toBe(`${GLOBAL_ID} lag 12s is over maxLagSeconds 5s`);
  });

  it('fails once, without the other checks, for a missing datastore, and says when it already failed over', async () => {
    const missing = await check({ globalDatastores: { [GLOBAL_ID]: { missing: true } } });
    teardown();
    const failedOver = await check({ globalDatastores: { [GLOBAL_ID]: { alreadyFailedOver: true } } });

    expect(lines(missing)).toEqual(['fail global-datastore-exists']);
    expect(lines(failedOver)).toEqual([
      'pass global-datastore-exists',
      'fail global-datastore-secondary',
      'pass global-datastore-available',
    ]);
    expect(failedOver[1]?.reason).toContain('is already the primary');
  });
});
