import { describeError, ReplicaLagExceededError, ReplicaLagUnknownError } from '../../common/errors.js';
import {
  readProgress,
  rememberOnce,
  writeAssessment,
  writeProgress,
  type RecordScope,
} from '../../common/failover-record.js';
import {
  mapBounded,
  summarise,
  underWay,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { runLagGate } from '../lag-gate.js';
import { skippedIndexes, skippedMessage } from '../preflight.js';
import { describeGlobalCluster, recoveryIsWriter, writerEndpoint } from './aurora.js';
import { auroraGlobalKind, type AuroraGlobalClusterPlan } from './definition.js';
import { GlobalClusterNotFoundError } from './errors.js';
import { checkGlobalFailover, startGlobalFailover } from './failover.js';
import { readGlobalLag } from './global-lag.js';
import type {
  GlobalCallFacts,
  GlobalFailover,
  GlobalFailoverProgress,
  GlobalLagCheck,
  GlobalWriterFacts,
} from './types.js';

const KIND = auroraGlobalKind.id;
/** The call facts (previous writer, call, time) sit beside the writer facts the templates read. */
const CALL_FACTS = `${KIND}-call`;
const CONCURRENCY = 10;

/**
 * The Aurora global database kind, every global database of the plan per invocation: the RPO
 * gate (AuroraGlobalDBRPOLag), the switchover (planned) or failover with data loss (unplanned),
 * and polling FailoverState until each recovery cluster is the writer. Progress lives in the
 * failover record; the previous writer and the call are written once before the call, the
 * writer endpoint once the recovery cluster is the writer.
 */

const isGateRefusal = (error: unknown): error is Error =>
  error instanceof GlobalClusterNotFoundError ||
  error instanceof ReplicaLagExceededError ||
  error instanceof ReplicaLagUnknownError;

/** A drill or a failback moves the writer with no data loss (switchover). */
const isPlanned = (context: KindContext): boolean => context.planned || context.direction === 'failback';

const gate = (context: KindContext): Promise<KindSummary> =>
  runLagGate<AuroraGlobalClusterPlan, GlobalLagCheck>({
    kind: KIND,
    noun: auroraGlobalKind.noun,
    passedNoun: 'global clusters through the RPO gate',
    items: context.plan.auroraGlobalClusters,
    scope: context.scope,
    label: auroraGlobalKind.label,
    identity: (item) => ({ recoveryCluster: item.recoveryCluster }),
    look: (item, previous) =>
      readGlobalLag({
        item,
        recoveryRegion: context.plan.recoveryRegion,
        planned: isPlanned(context),
        previous,
      }),
    isRefusal: isGateRefusal,
    isMissing: (error) => error instanceof GlobalClusterNotFoundError,
  });

/** Records where the new writer answers, once (parameter templates, failback). */
async function recordWriter(
  scope: RecordScope,
  item: AuroraGlobalClusterPlan,
  index: number,
  region: string,
  failover: GlobalFailover,
): Promise<void> {
  if (failover.status !== 'failed-over' || failover.dryRun) return;
  const endpoint = await writerEndpoint(item, region);
  await rememberOnce<GlobalWriterFacts>(scope, KIND, index, {
    clusterId: item.recoveryCluster,
    ...(endpoint.address !== undefined ? { writerEndpoint: endpoint.address } : {}),
    ...(endpoint.port !== undefined ? { port: String(endpoint.port) } : {}),
    ...(failover.failedOverAt !== undefined ? { failedOverAt: failover.failedOverAt } : {}),
  });
}

async function advance(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const region = plan.recoveryRegion;
  const recorded = await readProgress<GlobalFailoverProgress[]>(scope, KIND);
  const skipped = await skippedIndexes(scope, KIND);
  const progress = await mapBounded(
    plan.auroraGlobalClusters,
    CONCURRENCY,
    async (item, i): Promise<GlobalFailoverProgress> => {
      const previous: GlobalFailoverProgress = recorded?.[i] ?? { status: 'not-started' };
      if (previous.status === 'failed-over' || previous.status === 'skipped') return previous;
      if (skipped.has(i))
        return {
          status: 'skipped',
          message: skippedMessage(`global cluster ${auroraGlobalKind.label(item)} did not pass the gate`),
        };
      const input = {
        item,
        recoveryRegion: region,
        planned: isPlanned(context),
        dryRun,
        recordCall: (facts: GlobalCallFacts) => rememberOnce(scope, CALL_FACTS, i, facts),
      };
      const next =
        previous.status === 'failing-over'
          ? await checkGlobalFailover({ ...input, previous })
          : await startGlobalFailover({ ...input, previous });
      await recordWriter(scope, item, i, region, next);
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
        : underWay(failover, failover.status === 'failed-over', failover.failedOverAt),
    ),
    'global clusters failed over',
  );
}

/** What each global database is now, read from RDS (read-only; a failure to read is "unknown"). */
async function readBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope } = context;
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  const assessed = await mapBounded(
    plan.auroraGlobalClusters,
    CONCURRENCY,
    async (item, i): Promise<Assessed> => {
      const label = auroraGlobalKind.label(item);
      if (skipped.has(i))
        return {
          label,
          done: false,
          detail: skippedMessage(`global cluster ${label} did not pass the gate`),
        };
      try {
        const view = await describeGlobalCluster(item, plan.recoveryRegion);
        if (recoveryIsWriter(view))
          return { label, done: true, detail: `failed over: ${item.recoveryCluster} is the writer` };
        const writer = view.writer?.DBClusterArn ?? 'no member';
        const operation =
          view.operation !== undefined
            ? `; a ${view.operation} operation is under way and cannot be undone from here`
            : '';
        return { label, done: false, detail: `still a secondary (writer: ${writer})${operation}` };
      } catch (error) {
        return { label, done: false, detail: `unknown: ${describeError(error)}` };
      }
    },
  );
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const auroraGlobalRuntime: KindRuntime = {
  kind: KIND,
  gate,
  start: (context) => advance(context, 'start'),
  check: (context) => advance(context, 'check'),
  readBack,
};
