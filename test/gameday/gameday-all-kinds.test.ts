import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/**
 * Issue 14, must-show 1: a local game day of the plan that uses every kind (with a manual
 * approval and prewarm) succeeds, and its end state shows every kind failed over.
 */
describe('failover gameday --local --yes --plan examples/all-kinds.plan.yaml', () => {
  it('fails every kind over: Aurora, the Global Datastore, ECS, the DNS flag, the ARC routing controls, the hook, the approval and the rest', async () => {
    const report = mkdtempSync(join(tmpdir(), 'failover-all-kinds-'));
    const { code, out, err } = await runCli([
      'gameday',
      '--local',
      '--yes',
      '--plan',
      'examples/all-kinds.plan.yaml',
      '--report-dir',
      report,
    ]);
    const endState = out.slice(out.indexOf('End state of the simulated cloud:'));

    expect(code).toBe(0);
    expect(err).toBe('failover succeeded');
    expect(out).toMatch(/✓ Prewarm /);
    expect(out).toMatch(/Approval: approved by \S+ at /);
    expect(endState).toMatch(
      /global database orders-global-db\/orders-db-usw2: writer orders-db-usw2 in us-west-2/,
    );
    expect(endState).toMatch(
      /global datastore ldgnf-shop-sessions: available, primary shop-sessions-secondary in us-west-2/,
    );
    expect(endState).toMatch(/ECS service shop-usw2\/storefront \(us-west-2\): ACTIVE, desired 6, 6 running/);
    expect(endState).toMatch(
      /DNS flag shop\.example\.com: alarm \S+ ALARM, .*answers with the SECONDARY record/,
    );
    expect(endState).toMatch(
      /ARC routing controls api-cells: usw2api0a1b2c3d On, use1api0a1b2c3d Off: traffic on the recovery cells \(1 update\)/,
    );
    expect(endState).toMatch(/hook warm-caches: invoked 1 time /);
    expect(endState).toMatch(/database shop-db-replica \(us-west-2\): available, standalone/);
    expect(endState).toMatch(/group shop-app-usw2 \(us-west-2\): min 3 desired 6 max 12, 6 InService/);
    expect(endState).toMatch(/postgres reporting on \S+: primary/);
    expect(endState).toMatch(
      /redis queues on \S+: sentinel master 192\.168\.130\.12:6379, recovery side master/,
    );
    expect(endState).toMatch(/haproxy app on \S+: routes to recovery/);
    expect(endState).toMatch(/parameter \/shop\/orders\/host = orders-db-usw2\.cluster-/);
    expect(endState).toMatch(/parameter \/shop\/cache\/host = shop-sessions-secondary\./);
  });
});
