import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeDBInstancesCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { autoScalingClient } from '../../functions/common/clients/autoscaling.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { readFencing, writeFencing, type FencedResource } from '../../functions/common/fencing-record.js';
import type { Plan } from '../../functions/common/plan.js';
import { nowIso } from '../../functions/common/step-handler.js';
import { stamp } from '../../functions/kinds/rds-replica/reprotect.js';
import { BEST_EFFORT } from '../../functions/common/aws-clients.js';

/**
 * The old region's fencing, for a local cycle whose failover left no fencing record: what the
 * failover's Fence step does (the old primary stopped after a final snapshot, the old groups at
 * zero with their capacity recorded), run as one local Task against the same simulated cloud, so
 * that the failback finds the old region fenced as it would after a real failover. A kind whose
 * record exists (the Fence step ran) is left as that record says.
 */
export async function fenceOldRegion(plan: Plan, failoverExecution: string): Promise<string[]> {
  const done: string[] = [];
  const region = plan.primaryRegion;
  const base = { planName: plan.name, failoverExecution, state: 'open' as const };
  const primaries = plan.databases.flatMap((db) => (db.primary !== undefined ? [db.primary] : []));
  if (
    primaries.length > 0 &&
    (await readFencing(plan.recoveryRegion, plan.name, 'rds-replica')) === undefined
  ) {
    const resources: FencedResource[] = [];
    for (const primary of primaries) {
      const at = nowIso();
      const snapshot = `${primary}-final-${stamp(at)}`;
      const described = await rdsClient(region, BEST_EFFORT).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary }),
      );
      if (described.DBInstances?.[0]?.DBInstanceStatus === 'available')
        await rdsClient(region, BEST_EFFORT).send(
          new StopDBInstanceCommand({ DBInstanceIdentifier: primary, DBSnapshotIdentifier: snapshot }),
        );
      resources.push({
        label: primary,
        status: 'fenced',
        attempts: 1,
        lastAttemptAt: at,
        fencedAt: at,
        detail: `stopped after final snapshot ${snapshot}`,
        facts: { finalSnapshot: snapshot },
      });
      done.push(`${primary} (${region}): stopped after final snapshot ${snapshot}`);
    }
    await writeFencing(plan.recoveryRegion, { ...base, kind: 'rds-replica', resources });
  }
  const groups = plan.scalingGroups.flatMap((group) =>
    group.primaryGroup !== undefined ? [group.primaryGroup] : [],
  );
  if (
    groups.length > 0 &&
    (await readFencing(plan.recoveryRegion, plan.name, 'auto-scaling-group')) === undefined
  ) {
    const resources: FencedResource[] = [];
    for (const name of groups) {
      const at = nowIso();
      const described = await autoScalingClient(region, BEST_EFFORT).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
      );
      const group = described.AutoScalingGroups?.[0];
      const previous = {
        min: group?.MinSize ?? 0,
        desired: group?.DesiredCapacity ?? 0,
        max: group?.MaxSize ?? 0,
      };
      await autoScalingClient(region, BEST_EFFORT).send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, DesiredCapacity: 0 }),
      );
      resources.push({
        label: name,
        status: 'fenced',
        attempts: 1,
        lastAttemptAt: at,
        fencedAt: at,
        detail: 'scaled to 0',
        facts: { previous },
      });
      done.push(`${name} (${region}): scaled to 0 from desired ${previous.desired}`);
    }
    await writeFencing(plan.recoveryRegion, { ...base, kind: 'auto-scaling-group', resources });
  }
  return done;
}
