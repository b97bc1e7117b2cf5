import { FailbackRefusedError } from '../../common/errors.js';
import {
  readGate,
  readProgress,
  writeGate,
  writeProgress,
  writeAssessment,
} from '../../common/failover-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { LAG_POLL_SECONDS } from '../lag-gate.js';
import {
  mapBounded,
  summarise,
  underWay,
  type Assessed,
  type KindContext,
  type KindSummary,
} from '../kind-step.js';
import { checkPromotion } from './check-promotion.js';
import { rdsReplicaKind, type DatabasePlan } from './definition.js';
import { promoteReplica } from './promote-replica.js';
import { describeInstance, isReplica } from './rds.js';
import { latestReplicaLag } from './replica-lag.js';
import type { Promotion } from './types.js';

/**
 * The RDS kind in the failback direction (issue 10). The home replica (`primary`, primary
 * region, re-protected by reprotect.ts) is the one gated and promoted:
 * - gate: its ReplicaLag at or under `failback.maxLagSeconds` for `settleSeconds` in a row,
 *   waiting up to `lagWaitSeconds`, else the failback is refused with the lag in words;
 * - start/check: after writes are frozen and drained, one more look at the lag (over it: wait,
 *   then refuse), then PromoteReadReplica and polling until it is standalone and available
 *   (the failover's own promotion logic, pointed at the home replica).
 */

const KIND = rdsReplicaKind.id;
const GATE_KEY = `${KIND}-failback-gate`;
const CONCURRENCY = 10;

interface SettleLook {
  readonly firstCheckedAt: string;
  readonly okSince?: string;
  readonly lagSeconds: number | null;
  readonly done: boolean;
  readonly waitSeconds: number;
  readonly message: string;
}

/** The database as the failover logic sees it, but pointed at the home replica. */
const homeReplica = (database: DatabasePlan & { primary: string }): DatabasePlan => ({
  ...database,
  replica: database.primary,
});

const withPrimary = (database: DatabasePlan): database is DatabasePlan & { primary: string } =>
  database.primary !== undefined;

const lagWords = (lag: number | null): string => (lag === null ? 'no ReplicaLag datapoint' : `lag ${lag}s`);

async function settleLook(
  context: KindContext,
  database: DatabasePlan & { primary: string },
  previous: SettleLook | undefined,
): Promise<SettleLook> {
  const { maxLagSeconds, settleSeconds, lagWaitSeconds } = context.plan.failback;
  const region = context.plan.primaryRegion;
  const now = nowIso();
  const firstCheckedAt = previous?.firstCheckedAt ?? now;
  const instance = await describeInstance(region, database.primary);
  // A dry run re-protected nothing: there is no home replica to gate on yet.
  if (!isReplica(instance) && context.dryRun)
    return {
      firstCheckedAt,
      lagSeconds: null,
      done: true,
      waitSeconds: 0,
      message: `dry run: would wait for ${database.primary}'s lag to stay within ${maxLagSeconds}s for ${settleSeconds}s`,
    };
  if (!isReplica(instance))
    throw new FailbackRefusedError(
      `${database.primary} in ${region} is not a read replica (${instance.DBInstanceStatus}): there is nothing to fail back to`,
    );
  const lagSeconds = await latestReplicaLag(region, database.primary);
  if (lagSeconds !== null && lagSeconds <= maxLagSeconds) {
    const okSince = previous?.okSince ?? now;
    const settled = secondsSince(okSince);
    const done = settled >= settleSeconds;
    return {
      firstCheckedAt,
      okSince,
      lagSeconds,
      done,
      waitSeconds: done ? 0 : Math.max(1, Math.min(LAG_POLL_SECONDS, Math.ceil(settleSeconds - settled))),
      message: `${database.primary} lag ${lagSeconds}s within ${maxLagSeconds}s for ${Math.round(settled)}s of ${settleSeconds}s`,
    };
  }
  const waited = secondsSince(firstCheckedAt);
  if (waited >= lagWaitSeconds)
    throw new FailbackRefusedError(
      `${database.primary} (home replica, ${region}) has ${lagWords(lagSeconds)}, above the failback threshold of ${maxLagSeconds}s, after waiting ${Math.round(waited)}s (failback.lagWaitSeconds ${lagWaitSeconds}): the failback is refused, nothing was switched`,
    );
  return {
    firstCheckedAt,
    lagSeconds,
    done: false,
    waitSeconds: LAG_POLL_SECONDS,
    message: `${database.primary} ${lagWords(lagSeconds)} above ${maxLagSeconds}s: waiting`,
  };
}

/** The failback gate: every home replica's lag settled at (near) zero. Read-only. */
export async function failbackGate(context: KindContext): Promise<KindSummary> {
  const recorded = (await readGate<(SettleLook | null)[]>(context.scope, GATE_KEY)) ?? [];
  const looks = await mapBounded(context.plan.databases, CONCURRENCY, async (database, i) => {
    const previous = recorded[i] ?? undefined;
    if (!withPrimary(database) || previous?.done === true) return previous ?? null;
    return settleLook(context, database, previous);
  });
  await writeGate(context.scope, GATE_KEY, looks);
  const items = looks.map((look) => ({
    done: look === null || look.done,
    pollSeconds: look?.waitSeconds ?? 0,
  }));
  const maxLag = Math.max(0, ...looks.map((look) => look?.lagSeconds ?? 0));
  return { ...summarise(KIND, 'gate', items, 'home replicas settled'), maxLagSeconds: maxLag };
}

type HomePromotion = Promotion | { readonly status: 'not-applicable'; readonly message: string };

/** The last look before promoting: lag still within the threshold once writes are frozen and drained. */
async function finalLagCheck(
  context: KindContext,
  database: DatabasePlan & { primary: string },
  previous: HomePromotion | undefined,
): Promise<Promotion | undefined> {
  const { maxLagSeconds, lagWaitSeconds } = context.plan.failback;
  const lag = await latestReplicaLag(context.plan.primaryRegion, database.primary);
  if (lag !== null && lag <= maxLagSeconds) return undefined;
  const waitingSince =
    (previous?.status === 'waiting-to-promote' ? previous.waitingSince : undefined) ?? nowIso();
  if (secondsSince(waitingSince) >= lagWaitSeconds)
    throw new FailbackRefusedError(
      `${database.primary} (home replica) still has ${lagWords(lag)} with writes frozen, above ${maxLagSeconds}s after ${lagWaitSeconds}s: not promoted`,
    );
  return {
    status: 'waiting-to-promote',
    instanceId: database.primary,
    instanceStatus: 'available',
    waitingSince,
    pollSeconds: LAG_POLL_SECONDS,
    dryRun: context.dryRun,
    message: `${database.primary} ${lagWords(lag)} with writes frozen: waiting for the last writes`,
  };
}

/** Promote Home: start/check in the failback direction. */
export async function promoteHome(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const recorded = (await readProgress<HomePromotion[]>(scope, KIND)) ?? [];
  const progress = await mapBounded(
    plan.databases,
    CONCURRENCY,
    async (database, i): Promise<HomePromotion> => {
      const previous = recorded[i];
      if (!withPrimary(database))
        return { status: 'not-applicable', message: `${database.replica} names no primary` };
      if (previous?.status === 'promoted' || previous?.status === 'not-applicable') return previous;
      const home = homeReplica(database);
      if (previous?.status === 'promoting')
        return checkPromotion({ database: home, recoveryRegion: plan.primaryRegion, promotion: previous });
      if (dryRun)
        return {
          status: 'promoted',
          instanceId: database.primary,
          instanceStatus: 'unknown',
          promotedAt: nowIso(),
          pollSeconds: 0,
          dryRun,
          message: `dry run: would check ${database.primary}'s lag once more and call PromoteReadReplica on it`,
        };
      const waiting = await finalLagCheck(context, database, previous);
      if (waiting !== undefined) return waiting;
      return promoteReplica({
        database: home,
        recoveryRegion: plan.primaryRegion,
        dryRun,
        previous: previous ?? { status: 'not-started' },
      });
    },
  );
  await writeProgress(scope, KIND, progress);
  return summarise(
    KIND,
    action,
    progress.map((item) =>
      item.status === 'not-applicable'
        ? { done: true, pollSeconds: 0 }
        : underWay(item, item.status === 'promoted', item.promotedAt),
    ),
    'home replicas promoted',
  );
}

/** What failback left: each home primary and each recovery replica, read from RDS. */
export async function failbackReadBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope } = context;
  const look = async (region: string, id: string, wantReplica: boolean): Promise<Assessed> => {
    try {
      const instance = await describeInstance(region, id);
      const replica = isReplica(instance);
      const status = instance.DBInstanceStatus ?? 'unknown';
      return {
        label: `${id} (${region})`,
        done: replica === wantReplica && status === 'available',
        detail: `${replica ? 'read replica' : 'standalone'}, ${status}`,
      };
    } catch (error) {
      return { label: `${id} (${region})`, done: false, detail: `unknown: ${(error as Error).message}` };
    }
  };
  const assessed = (
    await mapBounded(plan.databases.filter(withPrimary), CONCURRENCY, async (database) => [
      await look(plan.primaryRegion, database.primary, false),
      await look(plan.recoveryRegion, database.replica, true),
    ])
  ).flat();
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}
