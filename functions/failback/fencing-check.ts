import { readFencing, type FencingRecord } from '../common/fencing-record.js';
import type { Plan } from '../common/plan.js';

/**
 * Verify Fencing (issue 10): before its first write a failback checks that the old region's
 * writers were fenced: every fencing record of the plan's fencing kinds has every resource
 * `fenced` or `not-applicable`. The fencing kinds are those whose plan items name something in
 * the old region: rds-replica (`primary`) and auto-scaling-group (`primaryGroup`).
 */

export interface FencingCheck {
  readonly verified: boolean;
  /** Each resource in the old region: what the fencing record says. */
  readonly lines: readonly string[];
  readonly message: string;
}

/** The resources a plan expects fenced, by kind: the old primaries and the old groups. */
export function expectedFenced(plan: Plan): { kind: string; labels: string[] }[] {
  const primaries = plan.databases.flatMap((db) => (db.primary !== undefined ? [db.primary] : []));
  const groups = plan.scalingGroups.flatMap((group) =>
    group.primaryGroup !== undefined ? [group.primaryGroup] : [],
  );
  return [
    { kind: 'rds-replica', labels: primaries },
    { kind: 'auto-scaling-group', labels: groups },
  ].filter((entry) => entry.labels.length > 0);
}

function linesOf(
  record: FencingRecord | undefined,
  kind: string,
  labels: readonly string[],
): { ok: boolean; line: string }[] {
  return labels.map((label) => {
    if (record === undefined)
      return { ok: false, line: `${label}: no fencing record of ${kind} (the failover did not fence it)` };
    const resource = record.resources.find((candidate) => candidate.label === label);
    if (resource === undefined) return { ok: false, line: `${label}: not in the fencing record of ${kind}` };
    const ok = resource.status === 'fenced' || resource.status === 'not-applicable';
    return {
      ok,
      line: `${label}: ${resource.status}${ok ? '' : ` after ${resource.attempts} attempts (${resource.detail})`}`,
    };
  });
}

export async function checkFencing(plan: Plan, failoverExecutionId: string): Promise<FencingCheck> {
  const results = (
    await Promise.all(
      expectedFenced(plan).map(async ({ kind, labels }) => {
        const record = await readFencing(plan.recoveryRegion, plan.name, kind);
        const stale = record !== undefined && record.failoverExecution !== failoverExecutionId;
        return linesOf(stale ? undefined : record, kind, labels);
      }),
    )
  ).flat();
  const pending = results.filter((result) => !result.ok);
  return {
    verified: pending.length === 0,
    lines: results.map((result) => result.line),
    message:
      pending.length === 0
        ? `every old-region resource is fenced (${results.length})`
        : `the failback is refused, nothing was changed: ${pending.length} old-region resource(s) not fenced yet: ${pending.map((result) => result.line).join('; ')}`,
  };
}
