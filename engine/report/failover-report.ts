import type { Plan } from '../../functions/common/plan.js';
import type { Trigger, WorkflowState } from '../../functions/common/workflow-state.js';
import { rdsReplicaKind } from '../../functions/kinds/rds-replica/definition.js';
import { KINDS } from '../../functions/kinds/registry.js';
import type { DetectionSource } from '../../functions/validate-trigger/detection.js';
import { validateTrigger } from '../../functions/validate-trigger/validate-trigger.js';
import type { ExecutionOutcome, ExecutionRecord, ExecutionStep } from './execution-record.js';
import { phaseOfState, timelinePhases, type TimelinePhase } from './phases.js';
import { resourceOutcomes, type ResourceOutcome } from './run-record.js';

/** One database's replica lag as the RPO gate last read it, before promotion. */
export interface DatabaseLag {
  readonly replica: string;
  /** null: no ReplicaLag datapoint, or the replica was already standalone. */
  readonly lagSeconds: number | null;
  readonly maxLagSeconds: number | null;
  readonly promotedOverThreshold: boolean;
  readonly message: string | null;
}

/** A figure against the plan's objective. */
export interface ObjectiveVerdict {
  readonly objectiveSeconds: number | null;
  /** null when the figure or the objective is unknown. */
  readonly met: boolean | null;
}

export type ReportStep = ExecutionStep & { readonly durationSeconds: number };

/** The facts of one failover run: what the Markdown shows and the JSON sibling holds. */
export interface FailoverReport {
  readonly executionName: string;
  readonly executionArn: string | null;
  readonly source: 'local' | 'live';
  /** Local replays run on a virtual clock: their times are simulated. */
  readonly timeBase: 'simulated' | 'real';
  readonly plan: {
    readonly name: string;
    readonly primaryRegion: string;
    readonly recoveryRegion: string;
  } | null;
  readonly outcome: ExecutionOutcome;
  readonly dryRun: boolean | null;
  readonly trigger: {
    readonly kind: 'alarm' | 'drill';
    readonly triggeredAt: string;
    readonly reason: string;
    readonly alarmName: string | null;
    readonly requestedBy: string | null;
  } | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly error: { readonly error: string; readonly cause: string } | null;
  readonly rto: ObjectiveVerdict & {
    /**
     * The outage (or, when the alarm's data gives no outage start, the alarm; for a drill, its
     * request) to the last resource failed over (recover and route phases); null when not reached
     * and for a dry run (nothing was failed over).
     */
    readonly achievedSeconds: number | null;
    readonly from: string | null;
    readonly to: string | null;
    /** What `from` is. */
    readonly basis: 'outage' | 'alarm' | 'drill' | null;
    /** The parts, in order; they sum to `achievedSeconds` (null when it is). */
    readonly parts: readonly RtoPart[] | null;
    /** Why there is no RTO, when there is none. */
    readonly note: string | null;
  };
  /** How long the outage went unnoticed, from the triggering alarm's own data. */
  readonly detection: {
    readonly source: DetectionSource | 'drill' | 'unknown';
    readonly outageStartedAt: string | null;
    readonly alarmAt: string | null;
    readonly seconds: number | null;
    readonly note: string;
  };
  /** Whether any gate (the RPO lag gate, preflight checks) ran in this run. */
  readonly gateRan: boolean;
  /** The run as phases, drawn to scale in the HTML and the gantt. */
  readonly timeline: readonly TimelinePhase[];
  /** Dry runs: what each step would have done, one line per resource. */
  readonly wouldDo: readonly string[];
  /** The cloud's end state (local) or each resource's final state as read back (live). */
  readonly endState: {
    readonly source: 'simulated-cloud' | 'failover-record';
    readonly lines: readonly string[];
  } | null;
  /** Notifications the run sent (local: every SNS message; live: the last one the state holds). */
  readonly notifications: readonly { readonly time: string | null; readonly subject: string }[];
  readonly rpo: ObjectiveVerdict & {
    /** The highest replica lag the RPO gate accepted: the writes a promotion could lose. */
    readonly estimateSeconds: number | null;
    readonly databases: readonly DatabaseLag[];
  };
  readonly steps: readonly ReportStep[];
  /**
   * What each resource of the plan did, from the failover record; null when the record was not
   * available (a live execution: its state carries only each kind's counts, see `phases`).
   */
  readonly resources: readonly ResourceOutcome[] | null;
  /** Each kind's last summary per phase, as the execution state carries it. */
  readonly phases: readonly PhaseSummary[];
  readonly local: NonNullable<ExecutionRecord['local']> | null;
}

/** One part of the RTO. */
export interface RtoPart {
  readonly part: 'detection' | 'decision' | 'aws-work' | 'routing';
  readonly title: string;
  readonly from: string;
  readonly to: string;
  readonly seconds: number;
  /** Its share of the plan's RTO objective, in percent (one decimal); null without a plan. */
  readonly percentOfObjective: number | null;
}

export const RTO_PART_TITLES: Readonly<Record<RtoPart['part'], string>> = {
  detection: 'Detection (outage → alarm)',
  decision: 'Decision (alarm → first change: delivery, lock, confirm window, gate, approval)',
  'aws-work': 'AWS work (promotion, capacity)',
  routing: 'Routing (parameters repointed, DNS flags flipped and Route 53 following)',
};

/** One kind's summary in one phase of the workflow (gate, recover, route). */
export interface PhaseSummary {
  readonly phase: 'gate' | 'recover' | 'route';
  readonly kind: string;
  readonly done: boolean;
  readonly total: number;
  readonly pending: number;
  readonly completedAt: string | null;
  readonly message: string;
}

/** One database's look of the RPO gate, as the failover record keeps it. */
export interface GateRecordLook {
  readonly replica?: string;
  readonly lagSeconds?: number | null;
  readonly maxLagSeconds?: number;
  readonly promotedOverThreshold?: boolean;
  readonly message?: string;
}

/** When the last resource of the last phase was done: where the RTO ends. */
export function completedAt(state: WorkflowState | null): string | null {
  const times = [...(state?.recover ?? []), ...(state?.route ?? [])]
    .map((summary) => summary.completedAt)
    .filter((at): at is string => at !== undefined)
    .sort();
  return times.at(-1) ?? null;
}

/** Tenths of a second, as the replay's own figures are rounded. */
const tenths = (ms: number): number => Math.round(ms / 100) / 10;
const millis = (ms: number): number => Math.round(ms) / 1000;

function verdict(seconds: number | null, objectiveSeconds: number | null): ObjectiveVerdict {
  return {
    objectiveSeconds,
    met: seconds === null || objectiveSeconds === null ? null : seconds <= objectiveSeconds,
  };
}

const DETECTION_NOTES: Readonly<Record<FailoverReport['detection']['source'], string>> = {
  'evaluated-datapoints': "from the alarm's evaluated datapoints (reason data)",
  'reason-datapoints': "from the datapoints listed in the alarm's reason",
  'start-date': "from the start of the alarm's evaluated range (reason data startDate)",
  none: "the alarm's data carries no datapoint time (e.g. a composite alarm): detection time unknown, the RTO counts from the alarm",
  drill: 'a drill: the request is the outage, no detection time',
  unknown: 'the trigger is not known',
};

function detectionOf(trigger: Trigger | undefined): FailoverReport['detection'] {
  const source =
    trigger === undefined
      ? 'unknown'
      : trigger.kind === 'drill'
        ? 'drill'
        : (trigger.detectionSource ?? (trigger.outageStartedAt === undefined ? 'none' : 'start-date'));
  const outage = trigger?.outageStartedAt ?? null;
  const alarmAt = trigger?.kind === 'alarm' ? trigger.triggeredAt : null;
  return {
    source,
    outageStartedAt: outage,
    alarmAt,
    seconds: outage === null || alarmAt === null ? null : tenths(Date.parse(alarmAt) - Date.parse(outage)),
    note: DETECTION_NOTES[source],
  };
}

/** Tenths of a second since the epoch: the parts are differences of these, so they sum exactly. */
const tenthsOf = (iso: string): number => Math.round(Date.parse(iso) / 100);

function rtoOf(
  state: WorkflowState | null,
  trigger: Trigger | undefined,
  plan: Plan | null,
  outcome: ExecutionOutcome,
  timeline: readonly TimelinePhase[],
): FailoverReport['rto'] {
  const objective = plan?.objectives.rtoSeconds ?? null;
  const none = (note: string): FailoverReport['rto'] => ({
    achievedSeconds: null,
    ...verdict(null, objective),
    from: null,
    to: null,
    basis: null,
    parts: null,
    note,
  });
  if (trigger === undefined) return none('the trigger is not known');
  if (trigger.dryRun) return none('a dry run changes nothing: there is no RTO to measure');
  const to = completedAt(state);
  if (outcome !== 'succeeded' || to === null) {
    return none(`not reached: the run ended ${outcome} before every resource had failed over`);
  }
  const basis =
    trigger.kind === 'drill' ? 'drill' : trigger.outageStartedAt === undefined ? 'alarm' : 'outage';
  const from = trigger.outageStartedAt ?? trigger.triggeredAt;
  const firstChange =
    timeline.find((phase) => phase.id === 'recover' || phase.id === 'route')?.startedAt ?? to;
  const recovered = (state?.recover ?? [])
    .map((summary) => summary.completedAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  // Boundaries in order, each no earlier than the one before (clock skew between steps).
  const bounds = [from, trigger.triggeredAt, firstChange, recovered ?? firstChange, to];
  const ticks: number[] = [];
  for (const at of bounds) ticks.push(Math.max(tenthsOf(at), ticks.at(-1) ?? -Infinity));
  const times = ticks.map((tick, i) =>
    tick === tenthsOf(bounds[i]!) ? bounds[i]! : new Date(tick * 100).toISOString(),
  );
  const parts = (['detection', 'decision', 'aws-work', 'routing'] as const).map((part, i): RtoPart => {
    const seconds = (ticks[i + 1]! - ticks[i]!) / 10;
    return {
      part,
      title: RTO_PART_TITLES[part],
      from: times[i]!,
      to: times[i + 1]!,
      seconds,
      percentOfObjective: objective === null ? null : Math.round((seconds / objective) * 1000) / 10,
    };
  });
  const achieved = (ticks.at(-1)! - ticks[0]!) / 10;
  return { achievedSeconds: achieved, ...verdict(achieved, objective), from, to, basis, parts, note: null };
}

/**
 * The trigger: from the state when it has one, else (a failed local replay keeps no state) from
 * the execution's input, checked as the workflow's first step would.
 */
function triggerOf(record: ExecutionRecord, plan: Plan | null): Trigger | undefined {
  if (record.state?.trigger !== undefined) return record.state.trigger;
  if (record.input === undefined || plan === null) return undefined;
  try {
    const validated = validateTrigger(
      {
        event: record.input,
        executionId: record.executionArn ?? record.executionName,
        executionStartedAt: record.startedAt,
      },
      plan,
    );
    return validated.decision === 'proceed' ? validated.trigger : undefined;
  } catch {
    return undefined;
  }
}

const WOULD_STATUSES = (status: string): boolean =>
  status === 'dry-run' || status === 'already' || status.startsWith('would');

function wouldDoOf(
  dryRun: boolean,
  resources: readonly ResourceOutcome[] | null,
  phases: readonly PhaseSummary[],
): string[] {
  if (!dryRun) return [];
  if (resources !== null) {
    return resources
      .filter((resource) => WOULD_STATUSES(resource.status))
      .map((resource) => `${resource.noun} ${resource.label}: ${resource.detail}`);
  }
  return phases.filter((phase) => phase.phase !== 'gate').map((phase) => `${phase.kind}: ${phase.message}`);
}

function endStateOf(
  record: ExecutionRecord,
  resources: readonly ResourceOutcome[] | null,
): FailoverReport['endState'] {
  const cloud = record.cloud;
  if (cloud !== undefined) {
    return {
      source: 'simulated-cloud',
      // Each kind's model says its resources' end state (engine/sim/kind-model.ts `endState`).
      lines: [...cloud.endState],
    };
  }
  if (resources === null || resources.length === 0) return null;
  return {
    source: 'failover-record',
    lines: resources.map(
      (resource) => `${resource.noun} ${resource.label}: ${resource.status}: ${resource.detail}`,
    ),
  };
}

function notificationsOf(record: ExecutionRecord): FailoverReport['notifications'] {
  if (record.cloud !== undefined) {
    return record.cloud.notifications.map((message) => ({
      time: message.time,
      subject: message.subject ?? '(no subject)',
    }));
  }
  const notified = (record.state as { notified?: { subject?: unknown } } | null)?.notified;
  return typeof notified?.subject === 'string' ? [{ time: null, subject: notified.subject }] : [];
}

/** Each kind's resource labels, in plan order. */
function labelsOf(plan: Plan | null): Record<string, readonly string[]> {
  if (plan === null) return {};
  return Object.fromEntries(
    KINDS.map((kind) => [
      kind.id,
      (plan[kind.planKey] as readonly unknown[]).map((item) =>
        (kind.label as (value: unknown) => string)(item),
      ),
    ]),
  );
}

function rpoOf(
  state: WorkflowState | null,
  plan: Plan | null,
  gateLooks: readonly GateRecordLook[],
): FailoverReport['rpo'] {
  const databases: DatabaseLag[] = gateLooks.map((check, i) => ({
    replica: check.replica ?? plan?.databases[i]?.replica ?? `database ${i + 1}`,
    lagSeconds: typeof check.lagSeconds === 'number' ? check.lagSeconds : null,
    maxLagSeconds: check.maxLagSeconds ?? null,
    promotedOverThreshold: check.promotedOverThreshold === true,
    message: check.message ?? null,
  }));
  if (databases.length === 0) {
    // Live histories carry the gate's summary only: its largest lag is the estimate.
    const lag = (state?.gate ?? [])
      .map((summary) => summary.maxLagSeconds)
      .find((value) => typeof value === 'number');
    if (typeof lag === 'number') {
      return { estimateSeconds: lag, ...verdict(lag, plan?.objectives.rpoSeconds ?? null), databases };
    }
  }
  const lags = databases.map((db) => db.lagSeconds).filter((lag): lag is number => lag !== null);
  const estimate = lags.length === 0 ? null : Math.max(...lags);
  return { estimateSeconds: estimate, ...verdict(estimate, plan?.objectives.rpoSeconds ?? null), databases };
}

function phasesOf(state: WorkflowState | null): PhaseSummary[] {
  const phases = ['gate', 'recover', 'route'] as const;
  return phases.flatMap((phase) =>
    (state?.[phase] ?? []).map((summary) => ({
      phase,
      kind: summary.kind,
      done: summary.done,
      total: summary.total,
      pending: summary.pending,
      completedAt: summary.completedAt ?? null,
      message: summary.message,
    })),
  );
}

/** The RPO gate's looks at each database, as the failover record keeps them. */
function recordedGateLooks(record: ExecutionRecord): readonly GateRecordLook[] {
  const kept = record.failoverRecord?.kinds.find((kind) => kind.kind === rdsReplicaKind.id);
  return (kept?.gate ?? []) as readonly GateRecordLook[];
}

/**
 * The report's facts from a normalised execution record. The plan is `plan` (the file the run
 * was started with: the state carries no plan); without it, objectives are unknown. The RPO
 * comes from `gateLooks` (the rds-replica gate record), by default the one in the execution
 * record's failover record, else from the gate summary's largest lag.
 */
export function buildFailoverReport(
  record: ExecutionRecord,
  plan?: Plan,
  gateLooks: readonly GateRecordLook[] = recordedGateLooks(record),
): FailoverReport {
  const state = record.state;
  const effectivePlan = plan ?? null;
  const trigger = triggerOf(record, effectivePlan);
  const timeline = timelinePhases(record.steps, trigger, record.failoverRecord, labelsOf(effectivePlan));
  const resources =
    record.failoverRecord === undefined ? null : resourceOutcomes(record.failoverRecord, plan);
  const phases = phasesOf(state);
  return {
    executionName: record.executionName,
    executionArn: record.executionArn ?? null,
    source: record.source,
    timeBase: record.source === 'local' ? 'simulated' : 'real',
    plan:
      effectivePlan === null
        ? null
        : {
            name: effectivePlan.name,
            primaryRegion: effectivePlan.primaryRegion,
            recoveryRegion: effectivePlan.recoveryRegion,
          },
    outcome: record.outcome,
    dryRun: trigger?.dryRun ?? null,
    trigger:
      trigger === undefined
        ? null
        : {
            kind: trigger.kind,
            triggeredAt: trigger.triggeredAt,
            reason: trigger.reason,
            alarmName: trigger.alarmName ?? null,
            requestedBy: trigger.requestedBy ?? null,
          },
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationSeconds: tenths(Date.parse(record.endedAt) - Date.parse(record.startedAt)),
    error: record.error ?? null,
    rto: rtoOf(state, trigger, effectivePlan, record.outcome, timeline),
    rpo: rpoOf(state, effectivePlan, gateLooks),
    detection: detectionOf(trigger),
    gateRan: record.steps.some((step) => phaseOfState(step.state)?.phase === 'gate'),
    timeline,
    steps: record.steps.map((step) => ({
      ...step,
      durationSeconds: millis(Date.parse(step.endedAt) - Date.parse(step.startedAt)),
    })),
    resources,
    phases,
    wouldDo: wouldDoOf(trigger?.dryRun === true, resources, phases),
    endState: endStateOf(record, resources),
    notifications: notificationsOf(record),
    local: record.local ?? null,
  };
}
