import * as z from 'zod';
import type { PlanIssue } from '../common/errors.js';
import { records, type Loose } from './kind-definition.js';

/**
 * The RPO gate's plan fields, shared by the kinds that gate on a lag metric (rds-replica,
 * aurora-global): the threshold, how long to wait for lag to fall, and what to do then.
 * No AWS code: definitions import it.
 */

/** A duration in whole seconds, at most `max`. */
export const wholeSeconds = (max: number) =>
  z.number().int('must be a whole number of seconds').min(0).max(max);

export const lagPolicyFields = {
  /** Highest acceptable lag at the change (the RPO gate), in seconds. */
  maxLagSeconds: wholeSeconds(86_400),
  /** How long to wait for lag to fall under the threshold before applying `onLagExceeded`. @default 120 */
  lagWaitSeconds: wholeSeconds(3_600).default(120),
  /** What to do when lag is still too high after `lagWaitSeconds`. @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
};

/** A threshold above objectives.rpoSeconds would let the gate break the plan's RPO. */
export function lagOverRpoIssues(document: Loose, planKey: string): PlanIssue[] {
  const rpo = (document.objectives as Loose | undefined)?.rpoSeconds;
  return records(document[planKey]).flatMap((item, i) =>
    typeof item.maxLagSeconds === 'number' && typeof rpo === 'number' && item.maxLagSeconds > rpo
      ? [
          {
            path: `${planKey}[${i}].maxLagSeconds`,
            message: `${item.maxLagSeconds}s exceeds objectives.rpoSeconds (${rpo}s): the RPO gate would allow breaking the RPO`,
          },
        ]
      : [],
  );
}
