import {
  readFencing,
  writeFencing,
  type FencedResource,
  type FencingRecord,
} from '../common/fencing-record.js';
import { nowIso } from '../common/step-handler.js';
import { mapBounded, type KindContext, type KindSummary } from './kind-step.js';
import type { Kind } from './registry.js';

/**
 * The fence of a kind (issue 10), shared by the kinds that have one: after the recovery side is
 * promoted and routed to, stop writers in the old (primary) region from reaching the old primary.
 * Best effort and never blocking: each resource's look catches its own errors and reports them as
 * `pending` with one line, so the step itself does not fail on a dead region. The fencing record
 * (functions/common/fencing-record.ts) keeps every resource's status, its attempts and its
 * write-once facts; a resource already fenced is not looked at again, so the scheduled retry
 * (functions/fence-retry/) calling the same `fence` only retries what is still pending.
 */

/** What one look at one resource found or did. */
export interface FenceLook {
  readonly status: 'fenced' | 'pending';
  /** One line: what was done, or why it could not be. */
  readonly detail: string;
  /** Facts to keep (write-once: a fact already recorded is never replaced). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** Looks at one old-region resource and fences it unless `dryRun`; never throws for AWS errors. */
export type FenceLookFunction = (
  region: string,
  label: string,
  previous: FencedResource | undefined,
  dryRun: boolean,
) => Promise<FenceLook>;

/** What the fence reads of a kind's definition: its items, their labels and what each fences. */
type FencingKind = Pick<Kind, 'id' | 'planKey' | 'label' | 'fenceLabel'>;

/** Calls in flight at once into the old region (each with BEST_EFFORT's short timeout). */
const CONCURRENCY = 10;

/** The line for a resource the plan names nothing to fence for. */
export const NOT_APPLICABLE = 'not applicable: the plan names no resource in the old region for it';

/** Where the fencing record is: the lock table, in the recovery region. */
const recordRegion = (context: KindContext): string =>
  context.scope.executionId.split(':')[3] ?? context.plan.recoveryRegion;

/** One resource after this attempt, from the look and what the record held. */
function next(
  label: string,
  previous: FencedResource | undefined,
  look: FenceLook,
  at: string,
): FencedResource {
  const facts = { ...look.facts, ...previous?.facts };
  const fencedAt = previous?.fencedAt ?? (look.status === 'fenced' ? at : undefined);
  return {
    label,
    status: look.status,
    attempts: (previous?.attempts ?? 0) + 1,
    lastAttemptAt: at,
    ...(fencedAt !== undefined ? { fencedAt } : {}),
    detail: look.detail,
    ...(Object.keys(facts).length > 0 ? { facts } : {}),
  };
}

/** The state carries a few resources by name, whatever the plan's size (the record has them all). */
const NAMED_IN_SUMMARY = 3;
const DETAIL_IN_SUMMARY = 160;

/** `a (why); b (why); c (why) and 4 more`. */
function named(resources: readonly FencedResource[]): string {
  const listed = resources
    .slice(0, NAMED_IN_SUMMARY)
    .map((resource) => `${resource.label}: ${resource.detail.slice(0, DETAIL_IN_SUMMARY)}`);
  const more = resources.length - listed.length;
  return `${listed.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function summary(kind: string, resources: readonly FencedResource[], dryRun: boolean): KindSummary {
  const pending = resources.filter((resource) => resource.status === 'pending');
  const fenced = resources.filter((resource) => resource.status === 'fenced').length;
  const applicable = resources.filter((resource) => resource.status !== 'not-applicable');
  const message = dryRun
    ? `dry run: ${named(applicable) || 'nothing to fence'}`
    : pending.length === 0
      ? `${fenced} of ${applicable.length} fenced`
      : `${fenced} of ${applicable.length} fenced; not yet: ${named(pending)}`;
  return {
    kind,
    action: 'fence',
    // Best effort: the workflow calls the fence once and goes on; the schedule retries what pends.
    done: true,
    waitSeconds: 0,
    total: applicable.length,
    pending: pending.length,
    message,
  };
}

/**
 * Fences every resource of a kind that is not fenced yet, and writes the fencing record. A dry
 * run looks (read-only) and reports what it would fence, and writes nothing. A record another
 * failover execution wrote is started afresh; a closed one (a failback made the old region
 * primary again) is left alone.
 */
export async function runFence(
  context: KindContext,
  kind: FencingKind,
  look: FenceLookFunction,
): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const region = recordRegion(context);
  const items = plan[kind.planKey] as readonly unknown[];
  const fenceLabel = kind.fenceLabel as ((item: unknown) => string | undefined) | undefined;
  const planLabel = kind.label as (item: unknown) => string;
  const stored = await readFencing(region, plan.name, kind.id);
  if (stored?.state === 'closed' && stored.failoverExecution === scope.executionId)
    return { ...summary(kind.id, stored.resources, false), message: 'fencing record closed by a failback' };
  const record: FencingRecord | undefined =
    stored?.failoverExecution === scope.executionId ? stored : undefined;
  const at = nowIso();
  const resources = await mapBounded(items, CONCURRENCY, async (item): Promise<FencedResource> => {
    const label = fenceLabel?.(item);
    if (label === undefined)
      return { label: planLabel(item), status: 'not-applicable', attempts: 0, detail: NOT_APPLICABLE };
    const previous = record?.resources.find((resource) => resource.label === label);
    if (previous?.status === 'fenced') return previous;
    return next(label, previous, await look(plan.primaryRegion, label, previous, dryRun), at);
  });
  if (!dryRun)
    await writeFencing(region, {
      planName: plan.name,
      kind: kind.id,
      failoverExecution: scope.executionId,
      state: 'open',
      resources,
    });
  return summary(kind.id, resources, dryRun);
}
