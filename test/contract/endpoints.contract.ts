import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { DescribeParametersCommand } from '@aws-sdk/client-ssm';
import type { MetadataBearer } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { autoScalingClient } from '../../functions/common/clients/autoscaling.js';
import { cloudWatchClient } from '../../functions/common/clients/cloudwatch.js';
import { dynamoDbClient } from '../../functions/common/clients/dynamodb.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { sfnClient } from '../../functions/common/clients/sfn.js';
import { snsClient } from '../../functions/common/clients/sns.js';
import { ssmClient } from '../../functions/common/clients/ssm.js';
import { recordStepCalls, stepCalls } from './step-calls.js';
import { motoEndpoint, RECOVERY } from './support.js';

/**
 * The step clients set no endpoint: deployed, the SDK picks the regional one; here the SDK's own
 * `AWS_ENDPOINT_URL` sends them to moto (every other contract file relies on that). The
 * per-service variable, named after the service id, must win over it.
 */

/** Nothing listens on port 1: a request that ignores the per-service variable is refused. */
const REFUSED = 'http://127.0.0.1:1';

afterEach(() => {
  vi.stubEnv('AWS_ENDPOINT_URL', motoEndpoint());
});

describe('AWS_ENDPOINT_URL_<SERVICE> with the installed SDK', () => {
  it.each<[string, () => Promise<MetadataBearer>]>([
    ['AWS_ENDPOINT_URL_RDS', () => rdsClient(RECOVERY).send(new DescribeDBInstancesCommand({}))],
    [
      'AWS_ENDPOINT_URL_AUTO_SCALING',
      () => autoScalingClient(RECOVERY).send(new DescribeAutoScalingGroupsCommand({})),
    ],
    ['AWS_ENDPOINT_URL_CLOUDWATCH', () => cloudWatchClient(RECOVERY).send(new DescribeAlarmsCommand({}))],
    ['AWS_ENDPOINT_URL_SSM', () => ssmClient(RECOVERY).send(new DescribeParametersCommand({}))],
    ['AWS_ENDPOINT_URL_SNS', () => snsClient(RECOVERY).send(new ListTopicsCommand({}))],
    ['AWS_ENDPOINT_URL_DYNAMODB', () => dynamoDbClient(RECOVERY).send(new ListTablesCommand({}))],
    ['AWS_ENDPOINT_URL_SFN', () => sfnClient(RECOVERY).send(new ListStateMachinesCommand({}))],
  ])('sends a step client to %s rather than to AWS_ENDPOINT_URL', async (variable, call) => {
    // Arrange: new clients, since a client resolves its endpoint once, on its first request.
    vi.stubEnv('AWS_ENDPOINT_URL', REFUSED);
    vi.stubEnv(variable, motoEndpoint());
    setClientInterceptor(recordStepCalls);

    try {
      // Act
      const output = await call();

      // Assert
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(stepCalls.at(-1)?.origin).toBe(motoEndpoint());
    } finally {
      vi.stubEnv(variable, undefined);
      setClientInterceptor(recordStepCalls);
    }
  });
});
