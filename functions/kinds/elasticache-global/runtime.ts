import { describeError, ReplicaLagExceededError, ReplicaLagUnknownError } from '../../common/errors.js';
import { readProgress, rememberOnce, writeAssessment, writeProgress } from '../../common/failover-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import {
  mapBounded,
  pollInterval,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { runLagGate } from '../lag-gate.js';
import { skippedIndexes, skippedMessage } from '../preflight.js';
import { elastiCacheGlobalKind, type GlobalDatastorePlan } from './definition.js';
import {
  AVAILABLE,
  describeGlobalDatastore,
  describeReplicationGroup,
  endpointOf,
  isPrimary,
  memberIn,
} from './elasticache.js';
import { GlobalDatastoreNotFoundError, GlobalDatastoreNotReadyError } from './errors.js';
import { checkFailover, startFailover } from './fail-over.js';
import { readGlobalLag } from './replication-lag.js';
import type {
  DatastoreOutputs,
  FailoverFacts,
  FailoverProgress,
  GlobalFailover,
  GlobalLagCheck,
} from './types.js';

const KIND = elastiCacheGlobalKind.id;
/** Where the facts from before the failover are kept (the item's own facts are its template outputs). */
const BEFORE = `${KIND}#before`;
/** ElastiCache control-plane calls in flight at once inside one invocation. */
const CONCURRENCY = 5;

/**
 * The Global Datastore kind, every datastore of the plan per invocation: the RPO gate (one look
 * at every datastore not yet through it), FailoverGlobalReplicationGroup (idempotent), and
 * polling until each recovery group is the primary of an available datastore. Progress lives in
 * the failover record; the primary before the failover is recorded once, before the failover is
 * asked for, and the recovery group's endpoint once it is the primary.
 */

/** What stops a datastore at the gate: it cannot be found, is not ready, or its lag says not to fail it over. */
const isGateRefusal = (error: unknown): error is Error =>
  error instanceof GlobalDatastoreNotFoundError ||
  error instanceof GlobalDatastoreNotReadyError ||
  error instanceof ReplicaLagExceededError ||
  error instanceof ReplicaLagUnknownError;

/**
 * The preflight and the RPO gate in one look at every datastore not yet through it
 * (functions/kinds/lag-gate.ts): a datastore that cannot fail over stops the failover, naming
 * every such datastore at once; an optional one is skipped instead.
 */
const gate = ({ plan, scope }: KindContext): Promise<KindSummary> =>
  runLagGate<GlobalDatastorePlan, GlobalLagCheck>({
    kind: KIND,
    noun: elastiCacheGlobalKind.noun,
    passedNoun: 'global datastores through the RPO gate',
    items: plan.globalDatastores,
    scope,
    label: (datastore) => datastore.globalReplicationGroupId,
    identity: (datastore) => ({ globalReplicationGroupId: datastore.globalReplicationGroupId }),
    look: (datastore, previous) =>
      readGlobalLag(datastore, plan.recoveryRegion, previous as GlobalLagCheck | { readonly checks: 0 }),
    isRefusal: isGateRefusal,
    isMissing: (error) =>
      !(error instanceof ReplicaLagExceededError || error instanceof ReplicaLagUnknownError),
  });

/** Records, once, what parameter templates may name: the recovery group, now the primary, and its endpoint. */
async function recordOutputs(
  { plan, scope, dryRun }: KindContext,
  index: number,
  failover: GlobalFailover,
): Promise<void> {
  const datastore = plan.globalDatastores[index];
  if (dryRun || failover.status !== 'failed-over' || datastore === undefined) return;
  const endpoint = endpointOf(
    await describeReplicationGroup(plan.recoveryRegion, datastore.replicationGroup),
  );
  await rememberOnce<DatastoreOutputs>(scope, KIND, index, {
    replicationGroupId: datastore.replicationGroup,
    ...(endpoint !== undefined ? { endpoint: endpoint.address, port: String(endpoint.port) } : {}),
    failedOverAt: failover.failedOverAt ?? nowIso(),
  });
}

async function advance(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const recorded = await readProgress<FailoverProgress[]>(scope, KIND);
  const skipped = await skippedIndexes(scope, KIND);
  const progress = await mapBounded(
    plan.globalDatastores,
    CONCURRENCY,
    async (datastore, i): Promise<FailoverProgress> => {
      const previous: FailoverProgress = recorded?.[i] ?? { status: 'not-started' };
      if (previous.status === 'failed-over' || previous.status === 'skipped') return previous;
      if (skipped.has(i))
        return {
          status: 'skipped',
          message: skippedMessage(
            `global datastore ${datastore.globalReplicationGroupId} did not pass the gate`,
          ),
        };
      const input = { datastore, recoveryRegion: plan.recoveryRegion, dryRun };
      const next =
        previous.status === 'failing-over'
          ? await checkFailover(input, previous)
          : await startFailover(input, (facts) => rememberOnce<FailoverFacts>(scope, BEFORE, i, facts));
      await recordOutputs(context, i, next);
      return next;
    },
  );
  await writeProgress(scope, KIND, progress);
  return summarise(
    KIND,
    action,
    progress.map((failover) =>
      failover.status === 'skipped' || failover.status === 'not-started'
        ? { done: true, pollSeconds: 0 }
        : {
            done: failover.status === 'failed-over',
            // Close to done (the recovery group already PRIMARY), the short interval holds however long it took.
            pollSeconds:
              failover.role.toUpperCase() === 'PRIMARY'
                ? failover.pollSeconds
                : pollInterval(failover.pollSeconds, secondsSince(failover.startedAt)),
            doneAt: failover.failedOverAt,
          },
    ),
    'global datastores failed over',
  );
}

/** What each datastore is now, read from ElastiCache (read-only; a failure to read is "unknown"). */
async function readBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope } = context;
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  const assessed = await mapBounded(
    plan.globalDatastores,
    CONCURRENCY,
    async (datastore, i): Promise<Assessed> => {
      const label = datastore.globalReplicationGroupId;
      if (skipped.has(i))
        return {
          label,
          done: false,
          detail: skippedMessage(`global datastore ${label} did not pass the gate`),
        };
      try {
        const group = await describeGlobalDatastore(plan.recoveryRegion, label);
        const member = memberIn(group, datastore.replicationGroup, plan.recoveryRegion);
        const status = group.Status ?? 'unknown';
        if (member === undefined)
          return { label, done: false, detail: `${datastore.replicationGroup} is not a member (${status})` };
        if (!isPrimary(member)) {
          // A failover ElastiCache accepted cannot be called back: say it may be under way.
          const underWay = status === AVAILABLE ? '' : ': a failover may be under way and cannot be undone';
          return {
            label,
            done: false,
            detail: `${datastore.replicationGroup} is still ${member.Role ?? 'a secondary'} (${status})${underWay}`,
          };
        }
        const done = status === AVAILABLE;
        if (done)
          await recordOutputs(context, i, {
            status: 'failed-over',
            globalReplicationGroupId: label,
            datastoreStatus: status,
            role: member.Role ?? 'PRIMARY',
            startedAt: nowIso(),
            pollSeconds: 0,
            dryRun: context.dryRun,
            message: '',
          });
        return {
          label,
          done,
          detail: done
            ? `failed over: ${datastore.replicationGroup} is the primary (${status})`
            : `${datastore.replicationGroup} is the primary, datastore ${status}`,
        };
      } catch (error) {
        return { label, done: false, detail: `unknown: ${describeError(error)}` };
      }
    },
  );
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const elastiCacheGlobalRuntime: KindRuntime = {
  kind: KIND,
  gate,
  start: (context) => advance(context, 'start'),
  check: (context) => advance(context, 'check'),
  readBack,
};
