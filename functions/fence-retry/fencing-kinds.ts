import type { Plan } from '../common/plan.js';
import { KINDS, type Kind } from '../kinds/registry.js';

/**
 * The kinds of a plan that fence (their definition says how, in `fences`): the ones with a
 * fencing record for the scheduled retry to work on and for `failover status` to show. SDK-free:
 * the construct decides from it whether to deploy the retry, and which functions it may invoke.
 */
export const fencingKinds = (plan: Plan): Kind[] =>
  KINDS.filter((kind) => kind.fences !== undefined && (plan[kind.planKey] as readonly unknown[]).length > 0);

/** The scheduled fence retry's function id (functions/fence-retry). Not a workflow function. */
export const FENCE_RETRY_ID = 'fence-retry';

/** How often the construct's schedule runs the retry, in minutes (the notices say it). */
export const FENCE_RETRY_MINUTES = 5;
