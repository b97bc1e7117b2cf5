import '../../unit/support/aws-sdk-matchers.js';
import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import type { CustomHookPlan } from '../../../functions/kinds/custom-hook/definition.js';
import { invokeHook } from '../../../functions/kinds/custom-hook/invoke-hook.js';
import type { HookInput } from '../../../functions/kinds/custom-hook/types.js';

/** One invocation of a user's hook with the Lambda client mocked: how each answer is read. */

const lambda = mockClient(LambdaClient);
const ARN = 'arn:aws:lambda:us-west-2:111111111111:function:shop-warm-caches';
const hook: CustomHookPlan = {
  name: 'warm-caches',
  functionArn: ARN,
  timeoutSeconds: 30,
  retries: 0,
  blocking: true,
};
const input: HookInput = {
  planName: 'shop-prod',
  hook: 'warm-caches',
  direction: 'failover',
  phase: 'recover',
  dryRun: false,
  trigger: 'alarm',
  executionId: 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:run-1',
  attempt: 1,
  primaryRegion: 'us-east-1',
  recoveryRegion: 'us-west-2',
  gates: [{ kind: 'rds-replica', resources: 1, skipped: 0, maxLagSeconds: 4 }],
};
/** The SDK's response payload: bytes that can also say themselves as a string. */
const payload = (value: unknown) => {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
};

beforeEach(() => {
  setClientInterceptor(undefined);
  lambda.reset();
});

describe('invokeHook', () => {
  it('invokes the function synchronously with the hook input as its event, and succeeds on a 200 without FunctionError', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ warmed: 12 }) });

    const outcome = await invokeHook(hook, input);

    expect(outcome).toMatchObject({ attempt: 1, outcome: 'succeeded', detail: 'answered {"warmed":12}' });
    const sent = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ FunctionName: ARN, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(sent?.Payload as Uint8Array))).toEqual(input);
  });

  it('fails on a FunctionError, quoting the error type and message of the payload', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'RequestId: 1 Error: Task timed out after 30.00 seconds',
      }),
    });

    const outcome = await invokeHook(hook, input);

    expect(outcome).toMatchObject({
      outcome: 'failed',
      detail:
        'function error (Unhandled): Sandbox.Timedout: RequestId: 1 Error: Task timed out after 30.00 seconds',
    });
  });

  it.each([
    [
      'a missing function (404)',
      new ResourceNotFoundException({
        message: `Function not found: ${ARN}`,
        $metadata: { httpStatusCode: 404 },
      }),
    ],
    [
      'throttling (429)',
      new TooManyRequestsException({ message: 'Rate Exceeded.', $metadata: { httpStatusCode: 429 } }),
    ],
  ])('fails, without doubt that the function did not run, on %s', async (_case, error) => {
    lambda.on(InvokeCommand).rejects(error);

    const outcome = await invokeHook(hook, input);

    expect(outcome.outcome).toBe('failed');
    expect(outcome.detail).toMatch(/^Lambda refused the invocation: /);
  });

  it.each([
    ['no answer within the timeout', Object.assign(new Error('request timed out'), { name: 'TimeoutError' })],
    ['a Lambda 5xx', new ServiceException({ message: 'internal', $metadata: { httpStatusCode: 500 } })],
  ])('calls the outcome unknown (the function may have run) on %s', async (_case, error) => {
    lambda.on(InvokeCommand).rejects(error);

    const outcome = await invokeHook(hook, input);

    expect(outcome.outcome).toBe('unknown');
    expect(outcome.detail).toMatch(/^no answer within 30s .*: it may have run$/);
  });

  it('sends one HTTP attempt only, so the SDK never invokes the hook again behind its back', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(new ServiceException({ message: 'internal', $metadata: { httpStatusCode: 500 } }));

    await invokeHook(hook, input);

    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(await lambda.send.firstCall.thisValue.config.maxAttempts()).toBe(1);
  });
});
