import '../unit/support/aws-sdk-matchers.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { invokeKindFence } from '../../functions/fence-retry/invoke-fence.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { examplePlan } from '../fixtures/plans.js';

const lambda = mockClient(LambdaClient);
const FUNCTION = 'arn:aws:lambda:us-west-2:111111111111:function:shop-prod-rds-replica';
const FAILOVER = 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:alarm-1';
const context: KindContext = {
  plan: examplePlan(),
  scope: { planName: 'shop-prod', executionId: FAILOVER },
  dryRun: false,
  planned: false,
  direction: 'failover',
};
/** The SDK's response payload: bytes that can also say themselves as a string. */
const bytes = (value: unknown) => {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
};

beforeEach(() => {
  setClientInterceptor(undefined);
  lambda.reset();
});

describe('the deployed retry fences through the kind function (invokeKindFence)', () => {
  it("invokes the kind's function with action fence on the failover's execution, and returns its summary", async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: bytes({ kind: 'rds-replica', done: true }) });
    const fence = invokeKindFence({ RdsReplicaFunctionArn: FUNCTION });

    await expect(fence('rds-replica', context)).resolves.toEqual({ kind: 'rds-replica', done: true });

    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.FunctionName).toBe(FUNCTION);
    const payload = JSON.parse(
      new TextDecoder().decode(calls[0]?.args[0].input.Payload as Uint8Array),
    ) as unknown;
    expect(payload).toEqual({
      action: 'fence',
      executionId: FAILOVER,
      dryRun: false,
      triggerKind: 'alarm',
      direction: 'failover',
    });
  });

  it("fails with the kind function's error when the function failed", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'TimeoutError', errorMessage: 'us-east-1 did not answer' }),
    });
    await expect(
      invokeKindFence({ RdsReplicaFunctionArn: FUNCTION })('rds-replica', context),
    ).rejects.toThrow('rds-replica fence: TimeoutError: us-east-1 did not answer');
  });

  it('invokes nothing when the function ARN is not set', async () => {
    await expect(invokeKindFence({})('auto-scaling-group', context)).rejects.toThrow(
      'AutoScalingGroupFunctionArn is not set',
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
