import { FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { rdsClient } from '../../common/clients/rds.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { describeGlobalCluster, recoveryIsWriter, type GlobalClusterView } from './aurora.js';
import { GlobalFailoverRefusedError, GlobalFailoverTimeoutError } from './errors.js';
import type { GlobalFailover, GlobalFailoverCall, GlobalFailoverInput } from './types.js';

/**
 * Moves the writer of one Aurora global database to its recovery cluster. A planned run (a drill,
 * a failback) calls SwitchoverGlobalCluster: the secondaries synchronize first, no data is lost.
 * An unplanned run (an alarm) calls FailoverGlobalCluster with AllowDataLoss: the writes not yet
 * replicated (the RPO lag the gate measured) are lost. Both return while the operation is under
 * way; the check polls FailoverState until the recovery cluster is the writer.
 */

/**
 * How soon to look again, by FailoverState.Status (RDS API Reference, FailoverState): `pending`
 * is RDS still verifying both clusters before it starts; `failing-over` / `switching-over` is the
 * promotion itself, which ends within minutes, so look often to see the end soon.
 */
export const PENDING_POLL_SECONDS = 15;
export const PROMOTING_POLL_SECONDS = 5;
/** Another operation under way (not ours, or being cancelled): wait for it to end. */
export const OTHER_OPERATION_POLL_SECONDS = 30;

/** The service's refusals: a state the operation cannot start from. Not retried (a person must look). */
const REFUSALS = new Set([
  'InvalidGlobalClusterStateFault',
  'InvalidDBClusterStateFault',
  'GlobalClusterNotFoundFault',
  'DBClusterNotFoundFault',
]);

export const pollSecondsFor = (operation: string | undefined): number =>
  operation === 'failing-over' || operation === 'switching-over'
    ? PROMOTING_POLL_SECONDS
    : operation === 'pending' || operation === undefined
      ? PENDING_POLL_SECONDS
      : OTHER_OPERATION_POLL_SECONDS;

const towardsRecovery = (view: GlobalClusterView): boolean =>
  view.operationTarget !== undefined &&
  view.operationTarget.toLowerCase() === (view.recovery.DBClusterArn ?? '').toLowerCase();

const label = (input: GlobalFailoverInput): string =>
  `${input.item.globalCluster} (${input.item.recoveryCluster})`;

function failedOver(
  input: GlobalFailoverInput,
  previous: Partial<GlobalFailover>,
  message: string,
): GlobalFailover {
  const now = nowIso();
  return {
    ...previous,
    status: 'failed-over',
    startedAt: previous.startedAt ?? now,
    failedOverAt: now,
    pollSeconds: 0,
    dryRun: input.dryRun,
    message,
  };
}

/** Where the global cluster stands before this run calls anything; undefined: call now. */
function settled(input: GlobalFailoverInput, view: GlobalClusterView): GlobalFailover | undefined {
  const { item } = input;
  if (recoveryIsWriter(view)) {
    return {
      ...failedOver(
        input,
        {},
        `${item.recoveryCluster} is already the writer of ${item.globalCluster}: nothing to do`,
      ),
      alreadyFailedOver: true,
    };
  }
  if (view.operation === undefined) return undefined;
  if (towardsRecovery(view) && view.operation !== 'cancelling') {
    // Ours, from an attempt whose response was lost, or someone else's to the same cluster.
    return {
      status: 'failing-over',
      failoverState: view.operation,
      startedAt: nowIso(),
      pollSeconds: pollSecondsFor(view.operation),
      dryRun: input.dryRun,
      message: `a ${view.operation} operation to ${item.recoveryCluster} is already under way on ${item.globalCluster}: not starting another`,
    };
  }
  const waitingSince =
    (input.previous.status === 'waiting' ? input.previous.waitingSince : undefined) ?? nowIso();
  if (secondsSince(waitingSince) > item.failoverTimeoutSeconds) {
    throw new GlobalFailoverTimeoutError(
      `${label(input)}: another operation (${view.operation}${view.operationTarget ? ` to ${view.operationTarget}` : ''}) was still under way after ${item.failoverTimeoutSeconds}s; nothing was called`,
    );
  }
  return {
    status: 'waiting',
    failoverState: view.operation,
    waitingSince,
    pollSeconds: OTHER_OPERATION_POLL_SECONDS,
    dryRun: input.dryRun,
    message: `${item.globalCluster} is ${view.operation}${view.operationTarget ? ` to ${view.operationTarget}` : ''}: waiting for it to end before calling anything`,
  };
}

async function callRds(
  call: GlobalFailoverCall,
  input: GlobalFailoverInput,
  target: string,
): Promise<string | undefined> {
  const client = rdsClient(input.recoveryRegion);
  const identifiers = {
    GlobalClusterIdentifier: input.item.globalCluster,
    TargetDbClusterIdentifier: target,
  };
  const response =
    call === 'SwitchoverGlobalCluster'
      ? await client.send(new SwitchoverGlobalClusterCommand(identifiers))
      : await client.send(new FailoverGlobalClusterCommand({ ...identifiers, AllowDataLoss: true }));
  return response.GlobalCluster?.FailoverState?.Status ?? undefined;
}

/**
 * Starts the switchover or failover of one global database. Idempotent: a recovery cluster that
 * is already the writer counts as done (nothing called); an operation to it already under way is
 * followed, not started again; another operation is waited out. The previous writer, the call
 * and its time are recorded once before the call. In a dry run it only reports what it would do.
 * @throws GlobalClusterNotFoundError, GlobalFailoverRefusedError, GlobalFailoverTimeoutError
 */
export async function startGlobalFailover(input: GlobalFailoverInput): Promise<GlobalFailover> {
  const { item, recoveryRegion, planned, dryRun } = input;
  const view = await describeGlobalCluster(item, recoveryRegion);
  const target = view.recovery.DBClusterArn ?? '';
  const done = settled(input, view);
  if (done !== undefined) {
    if (done.alreadyFailedOver === true && !dryRun)
      await input.recordCall({
        globalCluster: item.globalCluster,
        recoveryClusterArn: target,
        previousWriterArn: target,
        call: 'none',
        calledAt: nowIso(),
      });
    return done;
  }
  const call: GlobalFailoverCall = planned ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster';
  const how = planned ? 'switch over (no data loss)' : 'fail over with AllowDataLoss';
  if (dryRun)
    return failedOver(
      input,
      {},
      `dry run: would call ${call} to ${how} ${item.globalCluster} to ${item.recoveryCluster}`,
    );
  const facts = await input.recordCall({
    globalCluster: item.globalCluster,
    recoveryClusterArn: target,
    previousWriterArn: view.writer?.DBClusterArn ?? null,
    call,
    calledAt: nowIso(),
  });
  try {
    const operation = await callRds(call, input, target);
    return {
      status: 'failing-over',
      call,
      failoverState: operation,
      startedAt: facts.calledAt,
      pollSeconds: pollSecondsFor(operation),
      dryRun: false,
      message: `${call} accepted for ${item.globalCluster} to ${item.recoveryCluster}`,
    };
  } catch (error) {
    if (!(error instanceof Error) || !REFUSALS.has(error.name)) throw error;
    // A refusal raced by an operation the describe did not show yet (e.g. a retried call whose
    // first answer was lost): describe again, and follow it if it goes to the recovery cluster.
    const again = settled(input, await describeGlobalCluster(item, recoveryRegion));
    if (again !== undefined && again.status !== 'waiting') return { ...again, call };
    throw new GlobalFailoverRefusedError(
      `RDS refused ${call} of ${item.globalCluster} to ${item.recoveryCluster}: ${error.name}: ${error.message}`,
      { cause: error },
    );
  }
}

/**
 * Polled after the call: done when the recovery cluster is the writer and FailoverState is empty.
 * A cancelled operation that left another writer is a failure; so is the timeout.
 * @throws GlobalClusterNotFoundError, GlobalFailoverRefusedError, GlobalFailoverTimeoutError
 */
export async function checkGlobalFailover(
  input: GlobalFailoverInput & { readonly previous: GlobalFailover },
): Promise<GlobalFailover> {
  const { item, recoveryRegion, previous } = input;
  const view = await describeGlobalCluster(item, recoveryRegion);
  if (recoveryIsWriter(view)) {
    return failedOver(input, previous, `${item.recoveryCluster} is the writer of ${item.globalCluster}`);
  }
  if (view.operation === undefined && previous.failoverState === 'cancelling') {
    throw new GlobalFailoverRefusedError(
      `${label(input)}: the ${previous.call ?? 'switchover or failover'} was cancelled; ${view.writer?.DBClusterArn ?? 'no member'} is the writer`,
    );
  }
  const elapsed = secondsSince(previous.startedAt ?? nowIso());
  if (elapsed > item.failoverTimeoutSeconds) {
    throw new GlobalFailoverTimeoutError(
      `${label(input)}: ${item.recoveryCluster} is still not the writer ${Math.round(elapsed)}s after ${previous.call ?? 'the operation began'} (FailoverState ${view.operation ?? 'empty'}; failoverTimeoutSeconds ${item.failoverTimeoutSeconds})`,
    );
  }
  return {
    ...previous,
    status: 'failing-over',
    failoverState: view.operation,
    pollSeconds: pollSecondsFor(view.operation),
    message: `${item.globalCluster} is ${view.operation ?? 'between states'}`,
  };
}
