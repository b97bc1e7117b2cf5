import { PromoteReadReplicaCommand, type DBInstance } from '@aws-sdk/client-rds';
import { rdsClient } from '../../common/clients/rds.js';
import { PromotionFailedError, PromotionTimeoutError } from '../../common/errors.js';
import { describeInstance, endpointOf, HOPELESS_STATUSES, isPromotedAndAvailable, isReplica } from './rds.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import type { DatabasePlan } from './definition.js';
import type { PromoteReplicaInput, Promotion } from './types.js';

/** RDS promotion takes minutes; a short poll keeps the achieved RTO close to the real duration. */
export const PROMOTION_POLL_SECONDS = 15;
/**
 * The promotion's last stage: replication is gone and RDS is rebooting the instance ("When you
 * promote a read replica, RDS reboots the DB instance before making it available", RDS user
 * guide, "Promoting a read replica to be a standalone DB instance"). It is `available` within
 * the reboot, so the check looks every second here instead of every 15: a promotion is seen
 * done about a second after it is, not up to 15 (kind-step.ts pollInterval bounds the looks).
 */
export const FINAL_STAGE_POLL_SECONDS = 1;

/**
 * How soon to look again at an instance being promoted. PromoteReadReplica returns while the
 * instance is `modifying` and still names its source (aws-fixtures: its response); later RDS
 * reboots it (`rebooting`, no source any more) and it comes back `available`. The reboot is the
 * last stage: look every second then, every 15 seconds before.
 */
export const promotionPollSeconds = (instance: DBInstance): number =>
  !isReplica(instance) && instance.DBInstanceStatus === 'rebooting'
    ? FINAL_STAGE_POLL_SECONDS
    : PROMOTION_POLL_SECONDS;
/** A replica in `backing-up` cannot be promoted; it usually finishes within minutes. */
export const NOT_PROMOTABLE_POLL_SECONDS = 30;

function promoted(
  database: DatabasePlan,
  instance: DBInstance,
  options: { dryRun: boolean; alreadyPromoted: boolean },
  message: string,
): Promotion {
  const now = nowIso();
  return {
    status: 'promoted',
    instanceId: database.replica,
    instanceStatus: instance.DBInstanceStatus ?? 'unknown',
    startedAt: now,
    promotedAt: now,
    pollSeconds: PROMOTION_POLL_SECONDS,
    endpoint: endpointOf(instance),
    alreadyPromoted: options.alreadyPromoted,
    dryRun: options.dryRun,
    message,
  };
}

/** Where the instance stands, for a replica that may or may not have been promoted already. */
function fromCurrentState(input: PromoteReplicaInput, instance: DBInstance): Promotion | undefined {
  const { database, dryRun } = input;
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (isPromotedAndAvailable(instance)) {
    return promoted(
      database,
      instance,
      { dryRun, alreadyPromoted: true },
      `${database.replica} was already standalone and available: nothing to promote`,
    );
  }
  if (!isReplica(instance)) {
    // A promotion already accepted (e.g. this step retried after a lost response) is still finishing.
    return {
      status: 'promoting',
      instanceId: database.replica,
      instanceStatus: status,
      startedAt: nowIso(),
      pollSeconds: promotionPollSeconds(instance),
      dryRun,
      message: `${database.replica} is already standalone and ${status}: waiting for it to become available`,
    };
  }
  if (HOPELESS_STATUSES.has(status)) {
    throw new PromotionFailedError(`${database.replica} is ${status} and cannot be promoted`);
  }
  if (status !== 'available') {
    const previous = input.previous.status === 'waiting-to-promote' ? input.previous : undefined;
    const waitingSince = previous?.waitingSince ?? nowIso();
    if (secondsSince(waitingSince) > database.promotionTimeoutSeconds) {
      throw new PromotionTimeoutError(
        `${database.replica} stayed ${status} (not promotable) for more than ${database.promotionTimeoutSeconds}s`,
      );
    }
    return {
      status: 'waiting-to-promote',
      instanceId: database.replica,
      instanceStatus: status,
      waitingSince,
      pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
      dryRun,
      message: `${database.replica} is ${status}; RDS cannot promote it yet: waiting`,
    };
  }
  return undefined;
}

/**
 * Promotes one cross-region read replica. Idempotent: an instance that is already standalone
 * counts as promoted; `InvalidDBInstanceStateFault` from a promotion that raced another one is
 * resolved by describing the instance again; `backing-up` and other transient statuses mean
 * "wait and call again". In a dry run it only reports what it would do.
 * @throws ReplicaNotFoundError, PromotionFailedError, PromotionTimeoutError
 */
export async function promoteReplica(input: PromoteReplicaInput): Promise<Promotion> {
  const { database, recoveryRegion, dryRun } = input;
  const instance = await describeInstance(recoveryRegion, database.replica);
  const settled = fromCurrentState(input, instance);
  if (settled !== undefined) return settled;
  if (dryRun) {
    return promoted(
      database,
      instance,
      { dryRun: true, alreadyPromoted: false },
      `dry run: would call PromoteReadReplica on ${database.replica}`,
    );
  }
  try {
    const response = await rdsClient(recoveryRegion).send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: database.replica }),
    );
    return {
      status: 'promoting',
      instanceId: database.replica,
      instanceStatus: response.DBInstance?.DBInstanceStatus ?? 'modifying',
      startedAt: nowIso(),
      pollSeconds: PROMOTION_POLL_SECONDS,
      dryRun: false,
      message: `PromoteReadReplica accepted for ${database.replica}`,
    };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidDBInstanceStateFault') throw error;
    const again = await describeInstance(recoveryRegion, database.replica);
    const resolved = fromCurrentState(input, again);
    if (resolved !== undefined) return resolved;
    // RDS said "invalid state" but the describe still shows an available replica: a state change
    // the describe does not show yet. Wait and try again, bounded by promotionTimeoutSeconds
    // like any other wait for a promotable replica.
    const waitingSince =
      (input.previous.status === 'waiting-to-promote' ? input.previous.waitingSince : undefined) ?? nowIso();
    if (secondsSince(waitingSince) > database.promotionTimeoutSeconds) {
      throw new PromotionFailedError(
        `RDS kept refusing to promote ${database.replica} (${error.message}) for more than ${database.promotionTimeoutSeconds}s although it is an available replica`,
        { cause: error },
      );
    }
    return {
      status: 'waiting-to-promote',
      instanceId: database.replica,
      instanceStatus: again.DBInstanceStatus ?? 'unknown',
      waitingSince,
      pollSeconds: NOT_PROMOTABLE_POLL_SECONDS,
      dryRun: false,
      message: `RDS refused to promote ${database.replica} (${error.message}): waiting, then trying again`,
    };
  }
}
