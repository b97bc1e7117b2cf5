import type { Plan } from '../common/plan.js';
import type { CaughtFailure, NotificationKind, WorkflowState } from '../common/workflow-state.js';
import type { AssessedResource } from './assess.js';

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

/** SNS subjects are ASCII, at most 100 characters. */
const subjectLine = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

function triggerLines(state: WorkflowState): string[] {
  const trigger = state.trigger;
  if (trigger === undefined) return ['Trigger: not validated'];
  const what =
    trigger.kind === 'alarm'
      ? `alarm "${trigger.alarmName}" (${trigger.alarmRegion}) entered ALARM at ${trigger.triggeredAt}: ${trigger.reason}`
      : `${trigger.dryRun ? 'DRY-RUN ' : ''}drill requested by ${trigger.requestedBy} at ${trigger.triggeredAt}: ${trigger.reason}`;
  const lines = [`Trigger: ${what}`, `Execution: ${trigger.executionId}`];
  if (state.confirmation) lines.push(`Confirmation: ${state.confirmation.message}`);
  return lines;
}

function planLines(plan: Plan): string[] {
  return [
    `Databases to promote: ${plan.databases.map((db) => db.replica).join(', ') || 'none'}`,
    `Groups to scale: ${plan.scalingGroups.map((group) => `${group.name} -> ${group.desired}`).join(', ') || 'none'}`,
    `Parameters to repoint: ${plan.parameters.map((parameter) => parameter.name).join(', ') || 'none'}`,
  ];
}

function succeededLines(plan: Plan, state: WorkflowState, now: Date): string[] {
  const lines: string[] = [];
  const dryRun = state.trigger?.dryRun === true;
  if (dryRun) lines.push('DRY RUN: nothing was changed. What the failover would do:');
  for (const db of state.failover?.databases ?? [])
    lines.push(`- database ${db.replica}: ${db.promotion.message}`);
  for (const group of state.failover?.groups ?? [])
    lines.push(`- group ${group.name}: ${group.scaling.message}`);
  for (const parameter of state.repoint?.parameters ?? []) {
    const verb = parameter.changed
      ? 'repointed'
      : dryRun && parameter.previousValue !== parameter.value
        ? 'would repoint'
        : 'already';
    lines.push(
      `- parameter ${parameter.name}: ${verb} ${parameter.previousValue ?? '(absent)'} -> ${parameter.value}`,
    );
  }
  const lags = (state.lagGate?.databases ?? [])
    .map((check) => check.lagSeconds)
    .filter((lag) => typeof lag === 'number');
  const over = (state.lagGate?.databases ?? []).filter((check) => check.promotedOverThreshold);
  if (state.trigger) {
    lines.push(
      `RTO achieved: ${seconds(state.trigger.triggeredAt, now)}s (objective ${plan.objectives.rtoSeconds}s)`,
    );
  }
  const rpo = lags.length > 0 ? `${Math.max(...lags)}s` : 'n/a (no lag datapoint)';
  lines.push(`RPO estimate (replica lag at promotion): ${rpo} (objective ${plan.objectives.rpoSeconds}s)`);
  for (const check of over) lines.push(`WARNING: ${check.message}`);
  lines.push(dryRun ? 'Not done: everything (dry run).' : 'Not done: nothing; the failover is complete.');
  return lines;
}

function failedLines(state: WorkflowState, assessment: readonly AssessedResource[]): string[] {
  const done = assessment.filter((resource) => resource.done);
  const notDone = assessment.filter((resource) => !resource.done);
  const line = (resource: AssessedResource) => `- ${resource.kind} ${resource.name}: ${resource.detail}`;
  return [
    `Failed step: ${state.failedStep ?? 'unknown'}`,
    `Error: ${failureText(state.failure)}`,
    `Done (read back from AWS):${done.length === 0 ? ' nothing' : ''}`,
    ...done.map(line),
    `Not done:${notDone.length === 0 ? ' nothing' : ''}`,
    ...notDone.map(line),
    'The workflow stopped here and will not retry by itself. Finish or undo by hand, or start a new execution.',
  ];
}

/** The text of one notification; `assessment` is read back from AWS for failures. */
export function composeMessage(
  kind: NotificationKind,
  plan: Plan,
  state: WorkflowState,
  assessment: readonly AssessedResource[],
  now: Date,
): Message {
  const mode = state.trigger?.dryRun ? ' [dry run]' : '';
  const where = `${plan.primaryRegion} -> ${plan.recoveryRegion}`;
  const headers: Record<NotificationKind, string> = {
    started: `Failover STARTED${mode}: ${plan.name} ${where}`,
    succeeded: `Failover SUCCEEDED${mode}: ${plan.name} ${where}`,
    failed: `Failover FAILED${mode}: ${plan.name} at ${state.failedStep ?? 'unknown step'}`,
    aborted: `Failover ABORTED: ${plan.name}, ${state.confirmation?.alarmState === 'OK' ? 'alarm recovered' : 'outage not confirmed'}`,
  };
  const bodies: Record<NotificationKind, () => string[]> = {
    started: () => [...planLines(plan), 'Nothing has been changed yet.'],
    succeeded: () => succeededLines(plan, state, now),
    failed: () => failedLines(state, assessment),
    aborted: () => ['Nothing was changed: no database promoted, no group scaled, no parameter repointed.'],
  };
  const warnings = state.notifyStartedFailure
    ? [
        '',
        `WARNING: the STARTED message could not be sent (${failureText(state.notifyStartedFailure)}); the failover went on.`,
      ]
    : [];
  return {
    subject: subjectLine(headers[kind]),
    body: [headers[kind], '', ...triggerLines(state), '', ...bodies[kind](), ...warnings].join('\n'),
  };
}
