import type { Plan } from '../../functions/common/plan.js';
import type { CloudSnapshot } from '../sim/index.js';

/**
 * The round trip's verdict (issue 10, must-show 1): after failover and failback the stack has its
 * pre-failover shape. Each difference is one line; an empty list is success.
 * - each database: `primary` in the primary region standalone and available; `replica` in the
 *   recovery region a read replica of it, available and replicating;
 * - each parameter: the value it had before the failover;
 * - each recovery group, and each home group (`primaryGroup`): the capacity it had before.
 */
export function shapeDifferences(plan: Plan, before: CloudSnapshot, after: CloudSnapshot): string[] {
  const differences: string[] = [];
  for (const db of plan.databases) {
    const primary = db.primary;
    if (primary === undefined) {
      differences.push(`database ${db.replica}: names no primary, so it was not failed back`);
      continue;
    }
    const home = after.databases.find((item) => item.region === plan.primaryRegion && item.id === primary);
    if (home === undefined) differences.push(`database ${primary} (${plan.primaryRegion}): missing`);
    else if (home.isReplica || home.status !== 'available')
      differences.push(
        `database ${primary} (${plan.primaryRegion}): ${home.isReplica ? 'a read replica' : 'standalone'}, ${home.status} (want a standalone, available primary)`,
      );
    const replica = after.databases.find(
      (item) => item.region === plan.recoveryRegion && item.id === db.replica,
    );
    if (replica === undefined) differences.push(`database ${db.replica} (${plan.recoveryRegion}): missing`);
    else if (
      !replica.isReplica ||
      !(replica.source ?? '').endsWith(`:db:${primary}`) ||
      replica.status !== 'available'
    )
      differences.push(
        `database ${db.replica} (${plan.recoveryRegion}): ${replica.isReplica ? `read replica of ${replica.source}` : 'standalone'}, ${replica.status} (want an available read replica of ${primary})`,
      );
  }
  for (const parameter of plan.parameters) {
    const was = before.parameters[parameter.name]?.value;
    const is = after.parameters[parameter.name]?.value;
    if (was !== is)
      differences.push(
        `parameter ${parameter.name}: ${is ?? '(absent)'} (before the failover: ${was ?? '(absent)'})`,
      );
  }
  const groupLine = (name: string, region: string) => {
    const was = before.groups.find((group) => group.name === name && group.region === region);
    const is = after.groups.find((group) => group.name === name && group.region === region);
    const text = (group: typeof was) =>
      group === undefined ? '(absent)' : `min ${group.min} desired ${group.desired} max ${group.max}`;
    if (text(was) !== text(is))
      differences.push(`group ${name} (${region}): ${text(is)} (before the failover: ${text(was)})`);
  };
  for (const group of plan.scalingGroups) {
    groupLine(group.name, plan.recoveryRegion);
    if (group.primaryGroup !== undefined) groupLine(group.primaryGroup, plan.primaryRegion);
  }
  return differences;
}
