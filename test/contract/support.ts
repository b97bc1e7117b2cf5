import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { MetadataBearer } from '@smithy/types';
import { expect, inject, vi } from 'vitest';
import type { RecordScope } from '../../functions/common/failover-record.js';
import type { Plan, PlanInput } from '../../functions/common/plan.js';
import { examplePlan } from '../fixtures/plans.js';

export const PRIMARY = 'us-east-1';
export const RECOVERY = 'us-west-2';
/** The account moto answers as. */
export const MOTO_ACCOUNT = '123456789012';

export const motoEndpoint = (): string => inject('motoEndpoint');

/**
 * Clients for arranging and reading back state, apart from the steps' own clients (so the
 * recorder in step-calls.ts sees only what the steps send). Pointed at moto explicitly.
 */
export const arrange = {
  rds: (region: string) => new RDSClient({ region, endpoint: motoEndpoint() }),
  autoScaling: (region: string) => new AutoScalingClient({ region, endpoint: motoEndpoint() }),
  cloudWatch: (region: string) => new CloudWatchClient({ region, endpoint: motoEndpoint() }),
  ssm: (region: string) => new SSMClient({ region, endpoint: motoEndpoint() }),
  sns: (region: string) => new SNSClient({ region, endpoint: motoEndpoint() }),
  dynamoDb: (region: string) => new DynamoDBClient({ region, endpoint: motoEndpoint() }),
  sfn: (region: string) => new SFNClient({ region, endpoint: motoEndpoint() }),
  elastiCache: (region: string) => new ElastiCacheClient({ region, endpoint: motoEndpoint() }),
};

/** The example plan (us-east-1 → us-west-2) with its topic in moto's account and `change` applied. */
export function contractPlan(change: (document: PlanInput) => void = () => undefined): Plan {
  return examplePlan((document) => {
    document.notifications = { topicArn: `arn:aws:sns:${RECOVERY}:${MOTO_ACCOUNT}:shop-failover` };
    change(document);
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Partial<MetadataBearer>> {
  const error: unknown = await promise.then(
    (value) => expect.unreachable(`expected a rejection, got ${JSON.stringify(value)}`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error & Partial<MetadataBearer>;
}

/**
 * Creates a failover record table (the lock table's key schema) in moto's recovery region and
 * points the steps at it (FAILOVER_LOCK_TABLE), as the construct does. One table per file.
 */
export async function createRecordTable(name: string): Promise<void> {
  vi.stubEnv('FAILOVER_LOCK_TABLE', name);
  await arrange.dynamoDb(RECOVERY).send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'planName', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'planName', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

let executions = 0;

/** A fresh execution of the plan `shop-prod` in the recovery region: its own failover record. */
export function newExecution(): RecordScope {
  executions += 1;
  return {
    planName: 'shop-prod',
    executionId: `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:shop-prod-failover:contract-${executions}`,
  };
}
