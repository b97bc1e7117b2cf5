import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { dynamoDbClient } from './clients/dynamodb.js';
import { sfnClient } from './clients/sfn.js';
import { APPROVAL_RECORD_PART, recordKey } from './failover-record.js';
import { APPROVAL } from './vocabulary.js';
import type { ApprovalAnswer } from './workflow-state.js';

/**
 * Answers an execution's approval request as a person does with `failover approve|decline`: read
 * the waiting Task's token from the failover record (the lock table, in the recovery region the
 * execution ARN names), then SendTaskSuccess with the answer, or SendTaskFailure with
 * ApprovalDeclined. The CLI runs it against AWS, and the local engine's simulated approver
 * against the simulated AWS. No Lambda function imports it.
 */

export { LOCK_TABLE_TAG, PLAN_TAG } from './approval-tags.js';

export interface ApprovalTarget {
  readonly executionArn: string;
  readonly planName: string;
  /** The orchestrator's lock table (the stack's LockTableName output). */
  readonly tableName: string;
}

/** Nothing waits for an answer: never requested, already answered, or timed out. Bad input. */
export class NoPendingApprovalError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'NoPendingApprovalError';
  }
}

/**
 * What Step Functions answers for a token whose Task no longer waits (SendTaskSuccess and
 * SendTaskFailure API reference): TaskTimedOut "the task token has either expired or the task
 * associated with the token has already been closed"; InvalidToken; TaskDoesNotExist.
 */
const CLOSED_TASK_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

const regionOf = (executionArn: string): string => executionArn.split(':')[3] ?? '';

/** The newest token of the execution's approval request. @throws NoPendingApprovalError */
export async function readApprovalToken(target: ApprovalTarget): Promise<string> {
  const response = await dynamoDbClient(regionOf(target.executionArn)).send(
    new GetItemCommand({
      TableName: target.tableName,
      Key: {
        planName: {
          S: recordKey({ planName: target.planName, executionId: target.executionArn }, APPROVAL_RECORD_PART),
        },
      },
      ConsistentRead: true,
    }),
  );
  const token = response.Item?.taskToken?.S;
  if (token === undefined)
    throw new NoPendingApprovalError(
      `no approval was requested by ${target.executionArn}: its plan has no approval, it is a dry run, or it has not passed its gate yet`,
    );
  return token;
}

/** Sends `answer` to the execution waiting for it. @throws NoPendingApprovalError */
export async function answerApproval(target: ApprovalTarget, answer: ApprovalAnswer): Promise<void> {
  const taskToken = await readApprovalToken(target);
  const client = sfnClient(regionOf(target.executionArn));
  try {
    if (answer.decision === APPROVAL.decisions.approved)
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answer) }));
    else
      await client.send(
        new SendTaskFailureCommand({
          taskToken,
          error: APPROVAL.declinedError,
          cause: JSON.stringify(answer),
        }),
      );
  } catch (error) {
    if (CLOSED_TASK_ERRORS.has((error as Error).name))
      throw new NoPendingApprovalError(
        `${target.executionArn} no longer waits for an approval (${(error as Error).name}): it was already answered, timed out, or the execution ended`,
      );
    throw error;
  }
}
