import { DeleteDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { rdsClient } from '../../common/clients/rds.js';
import { describeError, ReplicaNotFoundError } from '../../common/errors.js';
import type { Plan } from '../../common/plan.js';
import { describeInstance } from './rds.js';

/**
 * `failover failback --delete-stale` (issue 10): after a succeeded failback, the instances the
 * re-protection renamed aside (`<primary>-stale-<yyyymmddhhmm>` in the primary region,
 * `<replica>-stale-<yyyymmddhhmm>` in the recovery region, reprotect.ts) are deleted with
 * DeleteDBInstance and a final snapshot `<stale-id>-final` (never SkipFinalSnapshot). Matched
 * strictly: the prefix and exactly 12 digits. Used by the CLI on AWS (cli/delete-stale.ts, after
 * the typed confirmation) and by the local cycle on the simulated AWS (engine/failback/cycle.ts).
 * Idempotent: an instance already `deleting`, or gone, is skipped; one in a passing state
 * (stopping, renaming…) is waited for.
 */

export interface StaleInstance {
  readonly id: string;
  readonly region: string;
  readonly status: string;
}

export interface StaleDeletion {
  readonly deleted: readonly {
    readonly id: string;
    readonly region: string;
    readonly finalSnapshot: string;
  }[];
  /** One line per instance skipped (already deleting, gone). */
  readonly skipped: readonly string[];
  /** The one line that stopped the deletion, if any. */
  readonly error?: string;
}

/** RDS deletes an instance (with a final snapshot) in these statuses. */
const DELETABLE: ReadonlySet<string> = new Set([
  'available',
  'stopped',
  'storage-full',
  'incompatible-parameters',
]);
/** Statuses that pass by themselves: waited for. */
const PASSING: ReadonlySet<string> = new Set([
  'stopping',
  'starting',
  'renaming',
  'modifying',
  'backing-up',
  'rebooting',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
]);
export const STALE_POLL_SECONDS = 30;
export const STALE_WAIT_SECONDS = 1_800;

export const finalSnapshotOf = (staleId: string): string => `${staleId}-final`;

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Per region, the patterns of the plan's stale identifiers. */
function stalePatterns(plan: Plan): Map<string, RegExp[]> {
  const patterns = new Map<string, RegExp[]>();
  const add = (region: string, id: string) =>
    patterns.set(region, [...(patterns.get(region) ?? []), new RegExp(`^${escaped(id)}-stale-\\d{12}$`)]);
  for (const db of plan.databases) {
    if (db.primary === undefined) continue;
    add(plan.primaryRegion, db.primary);
    add(plan.recoveryRegion, db.replica);
  }
  return patterns;
}

/** The plan's stale instances, by DescribeDBInstances in each region (all pages). */
export async function findStale(plan: Plan): Promise<StaleInstance[]> {
  const found: StaleInstance[] = [];
  for (const [region, patterns] of stalePatterns(plan)) {
    let marker: string | undefined;
    do {
      const page = await rdsClient(region).send(
        new DescribeDBInstancesCommand({ ...(marker !== undefined ? { Marker: marker } : {}) }),
      );
      for (const instance of page.DBInstances ?? []) {
        const id = instance.DBInstanceIdentifier ?? '';
        if (patterns.some((pattern) => pattern.test(id)))
          found.push({ id, region, status: instance.DBInstanceStatus ?? 'unknown' });
      }
      marker = page.Marker;
    } while (marker !== undefined && marker !== '');
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusOf(instance: StaleInstance): Promise<string | undefined> {
  try {
    return (await describeInstance(instance.region, instance.id)).DBInstanceStatus ?? 'unknown';
  } catch (error) {
    if (error instanceof ReplicaNotFoundError) return undefined;
    throw error;
  }
}

type Outcome = { readonly deleted: string } | { readonly skipped: string };

async function deleteOne(instance: StaleInstance, waitSeconds: number): Promise<Outcome> {
  const { id, region } = instance;
  const until = Date.now() + waitSeconds * 1_000;
  for (;;) {
    const status = await statusOf(instance);
    if (status === undefined) return { skipped: `${id} (${region}): gone already` };
    if (status === 'deleting') return { skipped: `${id} (${region}): deleting already` };
    if (DELETABLE.has(status)) break;
    if (!PASSING.has(status) || Date.now() >= until)
      throw new Error(`it is ${status}, RDS deletes it only when available or stopped`);
    await sleep(STALE_POLL_SECONDS * 1_000);
  }
  try {
    await rdsClient(region).send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: id,
        SkipFinalSnapshot: false,
        FinalDBSnapshotIdentifier: finalSnapshotOf(id),
        // Kept until their retention ends (RDS deletes them with the instance by default).
        DeleteAutomatedBackups: false,
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'DBInstanceNotFoundFault')
      return { skipped: `${id} (${region}): gone already` };
    throw error;
  }
  return { deleted: id };
}

/** Deletes each instance after its final snapshot; stops at the first error (one line). */
export async function deleteStale(
  instances: readonly StaleInstance[],
  waitSeconds = STALE_WAIT_SECONDS,
): Promise<StaleDeletion> {
  const deleted: StaleDeletion['deleted'][number][] = [];
  const skipped: string[] = [];
  for (const instance of instances) {
    try {
      const outcome = await deleteOne(instance, waitSeconds);
      if ('skipped' in outcome) skipped.push(outcome.skipped);
      else
        deleted.push({
          id: instance.id,
          region: instance.region,
          finalSnapshot: finalSnapshotOf(instance.id),
        });
    } catch (error) {
      const line = error instanceof Error && error.name === 'Error' ? error.message : describeError(error);
      return { deleted, skipped, error: `could not delete ${instance.id} (${instance.region}): ${line}` };
    }
  }
  return { deleted, skipped };
}
