import { failedStateName, readBackStateName, STATES } from '../../functions/common/vocabulary.js';
import { KINDS } from '../../functions/kinds/registry.js';
import type { Trigger } from '../../functions/common/workflow-state.js';
import type { ExecutionStep, StepOutcome } from './execution-record.js';
import type { RunRecord } from './run-record.js';

/**
 * The run as phases a person reads (detect, decide, confirm, start, gate, approve, recover, route,
 * read back, notify) instead of the workflow's 30-odd states: every state of the timeline belongs to
 * one phase, by the vocabulary (functions/common/vocabulary.ts STATES) and each kind's own
 * `states`, so Choice and Pass states never show as rows of their own. Within gate, recover,
 * route and read back, a row per kind (its branch) and, where the failover record has per
 * resource times, a row per resource.
 */

export const PHASE_IDS = [
  'detect',
  'decide',
  'prewarm',
  'confirm',
  'start',
  'gate',
  'approve',
  'recover',
  'route',
  'undo-prewarm',
  'read-back',
  'notify',
] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export const PHASE_TITLES: Readonly<Record<PhaseId, string>> = {
  detect: 'Detect (outage → alarm)',
  decide: 'Validate trigger and take the lock',
  prewarm: 'Prewarm (reversible changes started early)',
  confirm: 'Confirm the outage',
  start: 'Record and announce the start',
  gate: 'Gate (read-only checks)',
  approve: 'Manual approval (a person decides)',
  recover: 'Recover',
  route: 'Route',
  'undo-prewarm': 'Undo the prewarm (no failover)',
  'read-back': 'Read back after a failure',
  notify: 'Notify and release',
};

/** `failed`: a step of it failed (or was caught); `running`: it had not ended. */
export type PhaseOutcome = 'succeeded' | 'failed' | 'running';

export interface PhaseRow {
  readonly level: 'kind' | 'resource';
  /** The kind's id. */
  readonly kind: string;
  readonly title: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly outcome: PhaseOutcome;
  readonly detail: string | null;
}

export interface TimelinePhase {
  readonly id: PhaseId;
  readonly title: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly outcome: PhaseOutcome;
  /** The first error of a failed phase. */
  readonly error: string | null;
  /** Workflow states folded into the phase, with their total runs (polling loops run many times). */
  readonly states: readonly { readonly state: string; readonly runs: number }[];
  readonly rows: readonly PhaseRow[];
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * Each kind's states in one phase: the gate branch, the change branch, the read-back branch, and
 * a reversible kind's prewarm and undo branches.
 */
function kindStates(
  kind: (typeof KINDS)[number],
  phase: 'gate' | 'change' | 'read-back' | 'prewarm' | 'undo-prewarm',
): string[] {
  const { states } = kind;
  if (phase === 'prewarm') return [states.prewarm, states.prewarmFailed].filter(defined);
  if (phase === 'undo-prewarm') return [states.unwarm, states.unwarmFailed].filter(defined);
  if (phase === 'gate') {
    return states.gate === undefined
      ? []
      : [states.gate, states.gateWait, states.gatePassed, `${states.gate} Passed`].filter(defined);
  }
  if (phase === 'read-back') return [states.readBack, states.readBackFailed];
  return [states.start, states.check, states.wait, states.doneChoice, states.done];
}

const WORKFLOW_PHASES: readonly [PhaseId, readonly string[]][] = [
  [
    'decide',
    [
      STATES.validateTrigger,
      STATES.isEventForThisPlan,
      STATES.eventIgnored,
      STATES.acquireLock,
      STATES.lockAcquired,
      STATES.duplicateIgnored,
      STATES.failoverRefused,
      STATES.needsConfirmation,
    ],
  ],
  ['prewarm', [STATES.prewarmLiveRun, STATES.prewarm]],
  ['confirm', [STATES.waitConfirmWindow, STATES.confirmOutage, STATES.outageConfirmed]],
  ['start', [STATES.recordFailoverStart, STATES.notifyStarted, STATES.selectStepInputs]],
  ['gate', [STATES.gate]],
  ['approve', [STATES.needsApproval, STATES.requestApproval, STATES.approvalTimedOut]],
  ['recover', [STATES.recover]],
  ['route', [STATES.route]],
  ['undo-prewarm', [STATES.anythingPrewarmed, STATES.undoPrewarm, STATES.abortedOrFailed]],
  ['read-back', [STATES.waitForInFlightSteps, ...[0, 1, 2, 3].map((phase) => readBackStateName(phase))]],
  [
    'notify',
    [
      STATES.notifyAborted,
      STATES.releaseLockAfterAbort,
      STATES.failoverAborted,
      STATES.notifySucceeded,
      failedStateName(STATES.notifySucceeded),
      STATES.releaseLockAfterSuccess,
      STATES.failoverSucceeded,
      STATES.notifyFailed,
      STATES.lockHeldAfterFailure,
      STATES.releaseLockAfterFailure,
      STATES.failoverFailed,
    ],
  ],
];

/** State name → phase and, for a kind's branch, the kind. */
const STATE_PHASE = new Map<string, { phase: PhaseId; kind?: string }>([
  ...WORKFLOW_PHASES.flatMap(([phase, names]) => names.map((name) => [name, { phase }] as const)),
  ...KINDS.flatMap((kind) => [
    ...kindStates(kind, 'gate').map((name) => [name, { phase: 'gate' as const, kind: kind.id }] as const),
    ...kindStates(kind, 'change').map(
      (name) => [name, { phase: kind.phase as PhaseId, kind: kind.id }] as const,
    ),
    ...kindStates(kind, 'read-back').map(
      (name) => [name, { phase: 'read-back' as const, kind: kind.id }] as const,
    ),
    ...(['prewarm', 'undo-prewarm'] as const).flatMap((phase) =>
      kindStates(kind, phase).map((name) => [name, { phase, kind: kind.id }] as const),
    ),
  ]),
]);

/**
 * The phase of a state; a "<step> Failed" Pass state (recording which step failed) opens the
 * failure path, so it is read back; an unknown state joins the phase before it.
 */
export function phaseOfState(state: string): { phase: PhaseId; kind?: string } | undefined {
  const known = STATE_PHASE.get(state);
  if (known !== undefined) return known;
  if (state.endsWith(failedStateName(''))) return { phase: 'read-back' };
  return undefined;
}

const millis = (ms: number): number => Math.round(ms) / 1000;
const failedOutcome = (outcome: StepOutcome): boolean => outcome === 'failed' || outcome === 'caught';

function span(steps: readonly ExecutionStep[]): {
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
} {
  const start = Math.min(...steps.map((step) => Date.parse(step.startedAt)));
  const end = Math.max(...steps.map((step) => Date.parse(step.endedAt)));
  return {
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationSeconds: millis(end - start),
  };
}

function outcomeOf(steps: readonly ExecutionStep[]): PhaseOutcome {
  if (steps.some((step) => failedOutcome(step.outcome))) return 'failed';
  if (steps.some((step) => step.outcome === 'running' || step.outcome === 'aborted')) return 'running';
  return 'succeeded';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A resource's own span from its progress entry: `startedAt` to the latest other `…At` time the
 * kind records (promotedAt, readyAt, repointedAt…). Kinds name their times; the report only
 * relies on the `At` suffix.
 */
function progressSpan(entry: unknown): { start: number; end: number } | undefined {
  if (!isObject(entry)) return undefined;
  const times = Object.entries(entry)
    .filter(([key, value]) => key.endsWith('At') && typeof value === 'string')
    .map(([key, value]) => [key, Date.parse(value as string)] as const)
    .filter(([, at]) => !Number.isNaN(at));
  if (times.length === 0) return undefined;
  const started = times.find(([key]) => key === 'startedAt')?.[1];
  const all = times.map(([, at]) => at);
  return { start: started ?? Math.min(...all), end: Math.max(...all) };
}

function resourceRows(
  kind: (typeof KINDS)[number],
  entries: readonly unknown[] | undefined,
  labels: readonly string[],
): PhaseRow[] {
  return (entries ?? []).flatMap((entry, i): PhaseRow[] => {
    const times = progressSpan(entry);
    if (times === undefined || !isObject(entry)) return [];
    const status = typeof entry.status === 'string' ? entry.status : 'unknown';
    const done =
      typeof entry[`${status}At`] === 'string' || status.startsWith('already') || status.startsWith('would');
    return [
      {
        level: 'resource',
        kind: kind.id,
        title: labels[i] ?? `${kind.noun.replace(/s$/, '')} ${i + 1}`,
        startedAt: new Date(times.start).toISOString(),
        endedAt: new Date(times.end).toISOString(),
        durationSeconds: millis(times.end - times.start),
        outcome: done || entry.dryRun === true ? 'succeeded' : 'running',
        detail: typeof entry.message === 'string' ? entry.message : status,
      },
    ];
  });
}

/**
 * The phases of a run, in time order, with a `detect` phase from the outage to the alarm when
 * the trigger says when the outage began. `labels` names each kind's resources (plan order).
 */
export function timelinePhases(
  steps: readonly ExecutionStep[],
  trigger: Trigger | undefined,
  record: RunRecord | null | undefined,
  labels: Readonly<Record<string, readonly string[]>> = {},
): TimelinePhase[] {
  const byPhase = new Map<PhaseId, ExecutionStep[]>();
  const byKind = new Map<string, ExecutionStep[]>();
  let previous: PhaseId = 'decide';
  for (const step of steps) {
    const found = phaseOfState(step.state);
    const phase: PhaseId = found?.phase ?? previous;
    previous = phase;
    byPhase.set(phase, [...(byPhase.get(phase) ?? []), step]);
    if (found?.kind !== undefined) {
      const key = `${phase}\u0000${found.kind}`;
      byKind.set(key, [...(byKind.get(key) ?? []), step]);
    }
  }
  const phases: TimelinePhase[] = [];
  const outage = trigger?.outageStartedAt;
  if (trigger !== undefined && outage !== undefined && Date.parse(outage) < Date.parse(trigger.triggeredAt)) {
    phases.push({
      id: 'detect',
      title: PHASE_TITLES.detect,
      startedAt: outage,
      endedAt: trigger.triggeredAt,
      durationSeconds: millis(Date.parse(trigger.triggeredAt) - Date.parse(outage)),
      outcome: 'succeeded',
      error: null,
      states: [],
      rows: [],
    });
  }
  for (const id of PHASE_IDS) {
    const members = byPhase.get(id);
    if (members === undefined || members.length === 0) continue;
    const runs = new Map<string, number>();
    for (const step of members) runs.set(step.state, (runs.get(step.state) ?? 0) + step.runs);
    const rows = KINDS.flatMap((kind): PhaseRow[] => {
      const branch = byKind.get(`${id}\u0000${kind.id}`);
      if (branch === undefined) return [];
      const kindRow: PhaseRow = {
        level: 'kind',
        kind: kind.id,
        title: kind.title,
        ...span(branch),
        outcome: outcomeOf(branch),
        detail: branch.find((step) => step.error !== undefined)?.error ?? null,
      };
      const kept = record?.kinds.find((candidate) => candidate.kind === kind.id);
      // A resource's own row: under its kind's phase for its change, under prewarm for what that did.
      const entries = id === kind.phase ? kept?.progress : id === 'prewarm' ? kept?.prewarm : undefined;
      const perResource = resourceRows(kind, entries, labels[kind.id] ?? []);
      return [kindRow, ...perResource];
    });
    phases.push({
      id,
      title: PHASE_TITLES[id],
      ...span(members),
      outcome: outcomeOf(members),
      error: members.find((step) => failedOutcome(step.outcome) && step.error !== undefined)?.error ?? null,
      states: [...runs].map(([state, count]) => ({ state, runs: count })),
      rows,
    });
  }
  return phases.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}
