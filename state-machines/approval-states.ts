import type { Plan } from '../functions/common/plan.js';
import { APPROVAL, failedStateName, STATES } from '../functions/common/vocabulary.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import { RETRY_POLICY } from './policies.js';
import { recordFailedStep, type AslState } from './states.js';

/**
 * The optional manual approval (plan `approval`), between the gate and the first change: a Task
 * with the callback pattern waits until a person answers with `failover approve|decline`, or
 * until the plan's timeout.
 */

/**
 * Step Functions' callback pattern on Lambda: the function gets `$$.Task.Token` in its payload and
 * returns at once; the Task then waits until SendTaskSuccess (its output becomes the Task's
 * result) or SendTaskFailure (its `error` is the Task's error) names the token, or until
 * TimeoutSeconds passes (States.Timeout). AWS Step Functions Developer Guide, "Wait for a
 * Callback with Task Token" and "Invoke an AWS Lambda function with Step Functions".
 */
export const LAMBDA_CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The approval's part of the execution's limit: its wait. */
export const approvalSeconds = (plan: Plan): number => plan.approval?.timeoutSeconds ?? 0;

/**
 * The approval's states: skipped by dry runs, then the request (the notify function publishes the
 * commands and records the token in the failover record), then the plan's policy on a timeout.
 * `next` is the first changing phase; `abortPath` the abort path (notified, nothing changed, lock
 * released); `failurePath` the failure path.
 */
export function approvalStates(
  plan: Plan,
  paths: { readonly next: string; readonly abortPath: string; readonly failurePath: string },
): Record<string, AslState> {
  const approval = plan.approval;
  if (approval === undefined) return {};
  const proceed = approval.onTimeout === 'proceed';
  return {
    [STATES.needsApproval]: {
      Type: 'Choice',
      Comment: 'A dry run changes nothing, so nobody is asked to approve it.',
      Choices: [{ Variable: '$.trigger.dryRun', BooleanEquals: true, Next: paths.next }],
      Default: STATES.requestApproval,
    },
    [STATES.requestApproval]: {
      Type: 'Task',
      Comment: `The gate passed and nothing has changed yet: the notice names the exact 'failover approve' and 'failover decline' commands, and the token waits in the failover record. Approved: the output lands at $.approval. Declined (${APPROVAL.declinedError}): aborted. No answer in ${approval.timeoutSeconds}s: ${approval.onTimeout}. No HeartbeatSeconds: a person does not send heartbeats.`,
      Resource: LAMBDA_CALLBACK_RESOURCE,
      Parameters: {
        FunctionName: `\${${functionArnVariable('notify')}}`,
        Payload: {
          kind: 'approval',
          'executionId.$': '$$.Execution.Id',
          'taskToken.$': '$$.Task.Token',
          'state.$': '$',
        },
      },
      ResultPath: '$.approval',
      TimeoutSeconds: approval.timeoutSeconds,
      // A retried invocation gets a new token: the notify step records the newest one and
      // publishes the notice once.
      Retry: [...RETRY_POLICY],
      Catch: [
        { ErrorEquals: [APPROVAL.declinedError], ResultPath: '$.approval', Next: paths.abortPath },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.approval', Next: STATES.approvalTimedOut },
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.failure',
          Next: failedStateName(STATES.requestApproval),
        },
      ],
      Next: paths.next,
    },
    [failedStateName(STATES.requestApproval)]: recordFailedStep(STATES.requestApproval, paths.failurePath),
    [STATES.approvalTimedOut]: {
      Type: 'Pass',
      Comment: `Nobody answered within ${approval.timeoutSeconds}s: the plan's approval.onTimeout is ${approval.onTimeout}.`,
      Parameters: { decision: APPROVAL.decisions.timedOut, onTimeout: approval.onTimeout },
      ResultPath: '$.approval',
      Next: proceed ? paths.next : paths.abortPath,
    },
  };
}
