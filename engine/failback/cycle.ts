import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Plan } from '../../functions/common/plan.js';
import { DRILL_DETAIL_TYPE, DRILL_SOURCE } from '../../functions/validate-trigger/validate-trigger.js';
import { replay, createReplayCloud, type ReplayResult } from '../runner.js';
import type { Scenario, SimulatedCloud, CloudSnapshot } from '../sim/index.js';
import { failbackWorkflow } from './definition.js';
import { readFencing } from '../../functions/common/fencing-record.js';
import { fencingKinds } from '../../functions/fence-retry/fencing-kinds.js';
import { onSimulatedCloud, runFenceRetries } from '../fence-retries.js';
import { shapeDifferences } from './shape.js';
import {
  deleteStale,
  findStale,
  type StaleDeletion,
} from '../../functions/kinds/rds-replica/stale-instances.js';

/**
 * The whole cycle on ONE simulated cloud (issue 10): the failover (a drill through the failover
 * state machine, whose Fence step fences the old region when it answers), the failed region
 * coming back (the scheduled fence retry, engine/fence-retries.ts, fences what was left pending),
 * then the failback execution through the failback state machine, later on the same virtual
 * timeline, then the shape comparison.
 */

export interface CycleOptions {
  readonly scenario?: Scenario;
  /** When the failover starts. @default the scenario's start, else 2026-01-01T00:00:00Z */
  readonly startTime?: Date;
  /** Seconds between the failover's start and the failback's. @default 3600 */
  readonly failbackAfterSeconds?: number;
  /** Skip the failover: run the failback on this cloud as it is (tests of refusals). */
  readonly cloud?: SimulatedCloud;
  readonly failover?: boolean;
  /** Start the failback as a dry run. */
  readonly dryRun?: boolean;
  /**
   * `--delete-stale`: after a succeeded failback, delete the instances renamed aside (with final
   * snapshots), as the CLI does on AWS; a dry run only lists them.
   */
  readonly deleteStale?: boolean;
  /** Keep the failback execution whole (`failbackReplay.recording`), for the cross-check on moto. */
  readonly record?: boolean;
}

/** What `--delete-stale` did (or, in a dry run, would delete: `wouldDelete`). */
export type CycleStaleDeletion = StaleDeletion & { readonly wouldDelete?: readonly string[] };

export interface Leg {
  readonly outcome: ReplayResult['outcome'];
  readonly executionArn: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly error?: ReplayResult['error'];
  readonly mutatingCalls: number;
}

export interface CycleResult {
  readonly failover: (Leg & { readonly rtoSeconds: number | null }) | null;
  readonly fencing: { readonly at: string; readonly lines: readonly string[] } | null;
  readonly failback: (Leg & { readonly rpoSeconds: number }) | null;
  /** Differences from the pre-failover shape; empty when the round trip restored it. */
  readonly differences: readonly string[];
  readonly staleDeletion: CycleStaleDeletion | null;
  readonly before: CloudSnapshot;
  readonly after: CloudSnapshot;
  readonly notices: readonly string[];
  /** The failback execution as the runner returned it (with `recording` when `record` was asked). */
  readonly failbackReplay?: ReplayResult;
  /** The failback execution's input. */
  readonly failbackEvent?: unknown;
}

const leg = (result: ReplayResult): Leg => ({
  outcome: result.outcome,
  executionArn: result.executionArn,
  startedAt: result.startedAt,
  durationSeconds: result.durationSeconds,
  ...(result.error !== undefined ? { error: result.error } : {}),
  mutatingCalls: result.mutatingCalls,
});

/** One local Task running `work` with the SDK pointed at the cloud, at simulated `time` (seeding, tests). */
export async function inSimulation(
  plan: Plan,
  cloud: SimulatedCloud,
  time: Date,
  name: string,
  work: () => Promise<unknown>,
) {
  const arn = `arn:aws:lambda:${plan.recoveryRegion}:000000000000:function:local-${name}`;
  const definition = {
    StartAt: name,
    States: { [name]: { Type: 'Task', Resource: arn, End: true } },
  } as unknown as StateMachineDefinition;
  return replay({
    plan,
    event: { time: time.toISOString() },
    cloud,
    executionName: `${name}-${time.getTime()}`,
    workflow: { definition, handlers: { [arn]: () => work() } },
  });
}

/** One line per old-region resource, as the fencing records say after the retry. */
async function fencingLines(plan: Plan, cloud: SimulatedCloud, at: Date): Promise<string[]> {
  return onSimulatedCloud(plan, cloud, at.getTime(), async () => {
    const lines: string[] = [];
    for (const { id } of fencingKinds(plan)) {
      const record = await readFencing(plan.recoveryRegion, plan.name, id);
      for (const resource of record?.resources ?? [])
        lines.push(`${resource.label} (${plan.primaryRegion}): ${resource.status}: ${resource.detail}`);
    }
    return lines;
  });
}

const cycleStart = (scenario: Scenario, startTime?: Date): Date =>
  startTime ?? new Date(scenario.startTime ?? '2026-01-01T00:00:00Z');
/** The failover leg's drill request (what `failover gameday` sends). */
const cycleEvent = (plan: Plan, start: Date) => ({
  source: DRILL_SOURCE,
  'detail-type': DRILL_DETAIL_TYPE,
  time: start.toISOString(),
  detail: { planName: plan.name, requestedBy: 'failback --local', reason: 'failback cycle', dryRun: false },
});

/** The cloud `runFailbackCycle` builds, to pass in as `cloud` when its call log is wanted afterwards. */
export const cycleCloud = (plan: Plan, scenario: Scenario = {}, startTime?: Date): SimulatedCloud =>
  createReplayCloud(plan, cycleEvent(plan, cycleStart(scenario, startTime)), scenario);

export async function runFailbackCycle(plan: Plan, options: CycleOptions = {}): Promise<CycleResult> {
  const scenario = options.scenario ?? {};
  const start = cycleStart(scenario, options.startTime);
  const event = cycleEvent(plan, start);
  const cloud = options.cloud ?? createReplayCloud(plan, event, scenario);
  const before = await onSimulatedCloud(plan, cloud, start.getTime(), async () => cloud.snapshot());
  let failover: CycleResult['failover'] = null;
  let fencing: CycleResult['fencing'] = null;
  const failbackAt = new Date(start.getTime() + (options.failbackAfterSeconds ?? 3_600) * 1_000);
  if (options.failover !== false) {
    const result = await replay({ plan, event, cloud, executionName: `failover-${start.getTime()}` });
    failover = { ...leg(result), rtoSeconds: result.rtoSeconds };
    if (result.outcome !== 'succeeded')
      return {
        failover,
        fencing,
        failback: null,
        differences: [`the failover ${result.outcome}: ${result.summary}`],
        staleDeletion: null,
        before,
        after: result.cloud,
        notices: [],
      };
    // Until the failback starts, the scheduled retry runs every 5 minutes (as the construct's
    // schedule does) and fences what the failover's Fence step could not: a region still down
    // then is fenced once it answers again.
    const fenceTimes: Date[] = [];
    for (let at = Date.parse(result.endedAt) + 300_000; at < failbackAt.getTime(); at += 300_000)
      fenceTimes.push(new Date(at));
    await runFenceRetries({ plan, cloud, at: fenceTimes });
    const fenceAt = fenceTimes.at(-1) ?? new Date(Date.parse(result.endedAt));
    fencing = { at: fenceAt.toISOString(), lines: await fencingLines(plan, cloud, fenceAt) };
  }
  const failbackLeg = await runFailbackLeg(plan, cloud, failbackAt, options.dryRun ?? false, options.record);
  const { failback, notices } = failbackLeg;
  let after = failbackLeg.after;
  let staleDeletion: CycleStaleDeletion | null = null;
  if (options.deleteStale === true && failback.outcome === 'succeeded') {
    // The same code as on AWS, on the cycle's cloud once the failback has ended (virtual time).
    const deletion = await onSimulatedCloud(plan, cloud, Date.parse(after.time), async () => {
      const found = await findStale(plan);
      const done: CycleStaleDeletion =
        options.dryRun === true
          ? { deleted: [], skipped: [], wouldDelete: found.map((item) => `${item.id} (${item.region})`) }
          : await deleteStale(found);
      return { done, after: cloud.snapshot() };
    });
    staleDeletion = deletion.done;
    after = deletion.after;
  }
  // A dry run changes nothing: the shape is compared only after a real failback.
  const differences =
    failback.outcome === 'succeeded'
      ? options.dryRun === true
        ? []
        : shapeDifferences(plan, before, after)
      : [`the failback ${failback.outcome}: ${failback.error?.cause ?? failback.error?.error ?? ''}`];
  return {
    failover,
    fencing,
    failback,
    differences,
    staleDeletion,
    before,
    after,
    notices,
    failbackReplay: failbackLeg.result,
    failbackEvent: failbackLeg.event,
  };
}

/** The failback execution alone, on `cloud` at `at` (after a failover, or to show a refusal). */
export async function runFailbackLeg(
  plan: Plan,
  cloud: SimulatedCloud,
  at: Date,
  dryRun = false,
  record = false,
) {
  const noticesBefore = cloud.notifications().length;
  const event = failbackRequest(at, dryRun);
  const result = await replay({
    plan,
    event,
    cloud,
    executionName: `failback-${at.getTime()}`,
    workflow: await failbackWorkflow(plan),
    record,
  });
  // The RPO: the home replicas' largest lag at the gate's last look (writes frozen before promotion).
  const gate = (result.output as { gate?: readonly { maxLagSeconds?: number | null }[] } | null)?.gate ?? [];
  const failback = {
    ...leg(result),
    rpoSeconds: Math.max(0, ...gate.map((look) => look.maxLagSeconds ?? 0)),
  };
  const notices = cloud
    .notifications()
    .slice(noticesBefore)
    .map((notice) => notice.subject ?? '');
  // The cloud as the execution left it, by the virtual clock (a snapshot taken now, on the real
  // clock, would be months later: RDS would have started the stopped instances again by then).
  return { failback, notices, after: result.cloud, result, event };
}

/** The failback execution's input, as `failover failback` starts it (a local one). */
export const failbackRequest = (at: Date, dryRun: boolean) => ({
  time: at.toISOString(),
  requestedBy: 'failback --local',
  dryRun,
});
