import { ListTagsForResourceCommand } from '@aws-sdk/client-sfn';
import {
  answerApproval,
  LOCK_TABLE_TAG,
  NoPendingApprovalError,
  PLAN_TAG,
} from '../functions/common/approval-answer.js';
import { describeError } from '../functions/common/errors.js';
import { APPROVAL } from '../functions/common/vocabulary.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { isExecutionArn, regionOfArn, stepFunctionsClient } from './state-machine-arn.js';

/**
 * `failover approve <execution-arn>` and `failover decline <execution-arn> [--reason <text>]`:
 * answer the approval request of a running failover (plan `approval`), as its notice says. The
 * execution ARN is all they need: its state machine's tags (set by the CDK construct) name the
 * plan and the lock table holding the request's task token, in the recovery region the ARN names.
 */

export const APPROVE_USAGE = 'failover approve <execution-arn> [--by <who>] [--reason <text>]';
export const DECLINE_USAGE = 'failover decline <execution-arn> [--by <who>] [--reason <text>]';

export const APPROVAL_OPTIONS = {
  by: { type: 'string' },
  reason: { type: 'string' },
} as const;

export interface ApprovalArgs {
  readonly positionals: readonly string[];
  readonly values: { readonly by?: string; readonly reason?: string };
}

/** The execution's state machine does not say where its approval request is kept. */
class ApprovalInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ApprovalInputError';
  }
}

/** `arn:…:states:<region>:<account>:execution:<machine>:<name>` → the state machine's ARN. */
const stateMachineOf = (executionArn: string): string =>
  executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');

/** The plan and lock table of the execution's state machine, from its tags. */
async function targetOf(executionArn: string): Promise<{ planName: string; tableName: string }> {
  const machine = stateMachineOf(executionArn);
  const { tags = [] } = await stepFunctionsClient(regionOfArn(executionArn) ?? '').send(
    new ListTagsForResourceCommand({ resourceArn: machine }),
  );
  const tag = (key: string) => tags.find((candidate) => candidate.key === key)?.value;
  const planName = tag(PLAN_TAG);
  const tableName = tag(LOCK_TABLE_TAG);
  if (planName === undefined || tableName === undefined)
    throw new ApprovalInputError(
      `${machine} has no ${PLAN_TAG} and ${LOCK_TABLE_TAG} tags: it was not deployed by the failover-orchestrator construct`,
    );
  return { planName, tableName };
}

/** Answers the approval request of `executionArn`: exit 0 when taken, 2 for bad input. */
export async function approvalCommand(
  decision: 'approve' | 'decline',
  { positionals, values }: ApprovalArgs,
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  const usage = decision === 'approve' ? APPROVE_USAGE : DECLINE_USAGE;
  const [executionArn, ...extra] = positionals;
  if (executionArn === undefined || extra.length > 0) {
    io.err(`bad input: ${decision} takes one execution ARN: ${usage}`);
    return EXIT.badInput;
  }
  if (!isExecutionArn(executionArn)) {
    io.err(
      `bad input: "${executionArn}" is not a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`,
    );
    return EXIT.badInput;
  }
  const answer = {
    decision: decision === 'approve' ? APPROVAL.decisions.approved : APPROVAL.decisions.declined,
    by: values.by ?? env.userName(),
    at: env.now().toISOString(),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
  };
  try {
    await answerApproval({ executionArn, ...(await targetOf(executionArn)) }, answer);
  } catch (error) {
    if (error instanceof ApprovalInputError || error instanceof NoPendingApprovalError) {
      io.err(`bad input: ${error.message}`);
      return EXIT.badInput;
    }
    if ((error as Error).name === 'ExecutionDoesNotExist' || (error as Error).name === 'ResourceNotFound') {
      io.err(`bad input: ${executionArn}: ${describeError(error)}`);
      return EXIT.badInput;
    }
    throw error;
  }
  io.out(
    decision === 'approve'
      ? `Approved ${executionArn}: the failover goes on (follow it: failover report ${executionArn}).`
      : `Declined ${executionArn}: the failover is aborted; nothing is changed and the lock is released.`,
  );
  return EXIT.ok;
}
