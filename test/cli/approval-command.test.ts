import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ListTagsForResourceCommand,
  ResourceNotFound,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../../functions/common/approval-answer.js';
import { recordingEnvironment, runCli } from '../gameday/support/cli.js';

const EXECUTION =
  'arn:aws:states:us-west-2:123456789012:execution:shop-prod-failover:gameday-shop-prod-20261124T090000Z';
const MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:shop-prod-failover';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAA-token';
const RECORD_KEY = 'shop-prod#record#gameday-shop-prod-20261124T090000Z#approval';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBClient);

beforeEach(() => {
  sfn.on(ListTagsForResourceCommand, { resourceArn: MACHINE }).resolves({
    tags: [
      { key: PLAN_TAG, value: 'shop-prod' },
      { key: LOCK_TABLE_TAG, value: 'shop-prod-LockTable-1ABC' },
    ],
  });
  dynamo
    .on(GetItemCommand, { TableName: 'shop-prod-LockTable-1ABC', Key: { planName: { S: RECORD_KEY } } })
    .resolves({ Item: { planName: { S: RECORD_KEY }, taskToken: { S: TOKEN } } });
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

afterEach(() => {
  sfn.reset();
  dynamo.reset();
});

describe('failover approve', () => {
  it('sends the recorded token with SendTaskSuccess, naming who approved and when', async () => {
    const { code, out } = await runCli(['approve', EXECUTION]);

    expect(code).toBe(0);
    expect(out).toContain(`Approved ${EXECUTION}`);
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(sent.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent.output!)).toEqual({
      decision: 'approved',
      by: 'sre-oncall',
      at: '2026-11-24T09:00:00.000Z',
    });
    expect(dynamo.commandCalls(GetItemCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it('says in one line (exit 2) that nothing waits when the approval was already answered or timed out', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const { code, err, errLines } = await runCli(['approve', EXECUTION]);

    expect(code).toBe(2);
    expect(errLines).toHaveLength(1);
    expect(err).toMatch(/^bad input: .* no longer waits for an approval \(TaskTimedOut\)/);
  });

  it('says in one line (exit 2) that no approval was requested when the record holds no token', async () => {
    dynamo.on(GetItemCommand).resolves({});

    const { code, errLines } = await runCli(['approve', EXECUTION]);

    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(/^bad input: no approval was requested by /)]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});

describe('failover decline', () => {
  it('fails the waiting task with ApprovalDeclined and the reason, by the user given', async () => {
    const { code, out } = await runCli([
      'decline',
      EXECUTION,
      '--reason',
      'replica is 5 minutes behind',
      '--by',
      'dba-oncall',
    ]);

    expect(code).toBe(0);
    expect(out).toContain(`Declined ${EXECUTION}`);
    const sent = sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ taskToken: TOKEN, error: 'ApprovalDeclined' });
    expect(JSON.parse(sent.cause!)).toEqual({
      decision: 'declined',
      by: 'dba-oncall',
      at: '2026-11-24T09:00:00.000Z',
      reason: 'replica is 5 minutes behind',
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});

describe('bad input to approve and decline', () => {
  it.each([
    [
      'a malformed ARN',
      ['approve', 'arn:aws:states:us-west-2:123:execution:x'],
      /is not a Step Functions execution ARN/,
    ],
    ['a state machine ARN', ['decline', MACHINE], /is not a Step Functions execution ARN/],
    ['no ARN', ['approve'], /approve takes one execution ARN/],
    ['two ARNs', ['decline', EXECUTION, EXECUTION], /decline takes one execution ARN/],
    ['an unknown option', ['approve', EXECUTION, '--yes'], /Unknown option '--yes'/],
  ])('rejects %s in one line with exit 2 and calls nothing', async (_what, argv, message) => {
    const { code, errLines } = await runCli(argv, recordingEnvironment());

    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(message)]);
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('rejects a state machine without the construct tags in one line with exit 2', async () => {
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });

    const { code, errLines } = await runCli(['approve', EXECUTION]);

    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(/has no failover:plan and failover:lock-table tags/)]);
  });

  it('rejects an execution whose state machine does not exist in one line with exit 2', async () => {
    sfn
      .on(ListTagsForResourceCommand)
      .rejects(new ResourceNotFound({ message: `Resource not found: '${MACHINE}'`, $metadata: {} }));

    const { code, errLines } = await runCli(['decline', EXECUTION]);

    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(/^bad input: .*ResourceNotFound/)]);
  });
});
