import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ecsClient } from '../../common/clients/ecs.js';
import { describeError } from '../../common/errors.js';
import {
  readFacts,
  readProgress,
  rememberOnce,
  writeAssessment,
  writeProgress,
} from '../../common/failover-record.js';
import {
  mapBounded,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { passPreflight, skippedIndexes, skippedMessage, type PreflightFinding } from '../preflight.js';
import { ecsServiceKind, serviceLabel, type EcsServicePlan } from './definition.js';
import { describeServices, type Described } from './ecs.js';
import { EcsServiceNotFoundError } from './errors.js';
import { assessService, scaleService } from './scale-service.js';
import type { RaisedBy, ServiceFacts, ServiceProgress } from './types.js';

const KIND = ecsServiceKind.id;
const CONCURRENCY = 10;

/**
 * The ECS service kind: a read-only preflight (each service exists in the recovery region and is
 * ACTIVE), then raise every service's desired count to the plan's (never down; the count before
 * is recorded once), then poll the services still under way in batched DescribeServices calls
 * until the plan's tasks run with a COMPLETED deployment. Reversible: `prewarm` raises the counts
 * while the outage is being confirmed (recording the same fact, so the later start sends nothing
 * more), and `unwarm` sets back what a prewarm raised when the failover did not go on.
 */

/** Why a described service cannot be scaled, if it cannot. */
function preflightProblem(
  label: string,
  region: string,
  described: Described | undefined,
): string | undefined {
  if (described === undefined || !described.found)
    return `service ${label} not found in ${region} (${described?.found === false ? described.reason : 'MISSING'})`;
  // DescribeServices: status is ACTIVE, DRAINING (being deleted) or INACTIVE (deleted).
  const status = described.service.status;
  return status === 'ACTIVE' ? undefined : `service ${label} is ${status ?? 'of unknown status'}`;
}

async function gate({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const described = await describeServices(region, plan.ecsServices);
  const findings: PreflightFinding[] = plan.ecsServices.map((item) => {
    const label = serviceLabel(item);
    const problem = preflightProblem(label, region, described.get(label));
    return { label, optional: item.optional, ...(problem !== undefined ? { problem } : {}) };
  });
  return passPreflight(scope, KIND, ecsServiceKind.noun, findings, `is ACTIVE in ${region}`);
}

const remembering =
  (context: KindContext, index: number, raisedBy: RaisedBy) =>
  (facts: Omit<ServiceFacts, 'raisedBy'>): Promise<ServiceFacts> =>
    rememberOnce<ServiceFacts>(context.scope, KIND, index, { ...facts, raisedBy });

const summary = (action: 'start' | 'check', progress: readonly ServiceProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((scaling) =>
      scaling.status === 'skipped'
        ? { done: true, pollSeconds: 0 }
        : { done: scaling.status === 'steady', pollSeconds: scaling.pollSeconds, doneAt: scaling.steadyAt },
    ),
    'services steady',
  );

const notFound = (label: string, region: string, described: Described | undefined) =>
  new EcsServiceNotFoundError(
    `ECS service ${label} not found in ${region}${described?.found === false ? ` (${described.reason})` : ''}`,
  );

async function start(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const region = plan.recoveryRegion;
  const recorded = (await readProgress<ServiceProgress[]>(scope, KIND)) ?? [];
  const skipped = await skippedIndexes(scope, KIND);
  const toScale = plan.ecsServices.filter((_item, i) => recorded[i] === undefined && !skipped.has(i));
  const described = await describeServices(region, toScale);
  const progress = await mapBounded(
    plan.ecsServices,
    CONCURRENCY,
    async (item, i): Promise<ServiceProgress> => {
      const label = serviceLabel(item);
      const done = recorded[i];
      if (done !== undefined) return done;
      if (skipped.has(i))
        return {
          status: 'skipped',
          label,
          message: skippedMessage(`service ${label} did not pass the preflight`),
        };
      const current = described.get(label);
      if (current === undefined || !current.found) throw notFound(label, region, current);
      return scaleService(item, region, current.service, dryRun, remembering(context, i, 'start'));
    },
  );
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const recorded = (await readProgress<ServiceProgress[]>(scope, KIND)) ?? [];
  const waiting = plan.ecsServices.filter((_item, i) => recorded[i]?.status === 'scaling');
  const described = await describeServices(region, waiting);
  const progress = plan.ecsServices.map((item, i): ServiceProgress => {
    const scaling = recorded[i];
    const label = serviceLabel(item);
    if (scaling === undefined) throw new Error(`${label} was never scaled: Check ran before Start`);
    if (scaling.status !== 'scaling') return scaling;
    const current = described.get(label);
    if (current === undefined || !current.found) throw notFound(label, region, current);
    return assessService(item, scaling, current.service);
  });
  await writeProgress(scope, KIND, progress);
  return summary('check', progress);
}

/** A prewarm's or unwarm's summary: one pass, nothing to poll (the start/check loop polls later). */
const onePass = (action: 'prewarm' | 'unwarm', messages: readonly string[]): KindSummary => ({
  ...summarise(
    KIND,
    action,
    messages.map(() => ({ done: true, pollSeconds: 0 })),
    action === 'prewarm' ? 'services prewarmed' : 'services looked at',
  ),
  message: messages.join('; '),
});

/**
 * Raises every service as the start would, while the outage is still being confirmed; records
 * the count before with `raisedBy: prewarm`. Writes no progress: progress means the failover's
 * start ran. A service that cannot be described is left for the gate to judge.
 */
async function prewarm(context: KindContext): Promise<KindSummary> {
  const { plan, dryRun } = context;
  const region = plan.recoveryRegion;
  const described = await describeServices(region, plan.ecsServices);
  const messages = await mapBounded(plan.ecsServices, CONCURRENCY, async (item, i) => {
    const label = serviceLabel(item);
    const current = described.get(label);
    if (current === undefined || !current.found)
      return `${label} not prewarmed: ${notFound(label, region, current).message}`;
    if (current.service.status !== 'ACTIVE')
      return `${label} not prewarmed: it is ${current.service.status ?? 'not ACTIVE'}`;
    const scaling = await scaleService(
      item,
      region,
      current.service,
      dryRun,
      remembering(context, i, 'prewarm'),
    );
    return `prewarm: ${scaling.message}`;
  });
  return onePass('prewarm', messages);
}

/** Sets one service back to the count recorded before a prewarm raised it, if nothing else changed it since. */
async function unwarmService(
  item: EcsServicePlan,
  region: string,
  facts: ServiceFacts | undefined,
  described: Described | undefined,
  dryRun: boolean,
): Promise<string> {
  const label = serviceLabel(item);
  if (facts === undefined || facts.raisedBy !== 'prewarm' || facts.raisedTo === null)
    return `${label} was not raised by a prewarm: unchanged`;
  if (described === undefined || !described.found) return `${label} not found: nothing to set back`;
  const now = described.service.desiredCount ?? 0;
  if (now === facts.previousDesired) return `${label} is at its recorded ${now} desired tasks`;
  // Someone (or an autoscaling policy) changed the count after the prewarm: theirs stands.
  if (now !== facts.raisedTo)
    return `${label} has ${now} desired tasks, not the prewarm's ${facts.raisedTo}: left as it is`;
  if (dryRun) return `dry run: would set ${label} back from ${now} to ${facts.previousDesired} desired tasks`;
  await ecsClient(region).send(
    new UpdateServiceCommand({
      cluster: item.cluster,
      service: item.service,
      desiredCount: facts.previousDesired,
    }),
  );
  return `${label} set back from ${now} to ${facts.previousDesired} desired tasks`;
}

/**
 * After an abort: every service a prewarm raised goes back to the count recorded before it,
 * unless the failover's start ran (then the raise is the failover's and stays). Idempotent: a
 * service already back at its count is not updated again.
 */
async function unwarm(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun } = context;
  const progress = await readProgress<ServiceProgress[]>(scope, KIND);
  if (
    progress !== undefined &&
    progress.some((entry) => entry?.status !== 'skipped' && entry?.dryRun === false)
  )
    return onePass(
      'unwarm',
      plan.ecsServices.map((item) => `${serviceLabel(item)} kept: the failover scaled it`),
    );
  const facts = await Promise.all(
    plan.ecsServices.map((_item, i) => readFacts<ServiceFacts>(scope, KIND, i)),
  );
  const raised = plan.ecsServices.filter(
    (_item, i) => facts[i]?.raisedBy === 'prewarm' && facts[i]?.raisedTo !== null,
  );
  const described = await describeServices(plan.recoveryRegion, raised);
  const messages = await mapBounded(plan.ecsServices, CONCURRENCY, (item, i) =>
    unwarmService(item, plan.recoveryRegion, facts[i], described.get(serviceLabel(item)), dryRun),
  );
  return onePass('unwarm', messages);
}

async function readBack({ plan, scope }: KindContext): Promise<readonly Assessed[]> {
  let described: Map<string, Described> | undefined;
  let failure: string | undefined;
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  try {
    described = await describeServices(plan.recoveryRegion, plan.ecsServices);
  } catch (error) {
    failure = describeError(error);
  }
  const assessed = plan.ecsServices.map((item, i): Assessed => {
    const label = serviceLabel(item);
    if (skipped.has(i))
      return { label, done: false, detail: skippedMessage(`service ${label} did not pass the preflight`) };
    if (described === undefined) return { label, done: false, detail: `unknown: ${failure}` };
    const found = described.get(label);
    if (found === undefined || !found.found)
      return { label, done: false, detail: `not found in ${plan.recoveryRegion}` };
    const desired = found.service.desiredCount ?? 0;
    const running = found.service.runningCount ?? 0;
    return {
      label,
      done: desired >= item.desiredCount && running >= item.desiredCount,
      detail: `desired ${desired} (plan ${item.desiredCount}), ${running} running`,
    };
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const ecsServiceRuntime: KindRuntime = {
  kind: KIND,
  gate,
  start,
  check,
  readBack,
  prewarm,
  unwarm,
};
