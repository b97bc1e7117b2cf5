import { describeError } from '../../common/errors.js';
import { secondsSince } from '../../common/step-handler.js';
import { readProgress, rememberOnce, writeAssessment, writeProgress } from '../../common/failover-record.js';
import {
  mapBounded,
  pollInterval,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { describeGroups, inServiceCount } from './autoscaling.js';
import { assessCapacity } from './check-capacity.js';
import { autoScalingGroupKind } from './definition.js';
import { scaleGroup } from './scale-group.js';
import type { GroupFacts, Scaling } from './types.js';
import { ScalingGroupNotFoundError } from '../../common/errors.js';

const KIND = autoScalingGroupKind.id;
const CONCURRENCY = 10;

/**
 * The Auto Scaling group kind: scale every recovery group up to the plan's capacity (never
 * down; the capacity before is recorded once), then poll all groups not yet ready in one
 * DescribeAutoScalingGroups call (50 names a call) until enough instances are InService.
 */

const summary = (action: 'start' | 'check', progress: readonly Scaling[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((scaling) => ({
      done: scaling.status === 'ready',
      pollSeconds: pollInterval(scaling.pollSeconds, secondsSince(scaling.startedAt)),
      doneAt: scaling.readyAt,
    })),
    'groups ready',
  );

async function start({ plan, scope, dryRun }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<Scaling[]>(scope, KIND)) ?? [];
  const progress = await mapBounded(plan.scalingGroups, CONCURRENCY, (group, i) => {
    const done = recorded[i];
    if (done !== undefined) return Promise.resolve(done);
    return scaleGroup({ group, recoveryRegion: plan.recoveryRegion, dryRun }, async (capacity) => {
      const facts = await rememberOnce<GroupFacts>(scope, KIND, i, { previous: capacity });
      return facts.previous;
    });
  });
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ plan, scope }: KindContext): Promise<KindSummary> {
  const recorded = (await readProgress<Scaling[]>(scope, KIND)) ?? [];
  const waiting = plan.scalingGroups.filter((_group, i) => recorded[i]?.status !== 'ready');
  const described = await describeGroups(
    plan.recoveryRegion,
    waiting.map((group) => group.name),
  );
  const progress = plan.scalingGroups.map((group, i) => {
    const scaling = recorded[i];
    if (scaling === undefined) throw new Error(`${group.name} was never scaled: Check ran before Start`);
    if (scaling.status === 'ready') return scaling;
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
  try {
    described = await describeGroups(
      plan.recoveryRegion,
      plan.scalingGroups.map((group) => group.name),
    );
  } catch (error) {
    failure = describeError(error);
  }
  const assessed = await mapBounded(plan.scalingGroups, CONCURRENCY, (group) => {
    const label = group.name;
    if (described === undefined)
      return Promise.resolve({ label, done: false, detail: `unknown: ${failure}` });
    const found = described.get(group.name);
    if (found === undefined)
      return Promise.resolve({ label, done: false, detail: `not found in ${plan.recoveryRegion}` });
    const inService = inServiceCount(found);
    const done = (found.DesiredCapacity ?? 0) >= group.desired && inService >= group.desired;
    return Promise.resolve({
      label,
      done,
      detail: `desired ${found.DesiredCapacity ?? 0} (plan ${group.desired}), ${inService} InService`,
    });
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const autoScalingGroupRuntime: KindRuntime = {
  kind: KIND,
  start,
  check,
  readBack,
};
