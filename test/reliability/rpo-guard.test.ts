import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observeReplay, type ObservedReplay } from '../../engine/faults/index.js';
import type { Scenario } from '../../engine/sim/index.js';
import type { Plan } from '../../functions/common/plan.js';
import { callsOf, examplePlan, routeHealthAlarm } from './support.js';

type Policy = 'abort' | 'promote';

/** The example plan (maxLagSeconds 30, lagWaitSeconds 120) with the given policy and threshold. */
const planWith = (policy: Policy, maxLagSeconds = 30): Plan =>
  examplePlan((document) => {
    document.databases = (document.databases ?? []).map((db) => ({
      ...db,
      onLagExceeded: policy,
      maxLagSeconds,
    }));
  });

/** A replica whose ReplicaLag stays at `lagSeconds` (null: no datapoint) for the whole replay. */
const steadyLag = (lagSeconds: number | null): Scenario => ({
  lag: { '*': [{ atSeconds: -600, lagSeconds }] },
});

const promotions = ({ calls }: ObservedReplay) => callsOf(calls, 'PromoteReadReplica');
const lastMessage = ({ result }: ObservedReplay) => result.cloud.notifications.at(-1)?.message ?? '';
/** Seconds from the first lag reading to the first PromoteReadReplica call. */
function gateWaitSeconds(observed: ObservedReplay): number {
  const firstRead = callsOf(observed.calls, 'GetMetricData')[0]!;
  const promote = promotions(observed)[0]!;
  return (promote.time - firstRead.time) / 1000;
}

describe('the RPO gate with lag above the threshold', () => {
  it('never promotes when the policy is abort, and says nothing was promoted', async () => {
    const observed = await observeReplay(planWith('abort'), routeHealthAlarm(), steadyLag(240));

    expect(observed.result.outcome).toBe('failed');
    expect(observed.result.error?.error).toBe('ReplicaLagExceededError');
    expect(promotions(observed)).toEqual([]);
    expect(observed.result.mutatingCalls).toBe(0);
    expect(lastMessage(observed)).toMatch(/lag 240s is above 30s after waiting 12\ds \(lagWaitSeconds 120\)/);
    expect(lastMessage(observed)).toContain('onLagExceeded is abort, so nothing was promoted');
  });

  it('promotes after the lag wait when the policy is promote, and states the estimated data-loss window', async () => {
    const observed = await observeReplay(planWith('promote'), routeHealthAlarm(), steadyLag(240));

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    expect(promotions(observed).map((call) => call.outcome)).toEqual(['ok']);
    expect(gateWaitSeconds(observed)).toBeGreaterThanOrEqual(120);
    const message = lastMessage(observed);
    expect(message).toContain('Failover SUCCEEDED');
    expect(message).toContain('Estimated data-loss window: about 240s of writes');
    expect(message).toContain('RPO estimate (replica lag at promotion): 240s (objective 60s)');
  });
});

describe('the RPO gate without a ReplicaLag datapoint', () => {
  it('never promotes when the policy is abort', async () => {
    const observed = await observeReplay(planWith('abort'), routeHealthAlarm(), steadyLag(null));

    expect(observed.result.error?.error).toBe('ReplicaLagUnknownError');
    expect(promotions(observed)).toEqual([]);
    expect(lastMessage(observed)).toContain('has no ReplicaLag datapoint');
  });

  it('promotes when the policy is promote and says the data-loss window is unknown', async () => {
    const observed = await observeReplay(planWith('promote'), routeHealthAlarm(), steadyLag(null));

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    expect(lastMessage(observed)).toContain('Estimated data-loss window: unknown (no lag datapoint)');
  });
});

describe('the RPO gate with lag within the threshold', () => {
  it.each(['abort', 'promote'] as const)(
    'promotes at once without a data-loss warning (policy %s)',
    async (policy) => {
      const observed = await observeReplay(planWith(policy), routeHealthAlarm(), steadyLag(30));

      expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
      expect(gateWaitSeconds(observed)).toBeLessThan(1);
      expect(lastMessage(observed)).not.toContain('Estimated data-loss window');
      expect(lastMessage(observed)).toContain('RPO estimate (replica lag at promotion): 30s (objective 60s)');
    },
  );

  it('waits for lag to fall under the threshold, then promotes under policy abort', async () => {
    const falling: Scenario = {
      lag: {
        '*': [
          { atSeconds: -600, lagSeconds: 90 },
          { atSeconds: 100, lagSeconds: 8 },
        ],
      },
    };

    const observed = await observeReplay(planWith('abort'), routeHealthAlarm(), falling);

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    expect(gateWaitSeconds(observed)).toBeGreaterThan(0);
    expect(lastMessage(observed)).toContain('RPO estimate (replica lag at promotion): 8s');
  });
});

describe('the RPO gate over several databases', () => {
  it('promotes none of them when one is over its threshold with policy abort', async () => {
    const plan = examplePlan((document) => {
      document.databases = [
        ...(document.databases ?? []),
        { id: 'orders', replica: 'orders-db-replica', maxLagSeconds: 30, onLagExceeded: 'abort' },
      ];
    });
    const scenario: Scenario = { lag: { 'orders-db-replica': [{ atSeconds: -600, lagSeconds: 600 }] } };

    const observed = await observeReplay(plan, routeHealthAlarm(), scenario);

    expect(observed.result.error?.error).toBe('ReplicaLagExceededError');
    expect(promotions(observed)).toEqual([]);
    expect(observed.result.mutatingCalls).toBe(0);
    expect(lastMessage(observed)).toMatch(/Not done:\n- replica shop-db-replica: still a read replica/);
  });
});

describe('the RPO gate for any steady lag, threshold and policy', () => {
  it('promotes only within the threshold or by policy, and then states the data-loss window', async () => {
    const cases = fc.record({
      lag: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
      threshold: fc.integer({ min: 1, max: 60 }),
      policy: fc.constantFrom<Policy>('abort', 'promote'),
    });

    await fc.assert(
      fc.asyncProperty(cases, async ({ lag, threshold, policy }) => {
        const observed = await observeReplay(planWith(policy, threshold), routeHealthAlarm(), steadyLag(lag));

        const within = lag !== null && lag <= threshold;
        const promoted = promotions(observed).some((call) => call.outcome === 'ok');
        expect(promoted).toBe(within || policy === 'promote');
        if (!promoted) expect(observed.result.mutatingCalls).toBe(0);
        if (promoted && !within) {
          const window = lag === null ? 'unknown (no lag datapoint)' : `about ${lag}s of writes`;
          expect(lastMessage(observed)).toContain(`Estimated data-loss window: ${window}`);
        }
      }),
      { numRuns: 15 },
    );
  });
});
