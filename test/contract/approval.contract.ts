import { beforeAll, describe, expect, it } from 'vitest';
import {
  answerApproval,
  NoPendingApprovalError,
  readApprovalToken,
} from '../../functions/common/approval-answer.js';
import { recordApprovalRequest } from '../../functions/common/failover-record.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import { createRecordTable, motoEndpoint, newExecution, rejectionOf } from './support.js';

/**
 * The manual approval's request and answer over HTTP against moto: the notify step records the
 * waiting Task's token in the failover record (UpdateItem), and `failover approve|decline` reads it
 * back (GetItem, ConsistentRead) and answers it (SendTaskSuccess / SendTaskFailure), turning
 * Step Functions' answer for a closed or unknown token (InvalidToken here) into "no pending approval".
 */

const TABLE = 'contract-approval';
const answer = { decision: 'approved', by: 'contract', at: '2026-11-24T09:00:00.000Z' } as const;

beforeAll(async () => {
  await createRecordTable(TABLE);
});

describe('approval request and answer', () => {
  it('reads back the newest token the request recorded: a retried request replaces the closed one', async () => {
    const scope = newExecution();
    await recordApprovalRequest(scope, 'token-of-attempt-1');

    await recordApprovalRequest(scope, 'token-of-attempt-2');

    const token = await readApprovalToken({
      executionArn: scope.executionId,
      planName: scope.planName,
      tableName: TABLE,
    });
    expect(token).toBe('token-of-attempt-2');
  });

  it('says no approval was requested when the execution recorded none', async () => {
    const scope = newExecution();

    const error = await rejectionOf(
      readApprovalToken({ executionArn: scope.executionId, planName: scope.planName, tableName: TABLE }),
    );

    expect(error).toBeInstanceOf(NoPendingApprovalError);
    expect(error.message).toContain('no approval was requested by');
  });

  it.each([
    ['approve', answer],
    ['decline', { ...answer, decision: 'declined', reason: 'contract' }],
  ] as const)('%s: a token Step Functions no longer knows is no pending approval', async (_verb, given) => {
    const scope = newExecution();
    await recordApprovalRequest(scope, 'AAAAKgAAAAIAAAAAAAAAAQ-closed-token');

    const error = await rejectionOf(
      answerApproval({ executionArn: scope.executionId, planName: scope.planName, tableName: TABLE }, given),
    );

    expect(error).toBeInstanceOf(NoPendingApprovalError);
    expect(error.message).toContain('no longer waits for an approval (InvalidToken)');
  });

  it('sent its commands to moto through the steps own clients', () => {
    expectStepCommandsSentToMoto('approval', motoEndpoint(), ['GetItemCommand', 'UpdateItemCommand']);
  });
});
