import { describe, expect, it } from 'vitest';
import { cycleCloud, inSimulation, runFailbackCycle } from '../../engine/failback/cycle.js';
import { onSimulatedCloud } from '../../engine/fence-retries.js';
import { CreateDBInstanceReadReplicaCommand } from '@aws-sdk/client-rds';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { deleteStale, findStale } from '../../functions/kinds/rds-replica/stale-instances.js';
import { failbackPlan, runCli } from './support.js';

/**
 * `failover failback --delete-stale` (issue 10): after a succeeded failback the instances renamed
 * aside are deleted with a final snapshot each; without the flag they stay, stopped; only the
 * plan's `<id>-stale-<12 digits>` names are touched.
 */

const run = runCli;

const PLAN_FILE = 'examples/shop-failback.plan.yaml';
const STALE = /^database (shop-db(-replica)?-stale-\d{12}) \((us-east-1|us-west-2)\): (\w+)/;

interface Report {
  differences: string[];
  staleDeletion: {
    deleted: { id: string; region: string; finalSnapshot: string }[];
    skipped: string[];
  } | null;
  endState: string[];
}

describe('failover failback --delete-stale', () => {
  it('locally, deletes the stale instances after final snapshots; the shape is still as before', async () => {
    const cli = await run(['failback', '--local', '--json', '--delete-stale', '--plan', PLAN_FILE]);
    expect(cli.err).toEqual([]);
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.out) as Report;
    expect(report.differences).toEqual([]);
    const deleted = report.staleDeletion?.deleted ?? [];
    expect(deleted.map((item) => item.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(deleted.map((item) => item.id).sort()).toEqual([
      expect.stringMatching(/^shop-db-replica-stale-\d{12}$/),
      expect.stringMatching(/^shop-db-stale-\d{12}$/),
    ]);
    expect(report.endState.filter((line) => STALE.test(line))).toEqual([]);
    for (const item of deleted) {
      expect(item.finalSnapshot).toBe(`${item.id}-final`);
      expect(report.endState).toContainEqual(
        expect.stringMatching(
          new RegExp(`^db snapshot ${item.id}-final \\(${item.region}\\) of ${item.id}: `),
        ),
      );
    }
  });

  it('without the flag, the stale instances stay, stopped', async () => {
    const kept = JSON.parse(
      (await run(['failback', '--local', '--json', '--plan', PLAN_FILE])).out,
    ) as Report;
    expect(kept.staleDeletion).toBeNull();
    expect(kept.endState.flatMap((line) => STALE.exec(line)?.slice(3, 5) ?? [])).toEqual([
      'us-east-1',
      'stopped',
      'us-west-2',
      'stopped',
    ]);
  });

  it('touches only the plan identifiers followed by -stale- and 12 digits; a second run has nothing to do', async () => {
    const plan = failbackPlan();
    const cloud = cycleCloud(plan);
    const cycle = await runFailbackCycle(plan, { cloud });
    expect(cycle.differences).toEqual([]);
    const later = Date.parse(cycle.after.time) + 600_000;
    // Instances whose names only look like stale ones (read replicas of the new home primary).
    const loose = ['shop-db-stale-notes', 'shop-db-stale-2026010100001', 'other-db-stale-202601010000'];
    await inSimulation(plan, cloud, new Date(later), 'loose', async () => {
      const sourceArn = cycle.after.databases.find((db) => db.id === 'shop-db' && db.region === 'us-east-1');
      expect(sourceArn).toBeDefined();
      for (const id of loose)
        await rdsClient(plan.primaryRegion).send(
          new CreateDBInstanceReadReplicaCommand({
            DBInstanceIdentifier: id,
            SourceDBInstanceIdentifier: 'shop-db',
          }),
        );
    });
    const { first, second, after } = await onSimulatedCloud(plan, cloud, later + 1_200_000, async () => {
      const first = await deleteStale(await findStale(plan));
      const second = await findStale(plan);
      return { first, second, after: cloud.snapshot() };
    });
    expect(first.error).toBeUndefined();
    expect(first.deleted.map((item) => item.id)).toHaveLength(2);
    expect(second).toEqual([]);
    const ids = after.databases.map((db) => db.id);
    for (const id of loose) expect(ids).toContain(id);
    expect(ids.filter((id) => /-stale-\d{12}$/.test(id))).toEqual(['other-db-stale-202601010000']);
  });
});
