import { describe, expect, it } from 'vitest';
import { cycleCloud, runFailbackCycle, runFailbackLeg } from '../../engine/failback/cycle.js';
import { onSimulatedCloud } from '../../engine/fence-retries.js';
import { failbackReadiness, NO_FAILOVER_LINE } from '../../cli/check-failback.js';
import { failbackPlan } from '../failback/support.js';

/**
 * `failover check`'s failback section against the simulated AWS after a real local failover
 * (issue 10): in effect after the failover (a dry-run failback changes nothing), gone after the
 * failback.
 */
describe('failback readiness after a local failover', () => {
  it('reports the fenced old primary, the recorded values and the fencing, then nothing after the failback', async () => {
    const plan = failbackPlan();
    const cloud = cycleCloud(plan);
    const cycle = await runFailbackCycle(plan, { cloud, dryRun: true });
    expect(cycle.failover?.outcome).toBe('succeeded');
    expect(cycle.failback?.outcome).toBe('succeeded');
    const start = Date.parse(cycle.failover?.startedAt ?? '');
    const readiness = (atMs: number) =>
      onSimulatedCloud(plan, cloud, atMs, () => failbackReadiness(plan, cloud.lockTableName));

    const during = await readiness(start + 2 * 3_600_000);
    expect(during[0]).toBe(
      `Failback readiness (failover ${cycle.failover?.executionArn} in effect; informational, not in the exit code):`,
    );
    expect(during.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}✗ home shop-db in us-east-1: not a replica of shop-db-replica yet: the failback's Re-protect Home will create it; the identifier is held now by the fenced old primary \(stopp(ed|ing)\), which it renames aside$/,
      ),
      expect.stringMatching(/^ {2}✓ parameter \/shop\/db\/host: previous value recorded: .+/),
      expect.stringMatching(/^ {2}✓ parameter \/shop\/db\/port: previous value recorded: .+/),
      expect.stringMatching(/^ {2}✓ parameter \/shop\/active-region: previous value recorded: us-east-1$/),
      expect.stringMatching(/^ {2}✓ fencing rds-replica shop-db: fenced: /),
      expect.stringMatching(/^ {2}✓ fencing auto-scaling-group shop-app-use1: fenced: /),
    ]);

    const failback = await runFailbackLeg(plan, cloud, new Date(start + 3 * 3_600_000));
    expect(failback.failback.outcome).toBe('succeeded');
    expect(await readiness(start + 5 * 3_600_000)).toEqual([NO_FAILOVER_LINE]);
  });
});
