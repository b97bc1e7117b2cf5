import type { CheckPromotionsInput, PromotionItem, PromotionsCheck } from '../common/workflow-state.js';
import { checkPromotion } from './check-promotion.js';

/**
 * One poll of every promotion still under way. A database that is already promoted is not
 * described again; the first database that failed or timed out fails the poll with its own
 * error (PromotionFailedError, PromotionTimeoutError, ReplicaNotFoundError).
 */
export async function checkPromotions({
  recoveryRegion,
  databases,
}: CheckPromotionsInput): Promise<PromotionsCheck> {
  const checked: PromotionItem[] = await Promise.all(
    databases.map(async (item) =>
      item.promotion.status === 'promoted'
        ? item
        : {
            ...item,
            promotion: await checkPromotion({
              database: item.database,
              recoveryRegion,
              promotion: item.promotion,
            }),
          },
    ),
  );
  // The next poll comes as soon as the soonest item asks (its step set pollSeconds); importing
  // the constant from the step that mutates would widen this function's IAM in CDK.
  const pending = checked.filter((item) => item.promotion.status !== 'promoted');
  const pollSeconds =
    pending.length === 0 ? 0 : Math.min(...pending.map((item) => item.promotion.pollSeconds));
  return {
    recoveryRegion,
    done: pending.length === 0,
    pollSeconds,
    databases: checked,
  };
}
