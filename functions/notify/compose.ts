import type { Plan } from '../common/plan.js';
import type { CaughtFailure, NotificationKind, WorkflowState } from '../common/workflow-state.js';
import type { Assessed } from '../kinds/kind-step.js';
import type { Kind } from '../kinds/registry.js';
import { abortReason, approvalOutcomeLines, approvalRequestLines } from './approval-lines.js';
import { fenceLines, type FenceRecordLines } from './fence-lines.js';

export interface Message {
  readonly subject: string;
  readonly body: string;
}

/** Step Functions puts a Lambda error's `{"errorType","errorMessage"}` JSON in `Cause`. */
export function failureText(failure: CaughtFailure | undefined): string {
  if (failure === undefined) return 'unknown error';
  try {
    const cause = JSON.parse(failure.Cause ?? '') as { errorMessage?: string };
    if (typeof cause.errorMessage === 'string') return `${failure.Error}: ${cause.errorMessage}`;
  } catch {
    // not JSON: Cause is plain text
  }
  return failure.Cause ? `${failure.Error}: ${failure.Cause}` : failure.Error;
}

const seconds = (from: string, to: Date): number => Math.round((to.getTime() - Date.parse(from)) / 1000);

/** When the last resource was done (the kinds' summaries say): the RTO ends there, not at the notice. */
function lastCompletion(state: WorkflowState): Date | undefined {
  const times = [...(state.recover ?? []), ...(state.route ?? [])]
    .map((summary) => summary.completedAt)
    .filter((at): at is string => at !== undefined)
    .sort();
  const last = times.at(-1);
  return last === undefined ? undefined : new Date(last);
}

/**
 * SNS Publish `Subject`: printable ASCII, no line breaks, and "must be less than 100
 * characters long" (SNS API reference): at most 99.
 */
const subjectLine = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);

function triggerLines(state: WorkflowState): string[] {
  const trigger = state.trigger;
  if (trigger === undefined) return ['Trigger: not validated'];
  const what =
    trigger.kind === 'alarm'
      ? `alarm "${trigger.alarmName}" (${trigger.alarmRegion}) entered ALARM at ${trigger.triggeredAt}: ${trigger.reason}`
      : `${trigger.dryRun ? 'DRY-RUN ' : ''}drill requested by ${trigger.requestedBy} at ${trigger.triggeredAt}: ${trigger.reason}`;
  const lines = [`Trigger: ${what}`, `Execution: ${trigger.executionId}`];
  if (state.confirmation) lines.push(`Confirmation: ${state.confirmation.message}`);
  lines.push(...approvalOutcomeLines(state));
  return lines;
}

/** What the failover record holds for one kind, as the notice reads it. */
export interface KindRecord {
  readonly kind: Kind;
  /** The kind's resources in plan order, with their notice labels. */
  readonly labels: readonly string[];
  /** Each resource's last progress (start/check), when the kind's step ran. */
  readonly progress?: readonly ({ readonly message?: string } | null)[];
  /** The gate's last look at each resource (kinds with a gate). */
  readonly gate?: readonly GateLook[];
  /** Read back from AWS before a failure notice. */
  readonly assessment?: readonly Assessed[];
  /** Reversible kinds after a prewarm: what it did to each resource, and its undo. */
  readonly prewarm?: readonly ({ readonly message?: string } | null)[];
  /** Fencing kinds after Fence Old Region (issue 10): the fencing record. */
  readonly fencing?: FenceRecordLines['fencing'];
}

/** The fencing kinds' records, for the fence lines (kinds with `fences` only). */
const fenceRecords = (records: readonly KindRecord[]): FenceRecordLines[] =>
  records
    .filter((record) => record.kind.fences !== undefined)
    .map((record) => ({ kind: record.kind, fencing: record.fencing }));

export interface GateLook {
  readonly lagSeconds?: number | null;
  readonly promotedOverThreshold?: boolean;
  readonly message?: string;
}

const singular = (noun: string): string => noun.replace(/s$/, '');

function planLines(records: readonly KindRecord[]): string[] {
  return records.map((record) => `${record.kind.title} to fail over: ${record.labels.join(', ') || 'none'}`);
}

function succeededLines(
  plan: Plan,
  state: WorkflowState,
  records: readonly KindRecord[],
  now: Date,
): string[] {
  const lines: string[] = [];
  const dryRun = state.trigger?.dryRun === true;
  if (dryRun) lines.push('DRY RUN: nothing was changed. What the failover would do:');
  for (const record of records) {
    record.labels.forEach((label, i) => {
      const message = record.progress?.[i]?.message ?? 'no step recorded for it';
      lines.push(`- ${singular(record.kind.noun)} ${label}: ${message}`);
    });
  }
  const looks = records.flatMap((record) => record.gate ?? []);
  const lags = looks.map((look) => look.lagSeconds).filter((lag): lag is number => typeof lag === 'number');
  if (state.trigger) {
    lines.push(
      `RTO achieved: ${seconds(state.trigger.triggeredAt, lastCompletion(state) ?? now)}s (objective ${plan.objectives.rtoSeconds}s)`,
    );
  }
  // Only gates that measure replication lag estimate the RPO (every kind has a preflight gate).
  if (looks.some((look) => 'lagSeconds' in look)) {
    const rpo = lags.length > 0 ? `${Math.max(...lags)}s` : 'n/a (no lag datapoint)';
    lines.push(`RPO estimate (replica lag at promotion): ${rpo} (objective ${plan.objectives.rpoSeconds}s)`);
  }
  for (const look of looks.filter((candidate) => candidate.promotedOverThreshold === true))
    lines.push(`WARNING: ${look.message ?? 'promoted over the lag threshold'}`);
  lines.push(...prewarmLines(state, records));
  lines.push(...fenceLines(state, fenceRecords(records), plan.primaryRegion, failureText));
  lines.push(dryRun ? 'Not done: everything (dry run).' : 'Not done: nothing; the failover is complete.');
  return lines;
}

const prewarmed = (state: WorkflowState): boolean =>
  state.prewarm !== undefined || state.prewarmFailure !== undefined;

const titleOf = (records: readonly KindRecord[], kind: string): string =>
  records.find((record) => record.kind.id === kind)?.kind.title ?? kind;

/** One line per result of a prewarm or undo branch that failed (a summary needs no line: the record has them). */
function branchFailures(results: WorkflowState['prewarm'], what: string, records: readonly KindRecord[]) {
  return (results ?? []).flatMap((result) =>
    'failure' in result
      ? [`- ${titleOf(records, result.kind)}: ${what} failed: ${failureText(result.failure)}`]
      : [],
  );
}

/**
 * What the prewarm (plan `prewarm`) did before the outage was confirmed, resource by resource from
 * the failover record, and whether its undo ran: the record's messages say "raised …, then scaled
 * back …" once undone.
 */
function prewarmLines(state: WorkflowState, records: readonly KindRecord[]): string[] {
  if (!prewarmed(state)) return [];
  const undo = state.unwarm !== undefined || state.unwarmFailure !== undefined;
  const lines = [
    undo
      ? 'Prewarm (started when the lock was taken), then undone because the run did not fail over:'
      : 'Prewarm (started when the lock was taken, before the outage was confirmed):',
  ];
  for (const record of records.filter((candidate) => candidate.prewarm !== undefined)) {
    record.labels.forEach((label, i) => {
      const message = record.prewarm?.[i]?.message;
      if (message !== undefined) lines.push(`- ${singular(record.kind.noun)} ${label}: ${message}`);
    });
  }
  lines.push(...branchFailures(state.prewarm, 'prewarm', records));
  if (state.prewarmFailure) lines.push(`- prewarm failed: ${failureText(state.prewarmFailure)}`);
  lines.push(...branchFailures(state.unwarm, 'undo', records));
  if (state.unwarmFailure) lines.push(`- undo failed: ${failureText(state.unwarmFailure)}`);
  if ([...(state.unwarm ?? [])].some((result) => 'failure' in result) || state.unwarmFailure)
    lines.push(
      'WARNING: what the prewarm raised and the undo did not scale back is still raised: scale it back by hand.',
    );
  return lines;
}

function failedLines(plan: Plan, state: WorkflowState, records: readonly KindRecord[]): string[] {
  const assessed = records.flatMap((record) =>
    record.labels.map((label, i) => {
      const found = record.assessment?.[i];
      return {
        line: `- ${singular(record.kind.noun)} ${label}: ${found?.detail ?? 'unknown: it could not be read back'}`,
        done: found?.done === true,
      };
    }),
  );
  const done = assessed.filter((resource) => resource.done);
  const notDone = assessed.filter((resource) => !resource.done);
  return [
    `Failed step: ${state.failedStep ?? 'unknown'}`,
    `Error: ${failureText(state.failure)}`,
    `Done (read back from AWS):${done.length === 0 ? ' nothing' : ''}`,
    ...done.map((resource) => resource.line),
    `Not done:${notDone.length === 0 ? ' nothing' : ''}`,
    ...notDone.map((resource) => resource.line),
    ...prewarmLines(state, records),
    ...fenceLines(state, fenceRecords(records), plan.primaryRegion, failureText),
    'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
  ];
}

/** SNS takes a message of at most 256 KB; the notice is cut well before, saying so. */
const MAX_BODY_BYTES = 200_000;

function bounded(lines: readonly string[]): string {
  const body = lines.join('\n');
  if (Buffer.byteLength(body, 'utf8') <= MAX_BODY_BYTES) return body;
  const cut = Buffer.from(body, 'utf8').subarray(0, MAX_BODY_BYTES).toString('utf8');
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n… (cut to ${MAX_BODY_BYTES} bytes; the failover record holds every resource)`;
}

/** The text of one notification, from the state and the failover record. */
export function composeMessage(
  kind: NotificationKind,
  plan: Plan,
  state: WorkflowState,
  records: readonly KindRecord[],
  now: Date,
): Message {
  const mode = state.trigger?.dryRun ? ' [dry run]' : '';
  const where = `${plan.primaryRegion} -> ${plan.recoveryRegion}`;
  const headers: Record<NotificationKind, string> = {
    started: `Failover STARTED${mode}: ${plan.name} ${where}`,
    succeeded: `Failover SUCCEEDED${mode}: ${plan.name} ${where}`,
    failed: `Failover FAILED${mode}: ${plan.name} at ${state.failedStep ?? 'unknown step'}`,
    aborted: `Failover ABORTED: ${plan.name}, ${abortReason(state)}`,
    approval: `Failover APPROVAL NEEDED: ${plan.name} ${where}`,
  };
  const bodies: Record<NotificationKind, () => string[]> = {
    started: () => [
      ...planLines(records),
      ...(prewarmed(state)
        ? [
            'Prewarmed (started when the lock was taken; undone if the run does not fail over):',
            ...(state.prewarm ?? []).flatMap((result) =>
              'failure' in result ? [] : [`- ${titleOf(records, result.kind)}: ${result.message}`],
            ),
            ...branchFailures(state.prewarm, 'prewarm', records),
            'Nothing else has been changed yet.',
          ]
        : ['Nothing has been changed yet.']),
    ],
    succeeded: () => succeededLines(plan, state, records, now),
    failed: () => failedLines(plan, state, records),
    aborted: () =>
      prewarmed(state)
        ? ['Nothing was failed over: only the prewarm changed anything.', ...prewarmLines(state, records)]
        : ['Nothing was changed: no resource of the plan was touched.'],
    approval: () => [...planLines(records), ...approvalRequestLines(plan, state, now)],
  };
  const warnings = state.notifyStartedFailure
    ? [
        '',
        `WARNING: the STARTED message could not be sent (${failureText(state.notifyStartedFailure)}); the failover went on.`,
      ]
    : [];
  return {
    subject: subjectLine(headers[kind]),
    body: bounded([headers[kind], '', ...triggerLines(state), '', ...bodies[kind](), ...warnings]),
  };
}
