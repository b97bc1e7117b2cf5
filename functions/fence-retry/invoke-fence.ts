import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../common/clients/lambda.js';
import { functionArnVariable } from '../kinds/kind-definition.js';
import type { KindStepInput } from '../kinds/kind-step.js';
import type { Fencer } from './fence-retry.js';

/**
 * The deployed retry's Fencer: invokes the kind's own function (the one the workflow's Fence step
 * invokes, functions/kinds/<kind>/handler.ts) with action `fence`, so the kind's runtime does the
 * fencing with the kind's own permissions and the retry holds none on the plan's resources. The
 * construct sets each fencing kind's function ARN in `<Kind>FunctionArn` (functionArnVariable).
 */

/** Longer than a kind function's timeout (at most 60 s): one attempt, the next run is the retry. */
const INVOKE_ONCE = { requestTimeoutMs: 75_000, maxAttempts: 1 } as const;

/** The kind's function failed (its error type and message), or Lambda did. */
export class FenceInvocationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FenceInvocationError';
  }
}

export const invokeKindFence =
  (environment: Readonly<Record<string, string | undefined>>): Fencer =>
  async (kind, context) => {
    const variable = functionArnVariable(kind);
    const functionArn = environment[variable];
    if (functionArn === undefined || functionArn === '')
      throw new FenceInvocationError(`${variable} is not set: the retry does not know the ${kind} function`);
    const input: KindStepInput = {
      action: 'fence',
      executionId: context.scope.executionId,
      dryRun: false,
      triggerKind: 'alarm',
      direction: 'failover',
    };
    const region = functionArn.split(':')[3] ?? context.plan.recoveryRegion;
    const response = await lambdaClient(region, INVOKE_ONCE).send(
      new InvokeCommand({
        FunctionName: functionArn,
        Payload: new TextEncoder().encode(JSON.stringify(input)),
      }),
    );
    const text = response.Payload === undefined ? 'null' : new TextDecoder().decode(response.Payload);
    if (response.FunctionError !== undefined) {
      const payload = JSON.parse(text) as { errorType?: string; errorMessage?: string } | null;
      throw new FenceInvocationError(
        `${kind} fence: ${payload?.errorType ?? response.FunctionError}: ${payload?.errorMessage ?? text}`,
      );
    }
    return JSON.parse(text) as unknown;
  };
