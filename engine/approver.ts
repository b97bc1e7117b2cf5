import { answerApproval } from '../functions/common/approval-answer.js';
import type { Plan } from '../functions/common/plan.js';
import { APPROVAL } from '../functions/common/vocabulary.js';
import type { ApprovalBehaviour, SimulatedCloud } from './sim/index.js';
import type { WaitingTask } from './sim/sfn.js';

/**
 * The person who answers a local replay's approval request. When a Task of the callback pattern
 * starts waiting, the approver decides (a scenario's `approval`, a CLI flag, or a question on the
 * terminal); the answer is then sent on the virtual clock, `afterSeconds` later, the way
 * `failover approve|decline` sends it (functions/common/approval-answer.ts: the token from the
 * failover record, then SendTaskSuccess or SendTaskFailure on the simulated Step Functions).
 */

export type ApprovalChoice = ApprovalBehaviour;

/**
 * Decides for one waiting Task. A promise holds the virtual clock until it settles: a question on
 * the terminal is answered before simulated time moves on (and the seconds it took can be the
 * `afterSeconds`).
 */
export type Approver = (task: WaitingTask) => ApprovalChoice | Promise<ApprovalChoice>;

/** What the approver decided and what sending it did, for the CLI to print. */
export interface ApprovalEvent {
  readonly executionArn: string;
  readonly choice: ApprovalChoice;
  /** When the answer was sent (simulated ISO time); absent when nobody answered. */
  readonly sentAt?: string;
  /** The answer could not be given (e.g. it came after the Task timed out). */
  readonly error?: string;
}

/** The scenario's approver: its `approval`, or approved at once. */
export const scenarioApprover =
  (choice: ApprovalChoice | undefined): Approver =>
  () =>
    choice ?? { decision: 'approve' };

/**
 * Answers every approval request of the replay with `approver`. Each decision still pending is in
 * `holds`, which the clock waits for; `events` receives what happened.
 */
export function installApprover(
  plan: Plan,
  cloud: SimulatedCloud,
  approver: Approver,
  holds: Set<Promise<unknown>>,
  events: ApprovalEvent[],
): void {
  cloud.stepFunctions.onTaskWaiting = (task) => {
    const deciding = Promise.resolve(approver(task)).then((choice) => {
      const decision = choice.decision ?? 'approve';
      if (decision === 'none') {
        events.push({ executionArn: task.executionArn, choice });
        return;
      }
      setTimeout(
        () => {
          const at = new Date().toISOString();
          const answer = {
            decision: decision === 'approve' ? APPROVAL.decisions.approved : APPROVAL.decisions.declined,
            by: choice.by ?? 'scenario',
            at,
            ...(choice.reason !== undefined ? { reason: choice.reason } : {}),
          };
          answerApproval(
            { executionArn: task.executionArn, planName: plan.name, tableName: cloud.lockTableName },
            answer,
          ).then(
            () => events.push({ executionArn: task.executionArn, choice, sentAt: at }),
            (error: unknown) =>
              events.push({ executionArn: task.executionArn, choice, error: (error as Error).message }),
          );
        },
        (choice.afterSeconds ?? 0) * 1_000,
      );
    });
    holds.add(deciding);
    void deciding.finally(() => holds.delete(deciding));
  };
}
