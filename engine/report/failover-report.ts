import type { Plan } from '../../functions/common/plan.js';
import type { WorkflowState } from '../../functions/common/workflow-state.js';
import { rdsReplicaKind } from '../../functions/kinds/rds-replica/definition.js';
import type { ExecutionOutcome, ExecutionRecord, ExecutionStep } from './execution-record.js';
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
    /** Trigger (alarm timestamp or drill request) to the last resource failed over (recover and route phases); null when not reached. */
    readonly achievedSeconds: number | null;
    readonly from: string | null;
    readonly to: string | null;
  };
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

function rtoOf(state: WorkflowState | null, plan: Plan | null): FailoverReport['rto'] {
  const from = state?.trigger?.triggeredAt ?? null;
  const to = completedAt(state);
  const achieved = from === null || to === null ? null : tenths(Date.parse(to) - Date.parse(from));
  return { achievedSeconds: achieved, ...verdict(achieved, plan?.objectives.rtoSeconds ?? null), from, to };
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
  const trigger = state?.trigger;
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
    rto: rtoOf(state, effectivePlan),
    rpo: rpoOf(state, effectivePlan, gateLooks),
    steps: record.steps.map((step) => ({
      ...step,
      durationSeconds: millis(Date.parse(step.endedAt) - Date.parse(step.startedAt)),
    })),
    resources: record.failoverRecord === undefined ? null : resourceOutcomes(record.failoverRecord, plan),
    phases: phasesOf(state),
    local: record.local ?? null,
  };
}
