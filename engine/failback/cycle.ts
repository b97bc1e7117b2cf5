import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Plan } from '../../functions/common/plan.js';
import { DRILL_DETAIL_TYPE, DRILL_SOURCE } from '../../functions/validate-trigger/validate-trigger.js';
import { replay, createReplayCloud, type ReplayResult } from '../runner.js';
import type { Scenario, SimulatedCloud, CloudSnapshot } from '../sim/index.js';
import { failbackWorkflow } from './definition.js';
import { fenceOldRegion } from './fence-stand-in.js';
import { shapeDifferences } from './shape.js';

/**
 * The whole cycle on ONE simulated cloud (issue 10): the failover (a drill through the failover
 * state machine), the failed region coming back and its fencing (the failover's fencing record,
 * or when there is none the stand-in of fence-stand-in.ts), then the failback execution through the
 * failback state machine, later on the same virtual timeline, then the shape comparison.
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
}

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
  readonly before: CloudSnapshot;
  readonly after: CloudSnapshot;
  readonly notices: readonly string[];
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
  const before = cloud.snapshot();
  let failover: CycleResult['failover'] = null;
  let fencing: CycleResult['fencing'] = null;
  if (options.failover !== false) {
    const result = await replay({ plan, event, cloud, executionName: `failover-${start.getTime()}` });
    failover = { ...leg(result), rtoSeconds: result.rtoSeconds };
    if (result.outcome !== 'succeeded')
      return {
        failover,
        fencing,
        failback: null,
        differences: [`the failover ${result.outcome}: ${result.summary}`],
        before,
        after: cloud.snapshot(),
        notices: [],
      };
    // The failed region comes back: what the failover fenced, or fenced now.
    const fenceAt = new Date(Date.parse(result.endedAt) + 60_000);
    let lines: string[] = [];
    await inSimulation(plan, cloud, fenceAt, 'fence-old-region', async () => {
      lines = await fenceOldRegion(plan, result.executionArn);
      return lines;
    });
    fencing = { at: fenceAt.toISOString(), lines };
  }
  const failbackAt = new Date(start.getTime() + (options.failbackAfterSeconds ?? 3_600) * 1_000);
  const { failback, notices, after } = await runFailbackLeg(plan, cloud, failbackAt, options.dryRun ?? false);
  // A dry run changes nothing: the shape is compared only after a real failback.
  const differences =
    failback.outcome === 'succeeded'
      ? options.dryRun === true
        ? []
        : shapeDifferences(plan, before, after)
      : [`the failback ${failback.outcome}: ${failback.error?.cause ?? failback.error?.error ?? ''}`];
  return { failover, fencing, failback, differences, before, after, notices };
}

/** The failback execution alone, on `cloud` at `at` (after a failover, or to show a refusal). */
export async function runFailbackLeg(plan: Plan, cloud: SimulatedCloud, at: Date, dryRun = false) {
  const noticesBefore = cloud.notifications().length;
  const result = await replay({
    plan,
    event: { time: at.toISOString(), requestedBy: 'failback --local', dryRun },
    cloud,
    executionName: `failback-${at.getTime()}`,
    workflow: await failbackWorkflow(plan),
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
  return { failback, notices, after: cloud.snapshot() };
}
