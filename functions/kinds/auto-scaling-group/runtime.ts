import { describeError, ScalingGroupNotFoundError } from '../../common/errors.js';
import { secondsSince } from '../../common/step-handler.js';
import {
  readProgress,
  rememberOnce,
  writeAssessment,
  writeGate,
  writeProgress,
} from '../../common/failover-record.js';
import {
  mapBounded,
  pollInterval,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { requireAll, skippedIndexes, skippedMessage, type PreflightFinding } from '../preflight.js';
import { describeGroups, inServiceCount } from './autoscaling.js';
import { assessCapacity } from './check-capacity.js';
import { autoScalingGroupKind } from './definition.js';
import { fenceGroups } from './fence.js';
import { scaleBack, scaleBackReadBack } from './failback.js';
import { prewarmGroups, unwarmGroups } from './prewarm.js';
import { scaleGroup } from './scale-group.js';
import type { GroupFacts, GroupPreflight, GroupProgress } from './types.js';

const KIND = autoScalingGroupKind.id;
const CONCURRENCY = 10;

/**
 * The Auto Scaling group kind: a read-only preflight of every group (it exists in the recovery
 * region and is not being deleted), then scale every recovery group up to the plan's capacity
 * (never down; the capacity before is recorded once), then poll all groups not yet ready in one
 * DescribeAutoScalingGroups call (50 names a call) until enough instances are InService. A group
 * the preflight skipped (optional) is left alone by every later step.
 */

const summary = (action: 'start' | 'check', progress: readonly GroupProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((scaling) =>
      scaling.status === 'skipped'
        ? { done: true, pollSeconds: 0 }
        : {
            done: scaling.status === 'ready',
            pollSeconds: pollInterval(scaling.pollSeconds, secondsSince(scaling.startedAt)),
            doneAt: scaling.readyAt,
          },
    ),
    'groups ready',
  );

/** Why a described group (or its absence) cannot be scaled, if it cannot. */
function preflightProblem(name: string, region: string, found: { Status?: string } | undefined) {
  if (found === undefined) return `group ${name} not found in ${region}`;
  // DescribeAutoScalingGroups reports `Status: "Delete in progress"` while a group is being deleted.
  if (found.Status !== undefined && found.Status !== '') return `group ${name} is ${found.Status}`;
  return undefined;
}

async function gate({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const described = await describeGroups(
    region,
    plan.scalingGroups.map((group) => group.name),
  );
  const findings: PreflightFinding[] = plan.scalingGroups.map((group) => {
    const problem = preflightProblem(group.name, region, described.get(group.name));
    return { label: group.name, optional: group.optional, ...(problem !== undefined ? { problem } : {}) };
  });
  const looks: GroupPreflight[] = findings.map((finding) => ({
    groupName: finding.label,
    skipped: finding.problem !== undefined && finding.optional,
    message:
      finding.problem === undefined
        ? `${finding.label} exists in ${region}`
        : finding.optional
          ? skippedMessage(finding.problem)
          : finding.problem,
  }));
  // Recorded before a refusal, so the failure notice can say which groups stopped the failover.
  await writeGate(scope, KIND, looks);
  requireAll(autoScalingGroupKind.noun, findings);
  const skipped = looks.filter((look) => look.skipped).length;
  const passed = summarise(
    KIND,
    'gate',
    looks.map(() => ({ done: true, pollSeconds: 0 })),
    'groups through the preflight',
  );
  return skipped === 0 ? passed : { ...passed, message: `${passed.message}; ${skipped} optional skipped` };
}

async function start({ plan, scope, dryRun }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<GroupProgress[]>(scope, KIND)) ?? [];
  const skipped = await skippedIndexes(scope, KIND);
  const progress = await mapBounded(plan.scalingGroups, CONCURRENCY, (group, i): Promise<GroupProgress> => {
    const done = recorded[i];
    if (done !== undefined) return Promise.resolve(done);
    if (skipped.has(i))
      return Promise.resolve({
        status: 'skipped',
        groupName: group.name,
        message: skippedMessage(`group ${group.name} did not pass the preflight`),
      });
    return scaleGroup({ group, recoveryRegion: plan.recoveryRegion, dryRun }, async (capacity) => {
      const facts = await rememberOnce<GroupFacts>(scope, KIND, i, { previous: capacity });
      return facts.previous;
    });
  });
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ plan, scope }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<GroupProgress[]>(scope, KIND)) ?? [];
  const waiting = plan.scalingGroups.filter((_group, i) => recorded[i]?.status === 'scaling');
  const described = await describeGroups(
    plan.recoveryRegion,
    waiting.map((group) => group.name),
  );
  const progress = plan.scalingGroups.map((group, i): GroupProgress => {
    const scaling = recorded[i];
    if (scaling === undefined) throw new Error(`${group.name} was never scaled: Check ran before Start`);
    if (scaling.status !== 'scaling') return scaling;
    const current = described.get(group.name);
    if (current === undefined) {
      throw new ScalingGroupNotFoundError(
        `Auto Scaling group ${group.name} not found in ${plan.recoveryRegion}`,
      );
    }
    return assessCapacity(group, scaling, current);
  });
  await writeProgress(scope, KIND, progress);
  return summary('check', progress);
}

async function readBack({ plan, scope }: KindContext): Promise<readonly Assessed[]> {
  let described: Awaited<ReturnType<typeof describeGroups>> | undefined;
  let failure: string | undefined;
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  try {
    described = await describeGroups(
      plan.recoveryRegion,
      plan.scalingGroups.map((group) => group.name),
    );
  } catch (error) {
    failure = describeError(error);
  }
  const assessed = plan.scalingGroups.map((group, i): Assessed => {
    const label = group.name;
    if (skipped.has(i))
      return { label, done: false, detail: skippedMessage(`group ${label} did not pass the preflight`) };
    if (described === undefined) return { label, done: false, detail: `unknown: ${failure}` };
    const found = described.get(group.name);
    if (found === undefined) return { label, done: false, detail: `not found in ${plan.recoveryRegion}` };
    const inService = inServiceCount(found);
    const done = (found.DesiredCapacity ?? 0) >= group.desired && inService >= group.desired;
    return {
      label,
      done,
      detail: `desired ${found.DesiredCapacity ?? 0} (plan ${group.desired}), ${inService} InService`,
    };
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

const failingBack = (context: KindContext): boolean => context.direction === 'failback';

/** Failback (issue 10): Scale Back, home groups first, then the recovery groups (failback.ts). */
export const autoScalingGroupRuntime: KindRuntime = {
  kind: KIND,
  gate,
  start: (context) => (failingBack(context) ? scaleBack(context, 'start') : start(context)),
  check: (context) => (failingBack(context) ? scaleBack(context, 'check') : check(context)),
  readBack: (context) => (failingBack(context) ? scaleBackReadBack(context) : readBack(context)),
  prewarm: prewarmGroups,
  unwarm: unwarmGroups,
  fence: fenceGroups,
};
