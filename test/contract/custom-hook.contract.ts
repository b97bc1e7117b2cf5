import { beforeAll, describe, expect, it } from 'vitest';
import type { CustomHookPlan } from '../../functions/kinds/custom-hook/definition.js';
import { invokeHook } from '../../functions/kinds/custom-hook/invoke-hook.js';
import { kindReadiness } from '../../functions/kinds/custom-hook/readiness.js';
import type { HookInput } from '../../functions/kinds/custom-hook/types.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import { contractPlan, createEchoFunction, MOTO_ACCOUNT, motoEndpoint, RECOVERY } from './support.js';

/**
 * The custom hook kind's calls (Invoke, GetFunctionConfiguration) over HTTP against moto.
 *
 * moto runs a function's code only in Docker; without it (`{"lambda": {"use_docker": false}}`,
 * its "simple" Lambda backend, set through its /moto-api/config for this server) Invoke
 * answers 200 with the request's payload echoed and never sets FunctionError, whatever the
 * function name. So this file checks the request and response shapes over the wire (the hook's
 * event arrives as sent, RequestResponse answers 200 with a payload the kind reads); function
 * errors and timeouts, which moto cannot produce, are in test/kinds/custom-hook (the SDK
 * mocked, and the simulated Lambda).
 */

const NAME = 'contract-warm-caches';
const ARN = `arn:aws:lambda:${RECOVERY}:${MOTO_ACCOUNT}:function:${NAME}`;
const hook: CustomHookPlan = {
  name: 'warm-caches',
  functionArn: ARN,
  timeoutSeconds: 10,
  retries: 0,
  blocking: true,
};

beforeAll(async () => {
  expect(await createEchoFunction(NAME, 10)).toBe(ARN);
});

describe('invokeHook over HTTP', () => {
  it('invokes RequestResponse with the hook input as the event, and reads a 200 without FunctionError as success', async () => {
    const input: HookInput = {
      planName: 'shop-prod',
      hook: 'warm-caches',
      direction: 'failover',
      phase: 'recover',
      dryRun: false,
      trigger: 'drill',
      executionId: `arn:aws:states:${RECOVERY}:${MOTO_ACCOUNT}:execution:shop-prod-failover:contract-hook`,
      attempt: 1,
      primaryRegion: 'us-east-1',
      recoveryRegion: RECOVERY,
      gates: [{ kind: 'rds-replica', resources: 1, skipped: 0, maxLagSeconds: 3 }],
    };

    const outcome = await invokeHook(hook, input);

    // moto's simple backend answers with the event it received: it went over the wire unchanged
    // (the notice quotes at most 300 characters of an answer).
    expect(outcome).toMatchObject({ attempt: 1, outcome: 'succeeded' });
    expect(outcome.detail).toBe(`answered ${JSON.stringify(input).slice(0, 300)}…`);
  });
});

describe('the hook readiness check over HTTP', () => {
  it("reads the function's state and timeout with GetFunctionConfiguration", async () => {
    const plan = contractPlan((document) => {
      document.hooks = [{ name: 'warm-caches', functionArn: ARN, timeoutSeconds: 10 }];
    });

    const checks = await kindReadiness(plan);

    expect(checks).toEqual([
      expect.objectContaining({ check: 'hook-function', status: 'pass' }),
      expect.objectContaining({
        check: 'hook-timeout',
        status: 'pass',
        reason: 'hook warm-caches: function timeout 10s <= plan timeoutSeconds 10',
      }),
    ]);
  });
});

describe('the custom hook steps over HTTP', () => {
  it('sent Invoke and GetFunctionConfiguration to the moto server only', () => {
    expectStepCommandsSentToMoto('custom-hook', motoEndpoint());
  });
});
