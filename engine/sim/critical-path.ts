import type { DatabasePlan, Plan, ScalingGroupPlan } from '../../functions/common/plan.js';
import { DEFAULT_INSTANCE_START_SECONDS } from './autoscaling.js';
import { DEFAULT_LAG_SECONDS, lagAt } from './cloudwatch.js';
import { DEFAULT_PROMOTION_SECONDS } from './rds.js';
import { settingsFor, type LagProfile, type Scenario } from './scenario.js';

/**
 * The shortest failover the simulated AWS allows: what an ideal orchestrator, polling at no
 * cost, could not beat. Measured from the scenario start (the trigger). The confirm window runs
 * first; databases and groups then proceed in parallel. A resource that can never get ready
 * (missing, stuck, failing, lag never under the gate with policy `abort`) has `readySeconds: null`
 * and does not count: the failover fails there, so there is no duration to compare with.
 */

export interface CriticalPathItem {
  readonly name: string;
  /** Seconds from the start until this resource is ready, or null when it never is. */
  readonly readySeconds: number | null;
  readonly why: string;
}

export interface CriticalPath {
  readonly confirmSeconds: number;
  readonly databases: readonly CriticalPathItem[];
  readonly groups: readonly CriticalPathItem[];
  readonly totalSeconds: number;
}

const METRIC_PERIOD_SECONDS = 60;

/**
 * When a ReplicaLag datapoint at or under `maxLag` can first be read: the newest readable sample
 * at second R (a minute boundary) is the one taken at R - 60. Null when that never happens.
 */
function lagObservableAt(profile: LagProfile, maxLag: number): number | null {
  const lastStep = Math.max(0, ...profile.map((step) => step.atSeconds));
  for (let readAt = 0; readAt <= lastStep + 2 * METRIC_PERIOD_SECONDS; readAt += METRIC_PERIOD_SECONDS) {
    const lag = lagAt(profile, readAt - METRIC_PERIOD_SECONDS);
    if (lag !== null && lag <= maxLag) return readAt;
  }
  return null;
}

function databaseReady(db: DatabasePlan, scenario: Scenario, confirm: number): CriticalPathItem {
  const behaviour = settingsFor(scenario.promotion, db.replica) ?? {};
  const name = db.replica;
  if (behaviour.missing) return { name, readySeconds: null, why: 'replica missing' };
  if (behaviour.alreadyPromoted) return { name, readySeconds: confirm, why: 'already promoted' };
  if (behaviour.failWith !== undefined || behaviour.failAtSeconds !== undefined) {
    return { name, readySeconds: null, why: `promotion ends in ${behaviour.failWith ?? 'failed'}` };
  }
  const initial =
    behaviour.initialStatus ?? (behaviour.backingUpUntilSeconds !== undefined ? 'backing-up' : 'available');
  const promotableFrom = initial === 'available' ? 0 : behaviour.backingUpUntilSeconds;
  if (promotableFrom === undefined) return { name, readySeconds: null, why: `stays ${initial}` };
  const profile = scenario.lag?.[name] ??
    scenario.lag?.['*'] ?? [{ atSeconds: 0, lagSeconds: DEFAULT_LAG_SECONDS }];
  let lagOk = lagObservableAt(profile, db.maxLagSeconds);
  if (lagOk === null || lagOk > confirm + db.lagWaitSeconds) {
    if (db.onLagExceeded === 'abort')
      return { name, readySeconds: null, why: 'lag stays over the gate (abort)' };
    lagOk = Math.min(lagOk ?? Infinity, confirm + db.lagWaitSeconds);
  }
  const duration = behaviour.durationSeconds ?? DEFAULT_PROMOTION_SECONDS;
  const start = Math.max(confirm, promotableFrom, lagOk);
  return { name, readySeconds: start + duration, why: `promotable at ${start}s + ${duration}s promotion` };
}

function groupReady(group: ScalingGroupPlan, scenario: Scenario, confirm: number): CriticalPathItem {
  const behaviour = settingsFor(scenario.groups, group.name) ?? {};
  const name = group.name;
  if (behaviour.missing) return { name, readySeconds: null, why: 'group missing' };
  const required = Math.ceil((group.desired * group.minHealthyPercent) / 100);
  if ((behaviour.maxAchievableInService ?? Infinity) < required) {
    return {
      name,
      readySeconds: null,
      why: `at most ${behaviour.maxAchievableInService} InService of ${required}`,
    };
  }
  // The pilot-light group already has one InService instance.
  if (required <= 1) return { name, readySeconds: confirm, why: 'pilot light suffices' };
  const start = behaviour.instanceStartSeconds ?? DEFAULT_INSTANCE_START_SECONDS;
  return { name, readySeconds: confirm + start, why: `${start}s instance start` };
}

export function criticalPath(plan: Plan, scenario: Scenario): CriticalPath {
  const confirm = plan.triggers.confirmSeconds;
  const databases = plan.databases.map((db) => databaseReady(db, scenario, confirm));
  const groups = plan.scalingGroups.map((group) => groupReady(group, scenario, confirm));
  const ready = [...databases, ...groups].map((item) => item.readySeconds).filter((value) => value !== null);
  return { confirmSeconds: confirm, databases, groups, totalSeconds: Math.max(confirm, ...ready) };
}
