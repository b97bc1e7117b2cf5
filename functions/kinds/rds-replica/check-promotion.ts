import { PromotionFailedError, PromotionTimeoutError } from '../../common/errors.js';
import { describeInstance, endpointOf, HOPELESS_STATUSES, isPromotedAndAvailable } from './rds.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { promotionPollSeconds } from './promote-replica.js';
import type { CheckPromotionInput, Promotion } from './types.js';

/**
 * Polled after PromoteReadReplica: the promotion is done when the instance has no source and
 * is `available` again (RDS reboots it on the way: modifying → rebooting → available).
 * @throws ReplicaNotFoundError, PromotionFailedError, PromotionTimeoutError
 */
export async function checkPromotion({
  database,
  recoveryRegion,
  promotion,
}: CheckPromotionInput): Promise<Promotion> {
  const instance = await describeInstance(recoveryRegion, database.replica);
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (isPromotedAndAvailable(instance)) {
    return {
      ...promotion,
      status: 'promoted',
      instanceStatus: status,
      promotedAt: nowIso(),
      endpoint: endpointOf(instance),
      message: `${database.replica} is standalone and available`,
    };
  }
  if (HOPELESS_STATUSES.has(status)) {
    throw new PromotionFailedError(`${database.replica} went ${status} during promotion`);
  }
  const elapsed = secondsSince(promotion.startedAt ?? nowIso());
  if (elapsed > database.promotionTimeoutSeconds) {
    throw new PromotionTimeoutError(
      `${database.replica} still ${status} ${Math.round(elapsed)}s after PromoteReadReplica (promotionTimeoutSeconds ${database.promotionTimeoutSeconds})`,
    );
  }
  return {
    ...promotion,
    status: 'promoting',
    instanceStatus: status,
    pollSeconds: promotionPollSeconds(instance),
    message: `${database.replica} is ${status}`,
  };
}
