import '../unit/support/aws-sdk-matchers.js';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { fencingKey, type FencingRecord } from '../../functions/common/fencing-record.js';
import { handler } from '../../functions/fence-retry/handler.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';

const TABLE = 'shop-prod-LockTable-1ABC';
const RDS_FUNCTION = 'arn:aws:lambda:us-west-2:111111111111:function:shop-prod-rds-replica';
const FAILOVER = 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:alarm-1';
const dynamo = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);

const databaseRecord = (status: 'pending' | 'fenced', attempts: number): FencingRecord => ({
  planName: 'shop-prod',
  kind: 'rds-replica',
  failoverExecution: FAILOVER,
  state: 'open',
  resources: [
    {
      label: 'shop-db',
      status,
      attempts,
      lastAttemptAt: '2026-11-24T09:10:00.000Z',
      detail:
        status === 'fenced' ? 'stopped after final snapshot shop-db-final-202611240910' : 'TimeoutError',
    },
  ],
  updatedAt: '2026-11-24T09:10:00.000Z',
});
const item = (record: FencingRecord) => ({
  Item: { planName: { S: fencingKey('shop-prod', record.kind) }, fencing: { S: JSON.stringify(record) } },
});
const bytes = (value: unknown) => {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
};

beforeEach(() => {
  setClientInterceptor(undefined);
  vi.stubEnv('FAILOVER_PLAN', JSON.stringify(examplePlan()));
  vi.stubEnv('FAILOVER_LOCK_TABLE', TABLE);
  vi.stubEnv('RdsReplicaFunctionArn', RDS_FUNCTION);
  vi.stubEnv('AutoScalingGroupFunctionArn', 'arn:aws:lambda:us-west-2:111111111111:function:shop-prod-asg');
  dynamo.on(GetItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ kind: 'rds-replica', done: true }) });
});
afterEach(() => {
  vi.unstubAllEnvs();
  dynamo.reset();
  lambda.reset();
  sns.reset();
});

describe('the deployed fence retry (handler)', () => {
  it("invokes the pending kind's function, reads the record it wrote, and publishes one notice", async () => {
    const key = { TableName: TABLE, Key: { planName: { S: fencingKey('shop-prod', 'rds-replica') } } };
    dynamo
      .on(GetItemCommand, key)
      .resolvesOnce(item(databaseRecord('pending', 2)))
      .resolves(item(databaseRecord('fenced', 3)));

    const result = await handler({ source: 'aws.events' }, lambdaContext('fence-retry'));

    expect(result.attempts.map((attempt) => attempt.kind)).toEqual(['rds-replica']);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe(RDS_FUNCTION);
    // The kind recorded its attempt: the retry rewrites nothing.
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.TopicArn).toBe('arn:aws:sns:us-west-2:111111111111:shop-failover');
    expect(published?.Subject).toBe('Failover shop-prod: old region fenced (1 fenced now)');
    expect(published?.Message).toContain(
      'rds-replica shop-db: fenced now: stopped after final snapshot shop-db-final-202611240910',
    );
  });

  it('does nothing else when no record has anything pending: no invocation, no write, no notice', async () => {
    const result = await handler({ source: 'aws.events' }, lambdaContext('fence-retry'));
    expect(result.attempts).toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 2);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
