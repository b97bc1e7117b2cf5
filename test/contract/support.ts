import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
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

/** moto's "simple" Lambda backend: Invoke echoes the payload (no Docker to run code). */
export async function useLambdaWithoutDocker(): Promise<void> {
  const response = await fetch(`${motoEndpoint()}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto refused its Lambda config: HTTP ${response.status}`);
}

/**
 * moto's CreateFunction needs a role Lambda can assume. No IAM client is installed, so this is
 * IAM's query API by hand (moto routes by the credential scope; it does not check signatures).
 */
export async function createLambdaRole(roleName: string): Promise<string> {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const response = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: roleName,
      AssumeRolePolicyDocument: trust,
    }).toString(),
  });
  const body = await response.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(body)?.[1];
  if (!response.ok || arn === undefined) throw new Error(`moto did not create the role ${roleName}: ${body}`);
  return arn;
}

/** A function for Invoke to reach: moto's simple backend (see useLambdaWithoutDocker) echoes the event. */
export async function createEchoFunction(name: string, timeoutSeconds: number): Promise<string> {
  await useLambdaWithoutDocker();
  const role = await createLambdaRole(`${name}-role`);
  const { FunctionArn } = await new LambdaClient({ region: RECOVERY, endpoint: motoEndpoint() }).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: role,
      Handler: 'index.handler',
      Code: { ZipFile: new TextEncoder().encode('not run: moto without Docker') },
      Timeout: timeoutSeconds,
    }),
  );
  return FunctionArn ?? '';
}

/** A small standalone PostgreSQL instance's CreateDBInstance fields (the identifier apart). */
export const POSTGRES_INSTANCE = {
  DBInstanceClass: 'db.t3.micro',
  Engine: 'postgres',
  AllocatedStorage: 20,
  MasterUsername: 'shop',
  MasterUserPassword: 'contract-test-only',
} as const;

/** A launch configuration `configuration` and an Auto Scaling group `name` using it, in `region`. */
export async function createScalingGroup(
  region: string,
  configuration: string,
  name: string,
  capacity: { min: number; desired: number; max: number },
): Promise<void> {
  await arrange.autoScaling(region).send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: configuration,
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
    }),
  );
  await arrange.autoScaling(region).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchConfigurationName: configuration,
      MinSize: capacity.min,
      DesiredCapacity: capacity.desired,
      MaxSize: capacity.max,
      AvailabilityZones: [`${region}a`],
    }),
  );
}

/** An Auto Scaling group's capacity as read back in `region`. */
export async function groupCapacityIn(
  region: string,
  name: string,
): Promise<{ min?: number; desired?: number; max?: number }> {
  const { AutoScalingGroups } = await arrange
    .autoScaling(region)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = AutoScalingGroups?.[0];
  return { min: group?.MinSize, desired: group?.DesiredCapacity, max: group?.MaxSize };
}
