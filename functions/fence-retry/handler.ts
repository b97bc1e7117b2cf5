import { deployedPlan } from '../common/config.js';
import { stepHandler } from '../common/step-handler.js';
import { retryFencing } from './fence-retry.js';
import { invokeKindFence } from './invoke-fence.js';

/** Runs on a schedule (every 5 minutes): fences again what a failover could not fence. */
export const handler = stepHandler('Fence Retry', (_event: unknown) =>
  retryFencing(deployedPlan(), invokeKindFence(process.env)),
);
