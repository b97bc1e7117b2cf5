import {
  FailoverGlobalReplicationGroupCommand,
  type GlobalReplicationGroup,
  type GlobalReplicationGroupMember,
} from '@aws-sdk/client-elasticache';
import { elastiCacheClient } from '../../common/clients/elasticache.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import {
  AVAILABLE,
  describeGlobalDatastore,
  isPrimary,
  primaryMember,
  recoveryMember,
} from './elasticache.js';
import { GlobalFailoverRefusedError, GlobalFailoverTimeoutError } from './errors.js';
import type { FailoverFacts, GlobalFailover, GlobalFailoverInput } from './types.js';

/** A Global Datastore fails over in minutes; a short poll keeps the achieved RTO close to it. */
export const FAILOVER_POLL_SECONDS = 15;
/** The recovery group already shows PRIMARY and only the datastore's status is left: look sooner. */
export const CLOSE_POLL_SECONDS = 5;

/** Where the failover stands from one describe: done once the recovery group is the primary of an available datastore. */
function look(
  group: GlobalReplicationGroup,
  member: GlobalReplicationGroupMember,
  since: Pick<GlobalFailover, 'startedAt' | 'dryRun'> & { readonly alreadyFailedOver?: boolean },
  message: string,
): GlobalFailover {
  const primary = isPrimary(member);
  const datastoreStatus = group.Status ?? 'unknown';
  const done = primary && datastoreStatus === AVAILABLE;
  return {
    status: done ? 'failed-over' : 'failing-over',
    globalReplicationGroupId: group.GlobalReplicationGroupId ?? '',
    datastoreStatus,
    role: member.Role ?? 'unknown',
    startedAt: since.startedAt,
    dryRun: since.dryRun,
    ...(since.alreadyFailedOver === true ? { alreadyFailedOver: true } : {}),
    ...(done ? { failedOverAt: nowIso() } : {}),
    pollSeconds: primary ? CLOSE_POLL_SECONDS : FAILOVER_POLL_SECONDS,
    message,
  };
}

/**
 * Fails one Global Datastore over to the recovery region's replication group. Idempotent: a
 * recovery group that is already the primary is recorded as such and nothing is called.
 * `remember` records, once, the primary before the failover and when it was asked for, before
 * FailoverGlobalReplicationGroup is sent, and returns what was recorded first: a retried step
 * whose earlier request was accepted follows that failover instead of asking again. ElastiCache's InvalidGlobalReplicationGroupStateFault
 * ("not available or in primary-only state", API Reference) is resolved by describing the
 * datastore again: a failover already under way (a retried step) is followed; otherwise the
 * refusal stops the failover with the service's own message.
 * @throws GlobalDatastoreNotFoundError, GlobalFailoverRefusedError
 */
export async function startFailover(
  { datastore, recoveryRegion, dryRun }: GlobalFailoverInput,
  remember: (facts: FailoverFacts) => Promise<FailoverFacts>,
): Promise<GlobalFailover> {
  const id = datastore.globalReplicationGroupId;
  const target = datastore.replicationGroup;
  const group = await describeGlobalDatastore(recoveryRegion, id);
  const member = recoveryMember(group, target, recoveryRegion);
  const startedAt = nowIso();
  if (isPrimary(member)) {
    if (!dryRun)
      await remember({
        globalReplicationGroupId: id,
        previousPrimary: null,
        requestedAt: startedAt,
        alreadyFailedOver: true,
      });
    return look(
      group,
      member,
      { startedAt, dryRun, alreadyFailedOver: true },
      `${target} in ${recoveryRegion} was already the primary of ${id}: nothing to fail over`,
    );
  }
  if (dryRun) {
    return {
      ...look(group, member, { startedAt, dryRun }, ''),
      status: 'failed-over',
      failedOverAt: startedAt,
      message: `dry run: would call FailoverGlobalReplicationGroup on ${id} (PrimaryRegion ${recoveryRegion}, PrimaryReplicationGroupId ${target})`,
    };
  }
  const previous = primaryMember(group);
  const recorded = await remember({
    globalReplicationGroupId: id,
    previousPrimary:
      previous?.ReplicationGroupId !== undefined && previous.ReplicationGroupRegion !== undefined
        ? { replicationGroupId: previous.ReplicationGroupId, region: previous.ReplicationGroupRegion }
        : null,
    requestedAt: startedAt,
    alreadyFailedOver: false,
  });
  // Asked for already by this execution (a retried step whose answer was lost) and the datastore
  // is busy: that failover is under way; asking again would only be refused.
  if (recorded.requestedAt !== startedAt && (group.Status ?? 'unknown') !== AVAILABLE) {
    return look(
      group,
      member,
      { startedAt: recorded.requestedAt, dryRun },
      `${id} is ${group.Status ?? 'unknown'} since the failover was asked for at ${recorded.requestedAt}: following it`,
    );
  }
  try {
    const response = await elastiCacheClient(recoveryRegion).send(
      new FailoverGlobalReplicationGroupCommand({
        GlobalReplicationGroupId: id,
        PrimaryRegion: recoveryRegion,
        PrimaryReplicationGroupId: target,
      }),
    );
    return {
      status: 'failing-over',
      globalReplicationGroupId: id,
      datastoreStatus: response.GlobalReplicationGroup?.Status ?? 'unknown',
      role: member.Role ?? 'unknown',
      startedAt,
      pollSeconds: FAILOVER_POLL_SECONDS,
      dryRun,
      message: `FailoverGlobalReplicationGroup accepted for ${id} (to ${target} in ${recoveryRegion})`,
    };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidGlobalReplicationGroupStateFault') throw error;
    const again = await describeGlobalDatastore(recoveryRegion, id);
    const now = recoveryMember(again, target, recoveryRegion);
    if (isPrimary(now)) {
      return look(
        again,
        now,
        { startedAt, dryRun },
        `ElastiCache refused the failover of ${id} (${error.message}), but ${target} is already its primary: an earlier request is finishing`,
      );
    }
    throw new GlobalFailoverRefusedError(
      `ElastiCache refused to fail ${id} over to ${target} in ${recoveryRegion} (${error.name}: ${error.message}); the datastore is ${again.Status ?? 'unknown'} and ${target} is still ${now.Role ?? 'not the primary'}: it was not failed over`,
      { cause: error },
    );
  }
}

/**
 * Polled after FailoverGlobalReplicationGroup: done once the recovery group is the primary and
 * the datastore is `available` again.
 * @throws GlobalDatastoreNotFoundError, GlobalFailoverTimeoutError
 */
export async function checkFailover(
  { datastore, recoveryRegion }: GlobalFailoverInput,
  previous: GlobalFailover,
): Promise<GlobalFailover> {
  const id = datastore.globalReplicationGroupId;
  const group = await describeGlobalDatastore(recoveryRegion, id);
  const member = recoveryMember(group, datastore.replicationGroup, recoveryRegion);
  const next = look(
    group,
    member,
    previous,
    `${id} is ${group.Status ?? 'unknown'}, ${datastore.replicationGroup} is ${member.Role ?? 'unknown'}`,
  );
  if (next.status === 'failed-over') return next;
  const elapsed = secondsSince(previous.startedAt);
  if (elapsed > datastore.failoverTimeoutSeconds) {
    throw new GlobalFailoverTimeoutError(
      `${id} still ${next.datastoreStatus} with ${datastore.replicationGroup} ${next.role} ${Math.round(elapsed)}s after FailoverGlobalReplicationGroup (failoverTimeoutSeconds ${datastore.failoverTimeoutSeconds})`,
    );
  }
  return next;
}
