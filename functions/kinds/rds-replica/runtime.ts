import {
  describeError,
  ReplicaLagExceededError,
  ReplicaLagUnknownError,
  ReplicaNotFoundError,
} from '../../common/errors.js';
import { readProgress, rememberOnce, writeAssessment, writeProgress } from '../../common/failover-record.js';
import {
  mapBounded,
  summarise,
  underWay,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { skippedIndexes, skippedMessage } from '../preflight.js';
import { runLagGate } from '../lag-gate.js';
import { checkPromotion } from './check-promotion.js';
import { rdsReplicaKind, type DatabasePlan } from './definition.js';
import { fenceDatabases } from './fence.js';
import { failbackGate, failbackReadBack, promoteHome } from './failback.js';
import { promoteReplica } from './promote-replica.js';
import { reprotectDatabases } from './reprotect.js';
import { describeInstance, endpointOf, isReplica } from './rds.js';
import { readReplicaLag } from './replica-lag.js';
import type { DatabaseFacts, LagCheck, Promotion, PromotionProgress } from './types.js';

const KIND = rdsReplicaKind.id;
/** Calls in flight at once inside one invocation (RDS control-plane calls are rate limited). */
const CONCURRENCY = 10;

/**
 * The RDS read replica kind, every database of the plan per invocation: the RPO gate (one look
 * at every database not yet through it), promotion (idempotent), and polling until each
 * promoted instance is standalone and available. Progress lives in the failover record.
 */

/** What stops a database at the gate: it cannot be found, or its lag says not to promote it. */
const isGateRefusal = (error: unknown): error is Error =>
  error instanceof ReplicaNotFoundError ||
  error instanceof ReplicaLagExceededError ||
  error instanceof ReplicaLagUnknownError;

/** The preflight and the RPO gate (functions/kinds/lag-gate.ts) over every database. */
const gate = ({ plan, scope }: KindContext): Promise<KindSummary> =>
  runLagGate<DatabasePlan, LagCheck>({
    kind: KIND,
    noun: rdsReplicaKind.noun,
    passedNoun: 'replicas through the RPO gate',
    items: plan.databases,
    scope,
    label: (database) => database.replica,
    identity: (database) => ({ replica: database.replica }),
    look: (database, previous) => readReplicaLag({ database, recoveryRegion: plan.recoveryRegion, previous }),
    isRefusal: isGateRefusal,
    isMissing: (error) => error instanceof ReplicaNotFoundError,
  });

/** Records where a promoted database answers, once (template outputs and failback). */
async function recordPromoted({ scope }: KindContext, index: number, promotion: Promotion): Promise<void> {
  if (promotion.status !== 'promoted') return;
  await rememberOnce<DatabaseFacts>(scope, KIND, index, {
    instanceId: promotion.instanceId,
    ...(promotion.endpoint !== undefined
      ? { endpoint: promotion.endpoint.address, port: String(promotion.endpoint.port) }
      : {}),
    ...(promotion.promotedAt !== undefined ? { promotedAt: promotion.promotedAt } : {}),
  });
}

async function advance(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const [recorded, skipped] = await Promise.all([
    readProgress<PromotionProgress[]>(scope, KIND),
    skippedIndexes(scope, KIND),
  ]);
  const progress = await mapBounded(plan.databases, CONCURRENCY, async (database, i) => {
    const previous: PromotionProgress = recorded?.[i] ?? { status: 'not-started' };
    if (previous.status === 'promoted' || previous.status === 'skipped') return previous;
    if (skipped.has(i))
      return {
        status: 'skipped',
        message: skippedMessage(`replica ${database.replica} did not pass the gate`),
      } as const;
    const next =
      previous.status === 'promoting'
        ? await checkPromotion({ database, recoveryRegion: plan.recoveryRegion, promotion: previous })
        : await promoteReplica({ database, recoveryRegion: plan.recoveryRegion, dryRun, previous });
    await recordPromoted(context, i, next);
    return next;
  });
  await writeProgress(scope, KIND, progress);
  return summarise(
    KIND,
    action,
    progress.map((promotion) =>
      promotion.status === 'skipped'
        ? { done: true, pollSeconds: 0 }
        : underWay(promotion, promotion.status === 'promoted', promotion.promotedAt),
    ),
    'replicas promoted',
  );
}

/** What each replica is now, read from RDS (read-only, a failure to read is "unknown"). */
async function readBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope } = context;
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  const assessed = await mapBounded(plan.databases, CONCURRENCY, async (database, i): Promise<Assessed> => {
    const label = database.replica;
    if (skipped.has(i))
      return { label, done: false, detail: skippedMessage(`replica ${label} did not pass the gate`) };
    try {
      const instance = await describeInstance(plan.recoveryRegion, database.replica);
      const status = instance.DBInstanceStatus ?? 'unknown';
      if (isReplica(instance)) {
        // PromoteReadReplica leaves the instance `modifying` with its source for minutes: say so, it cannot be undone.
        const promoting = status === 'modifying' ? ': a promotion may be under way and cannot be undone' : '';
        return { label, done: false, detail: `still a read replica (${status})${promoting}` };
      }
      const done = status === 'available';
      const endpoint = endpointOf(instance);
      if (done && !context.dryRun) {
        await rememberOnce<DatabaseFacts>(scope, KIND, i, {
          instanceId: database.replica,
          ...(endpoint !== undefined ? { endpoint: endpoint.address, port: String(endpoint.port) } : {}),
        });
      }
      return { label, done, detail: done ? 'promoted: standalone and available' : `standalone, ${status}` };
    } catch (error) {
      return { label, done: false, detail: `unknown: ${describeError(error)}` };
    }
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

/** Failback (issue 10) runs the home-replica counterpart of each action: failback.ts. */
const failingBack = (context: KindContext): boolean => context.direction === 'failback';

export const rdsReplicaRuntime: KindRuntime = {
  kind: KIND,
  gate: (context) => (failingBack(context) ? failbackGate(context) : gate(context)),
  start: (context) => (failingBack(context) ? promoteHome(context, 'start') : advance(context, 'start')),
  check: (context) => (failingBack(context) ? promoteHome(context, 'check') : advance(context, 'check')),
  readBack: (context) => (failingBack(context) ? failbackReadBack(context) : readBack(context)),
  reprotect: reprotectDatabases,
  fence: fenceDatabases,
};
