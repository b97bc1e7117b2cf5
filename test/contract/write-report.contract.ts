import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { writeProgress } from '../../functions/common/failover-record.js';
import { reportKeys, writeExecutionReport } from '../../functions/write-report/write-report.js';
import type { FailoverReport } from '../../engine/report/index.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { arrange, contractPlan, motoEndpoint, rejectionOf } from './support.js';

/**
 * The report writer (functions/write-report) over HTTP against moto: the execution's
 * DescribeExecution and GetExecutionHistory (moto runs the execution: global-setup.ts), the
 * failover record's GetItem, and the two PutObject calls into the report bucket. Its own region:
 * moto 5.2.1 starts only one execution per region (failover-lock.contract.ts).
 */

const REGION = 'sa-east-1';
const TABLE = 'contract-write-report-record';
const BUCKET = 'contract-failover-reports';
const plan = contractPlan();
const s3 = () => new S3Client({ region: REGION, endpoint: motoEndpoint(), forcePathStyle: true });
let executionArn = '';

async function objectText(key: string): Promise<string> {
  const object = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

const statusChange = (status: string) => ({
  version: '0',
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  region: REGION,
  detail: { executionArn, status },
});

beforeAll(async () => {
  vi.stubEnv('FAILOVER_LOCK_TABLE', TABLE);
  await arrange.dynamoDb(REGION).send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'planName', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'planName', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await s3().send(
    new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
  );
  const sfn = arrange.sfn(REGION);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: 'shop-prod-failover',
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
      roleArn: 'arn:aws:iam::123456789012:role/contract',
    }),
  );
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: 'drill-1', input: '{}' }),
  );
  executionArn = started.executionArn ?? '';
  const deadline = Date.now() + 10_000;
  while ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status !== 'SUCCEEDED') {
    if (Date.now() > deadline) throw new Error('moto did not finish the execution in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // What the replica kind recorded for this execution (the record lives in the execution's region).
  await writeProgress({ planName: plan.name, executionId: executionArn }, 'rds-replica', [
    {
      status: 'promoted',
      replica: 'shop-db-replica',
      message: 'shop-db-replica is standalone and available',
    },
  ]);
  stepCalls.length = 0;
});

describe('write-report', () => {
  it('puts the HTML and JSON report of a finished execution into the bucket, with what the record says', async () => {
    // Act
    const written = await writeExecutionReport(statusChange('SUCCEEDED'), plan, BUCKET);

    // Assert
    const keys = reportKeys(plan.name, 'drill-1');
    expect(written).toEqual({ bucket: BUCKET, htmlKey: keys.html, jsonKey: keys.json, outcome: 'succeeded' });
    const facts = JSON.parse(await objectText(keys.json)) as FailoverReport;
    expect(facts).toMatchObject({
      executionName: 'drill-1',
      executionArn,
      source: 'live',
      outcome: 'succeeded',
    });
    expect(facts.resources?.[0]).toMatchObject({ label: 'shop-db-replica', status: 'promoted' });
    const html = await objectText(keys.html);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('shop-db-replica is standalone and available');
    expectStepCommandsSentToMoto('write-report', motoEndpoint(), [
      'DescribeExecutionCommand',
      'GetItemCommand',
    ]);
  });

  it('leaves a running execution alone and rejects what is not a status change event', async () => {
    stepCalls.length = 0;

    const running = await writeExecutionReport(statusChange('RUNNING'), plan, BUCKET);
    const error = await rejectionOf(writeExecutionReport({ detail: {} }, plan, BUCKET));

    expect(running).toEqual({ skipped: `${executionArn} is RUNNING` });
    expect(error.message).toMatch(/^not a Step Functions Execution Status Change event/);
    expect(stepCalls).toEqual([]);
  });
});
