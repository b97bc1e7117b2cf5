import type { Plan } from '../common/plan.js';
import { APPROVAL } from '../common/vocabulary.js';
import type { ApprovalAnswer, ApprovalOutcome, WorkflowState } from '../common/workflow-state.js';

/**
 * What the notices say about the manual approval (plan `approval`): the request with the exact
 * commands that answer it, and how it ended in the final notice.
 */

/** The CLI lines that answer the request: the execution ARN is all they need. */
export const approveCommand = (executionArn: string): string => `failover approve ${executionArn}`;
export const declineCommand = (executionArn: string): string =>
  `failover decline ${executionArn} --reason "<why>"`;

/** The request's body: what waits, the two commands, and what happens without an answer. */
export function approvalRequestLines(plan: Plan, state: WorkflowState, now: Date): string[] {
  const approval = plan.approval;
  const executionArn = state.trigger?.executionId ?? 'unknown execution';
  const timeoutSeconds = approval?.timeoutSeconds ?? 0;
  const deadline = new Date(now.getTime() + timeoutSeconds * 1_000).toISOString();
  return [
    'The gate passed. Nothing has been changed yet: the failover waits for your decision.',
    `To fail over:   ${approveCommand(executionArn)}`,
    `To stop it:     ${declineCommand(executionArn)}`,
    `Without an answer by ${deadline} (${timeoutSeconds}s), the failover ${approval?.onTimeout === 'proceed' ? 'PROCEEDS' : 'is ABORTED'} (plan approval.onTimeout: ${approval?.onTimeout ?? 'abort'}).`,
  ];
}

/** The answer a declined request carried in the SendTaskFailure cause, if readable. */
function declinedAnswer(outcome: ApprovalOutcome): ApprovalAnswer | undefined {
  if (!('Error' in outcome) || outcome.Error !== APPROVAL.declinedError) return undefined;
  try {
    return JSON.parse(outcome.Cause ?? '') as ApprovalAnswer;
  } catch {
    return { decision: 'declined', by: 'unknown', at: 'unknown', reason: outcome.Cause ?? '' };
  }
}

const answerText = (answer: ApprovalAnswer): string =>
  `${answer.decision} by ${answer.by} at ${answer.at}${answer.reason ? `: ${answer.reason}` : ''}`;

/** One line for the final notice; empty when the run had no approval. */
export function approvalOutcomeLines(state: WorkflowState): string[] {
  const outcome = state.approval;
  if (outcome === undefined) return [];
  if ('decision' in outcome && outcome.decision === APPROVAL.decisions.timedOut)
    return [`Approval: nobody answered in time; the plan says ${outcome.onTimeout}.`];
  if ('decision' in outcome) return [`Approval: ${answerText(outcome)}`];
  const declined = declinedAnswer(outcome);
  return [`Approval: ${declined ? answerText(declined) : `${outcome.Error} ${outcome.Cause ?? ''}`.trim()}`];
}

/** Why an abort happened, for its subject: the approval, else the confirmation. */
export function abortReason(state: WorkflowState): string {
  const outcome = state.approval;
  if (outcome !== undefined) {
    if ('Error' in outcome && outcome.Error === APPROVAL.declinedError) return 'approval declined';
    return 'approval not given in time';
  }
  return state.confirmation?.alarmState === 'OK' ? 'alarm recovered' : 'outage not confirmed';
}
