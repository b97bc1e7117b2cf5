import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../../common/clients/lambda.js';
import { describeError } from '../../common/errors.js';
import { nowIso } from '../../common/step-handler.js';
import { functionArnParts, type CustomHookPlan } from './definition.js';
import type { AttemptOutcome, HookInput } from './types.js';

/** The most of a hook's answer (or error) a notice quotes. */
const EXCERPT_CHARACTERS = 300;

const excerpt = (text: string): string =>
  text.length <= EXCERPT_CHARACTERS ? text : `${text.slice(0, EXCERPT_CHARACTERS)}…`;

/** A function error's payload is `{"errorType","errorMessage"}` (Lambda developer guide, "Invoke"). */
function functionErrorText(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string')
      return typeof parsed.errorType === 'string'
        ? `${parsed.errorType}: ${parsed.errorMessage}`
        : parsed.errorMessage;
  } catch {
    // not JSON: quote it as it came
  }
  return payload;
}

/**
 * Invokes the hook once, synchronously (RequestResponse), and says how it ended:
 * - `succeeded`: status 200 without `FunctionError`;
 * - `failed`: the function raised (`FunctionError` set: its payload holds the error, a function
 *   timeout included), or Lambda refused the call with a 4xx error (not found, throttled, access
 *   denied: the function did not run);
 * - `unknown`: no answer within `timeoutSeconds` (the SDK's request timeout), a broken connection
 *   or a 5xx: the function may have run, and may still be running.
 * One HTTP attempt only (maxAttempts 1): the SDK's own retries would invoke again behind our back.
 */
export async function invokeHook(hook: CustomHookPlan, input: HookInput): Promise<AttemptOutcome> {
  const region = functionArnParts(hook.functionArn)?.region ?? input.recoveryRegion;
  const client = lambdaClient(region, { requestTimeoutMs: hook.timeoutSeconds * 1000, maxAttempts: 1 });
  const attempt = input.attempt;
  try {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: hook.functionArn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(input)),
      }),
    );
    const payload = response.Payload === undefined ? '' : new TextDecoder().decode(response.Payload);
    if (response.FunctionError !== undefined) {
      return {
        attempt,
        outcome: 'failed',
        detail: `function error (${response.FunctionError}): ${excerpt(functionErrorText(payload))}`,
        at: nowIso(),
      };
    }
    return {
      attempt,
      outcome: 'succeeded',
      detail: `answered ${excerpt(payload) || '(no payload)'}`,
      at: nowIso(),
    };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // A 4xx error response (not found, throttled, access denied) means the function did not run; a
    // 5xx or no response at all does not say whether it ran.
    const answered = status !== undefined && status < 500 && (error as Error).name !== 'TimeoutError';
    return {
      attempt,
      outcome: answered ? 'failed' : 'unknown',
      detail: answered
        ? `Lambda refused the invocation: ${describeError(error)}`
        : `no answer within ${hook.timeoutSeconds}s (${describeError(error)}): it may have run`,
      at: nowIso(),
    };
  }
}
