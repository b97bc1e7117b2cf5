import { describe, expect, it } from 'vitest';
import { cycleCloud, runFailbackCycle } from '../../engine/failback/cycle.js';
import { shapeDifferences } from '../../engine/failback/shape.js';
import { failbackPlan, twoOfEachPlan } from './support.js';

/**
 * Must-show 1 (issue 10): the round trip on one simulated cloud restores the pre-failover shape:
 * the identifiers the plan names in the same roles, parameters and capacities as before.
 */
describe('failover then failback, locally', () => {
  it('restores the example plan (with primary and primaryGroup) to its pre-failover shape', async () => {
    const plan = failbackPlan();
    const cycle = await runFailbackCycle(plan);
    expect(cycle.failover?.outcome).toBe('succeeded');
    expect(cycle.failback?.outcome).toBe('succeeded');
    expect(cycle.differences).toEqual([]);
    // The failover's Fence step fenced the old region (it answered); the retry found nothing pending.
    expect(cycle.fencing?.lines).toEqual([
      expect.stringMatching(
        /^shop-db \(us-east-1\): fenced: stopping after final snapshot shop-db-final-\d{12} \(RDS starts it again by itself at .+\)$/,
      ),
      'shop-app-use1 (us-east-1): fenced: scaled to 0 (was min 3 desired 6 max 12)',
    ]);
    // The instances that held the identifiers are kept aside, stopped, never deleted.
    const stale = cycle.after.databases.filter((db) => db.id.includes('-stale-'));
    expect(stale.map((db) => [db.region, db.status])).toEqual([
      ['us-east-1', 'stopped'],
      ['us-west-2', 'stopped'],
    ]);
    expect(cycle.after.parameters['/shop/writes']?.value).toBe('open');
    expect(cycle.notices).toEqual([
      'Failback of shop-prod to us-east-1 started',
      'Failback of shop-prod to us-east-1 succeeded',
    ]);
    expect(cycle.failback?.rpoSeconds).toBe(0);
  });

  it('fences the old primary before the first write of the failback, also when the region returns only later (must-show 2)', async () => {
    const plan = failbackPlan();
    // The primary region is down during the failover and back 20 minutes in: the failover's
    // Fence step leaves the old region pending, the scheduled retry fences it once it answers.
    const scenario = { regionOutages: [{ region: plan.primaryRegion, untilSeconds: 1_200 }] };
    const cloud = cycleCloud(plan, scenario);
    const cycle = await runFailbackCycle(plan, { scenario, cloud, failbackAfterSeconds: 3_600 });
    expect(cycle.failback?.outcome).toBe('succeeded');
    expect(cycle.differences).toEqual([]);
    expect(cycle.fencing?.lines).toEqual([
      expect.stringMatching(/^shop-db \(us-east-1\): fenced: stopping after final snapshot/),
      expect.stringMatching(/^shop-app-use1 \(us-east-1\): fenced: scaled to 0/),
    ]);
    const failbackArn = cycle.failback!.executionArn;
    const stops = cloud.calls.filter(
      (call) =>
        call.operation === 'StopDBInstance' && call.outcome === 'ok' && call.executionArn !== failbackArn,
    );
    const firstFailbackWrite = cloud.calls.find((call) => call.executionArn === failbackArn && call.mutating);
    expect(stops.length).toBeGreaterThan(0);
    expect(firstFailbackWrite).toBeDefined();
    expect(stops[0]!.time).toBeLessThan(firstFailbackWrite!.time);
    // The failover's own attempts into the dead region failed: the fence came from the retry.
    expect(
      cloud.calls.some(
        (call) =>
          call.executionArn === cycle.failover!.executionArn &&
          call.operation === 'StopDBInstance' &&
          call.outcome === 'ok',
      ),
    ).toBe(false);
  });

  it('restores a plan with two databases and two groups', async () => {
    const cycle = await runFailbackCycle(twoOfEachPlan());
    expect(cycle.failback?.outcome).toBe('succeeded');
    expect(cycle.differences).toEqual([]);
    const primaries = cycle.after.databases.filter(
      (db) => db.region === 'us-east-1' && !db.id.includes('-stale-'),
    );
    expect(primaries.map((db) => [db.id, db.isReplica, db.status]).sort()).toEqual([
      ['orders-db', false, 'available'],
      ['shop-db', false, 'available'],
    ]);
  });

  it('lists each difference from the pre-failover shape', async () => {
    const plan = failbackPlan();
    const { before, after } = await runFailbackCycle(plan);
    const changed = {
      ...after,
      databases: after.databases.map((db) => (db.id === 'shop-db' ? { ...db, status: 'stopped' } : db)),
      parameters: { ...after.parameters, '/shop/db/port': { value: '6543', version: 9 } },
    };
    expect(shapeDifferences(plan, before, changed)).toEqual([
      'database shop-db (us-east-1): standalone, stopped (want a standalone, available primary)',
      'parameter /shop/db/port: 6543 (before the failover: 5432)',
    ]);
  });
});
