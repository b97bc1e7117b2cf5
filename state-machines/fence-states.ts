import type { Plan } from '../functions/common/plan.js';
import { STATES } from '../functions/common/vocabulary.js';
import type { Kind } from '../functions/kinds/registry.js';
import { fenceBranch, type AslState } from './states.js';

/**
 * The fence of the old region (issue 10), in the failover direction: once Route is done, each
 * kind with `fences` whose plan items name an old-region resource (an old primary, an old group)
 * stops writers there from reaching it. It runs after the last change, so it adds nothing to the
 * RTO (which ends when the last resource is done), and it is best effort: a failure is caught,
 * kept at $.fenceFailure (or the branch's own result) and the run goes on to Notify Succeeded,
 * whose notice says what was fenced and what is not yet (the scheduled retry takes it from there).
 */

/** The kinds of `kinds` (the plan's) that have something to fence in this plan. */
export function fencingKinds(plan: Plan, kinds: readonly Kind[]): Kind[] {
  return kinds.filter((kind) => {
    const label = kind.fenceLabel as ((item: unknown) => string | undefined) | undefined;
    if (kind.fences === undefined || label === undefined) return false;
    return (plan[kind.planKey] as readonly unknown[]).some((item) => label(item) !== undefined);
  });
}

/** The `Fence Old Region` Parallel, one branch per fencing kind, on to `next` whatever happens. */
export function fenceStates(kinds: readonly Kind[], next: string): Record<string, AslState> {
  return {
    [STATES.fenceOldRegion]: {
      Type: 'Parallel',
      Comment:
        'Best effort, after Route (outside the RTO): each kind fences the old region (the old primary stopped after a final snapshot, the old groups scaled to zero) with short timeouts, recording what it could not do in the fencing record for the scheduled retry. A dry run only says what it would fence. A failure is kept at $.fenceFailure and never fails the failover.',
      InputPath: '$.stepInputs',
      Branches: kinds.map(fenceBranch),
      ResultPath: '$.fence',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.fenceFailure', Next: next }],
      Next: next,
    },
  };
}
