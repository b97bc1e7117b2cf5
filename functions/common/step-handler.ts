import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AsyncLocalStorage } from 'node:async_hooks';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: 'failover-orchestrator' });

/**
 * Wraps one step's logic as a Lambda handler. Handlers are adapters only: the logic takes the
 * step input and returns the step output, and never sees Lambda or middy types. An error
 * thrown by the logic keeps its `name`, which Step Functions reports as the error code the
 * ASL's Retry and Catch match on.
 */
export function stepHandler<Input, Output>(step: string, logic: (input: Input) => Promise<Output>) {
  return middy(
    async (input: Input, context: Context): Promise<Output> => {
      logger.appendKeys({ step });
      const remaining = context.getRemainingTimeInMillis?.();
      const deadline = remaining === undefined ? undefined : Date.now() + remaining;
      try {
        const output = await invocationDeadline.run(deadline, () => logic(input));
        logger.info('step succeeded', { output: output as Record<string, unknown> });
        return output;
      } catch (error) {
        logger.error('step failed', error as Error);
        throw error;
      }
    },
    // No early timeout: a function that runs out of time fails as Lambda fails it
    // (Sandbox.Timedout, which the definition's Retry and Catch and the local engine know), not
    // with middy's TimeoutError 5 ms before, which reads like an SDK call's timeout.
    { timeoutEarlyInMillis: 0 },
  ).use(injectLambdaContext(logger, { resetKeys: true }));
}

const invocationDeadline = new AsyncLocalStorage<number | undefined>();

/**
 * Milliseconds this invocation has left before the function timeout (Lambda's
 * `getRemainingTimeInMillis`), or `undefined` outside a step handler (a test calling the logic).
 * A step that must answer before its timeout, whatever its calls do, spends its time by this.
 */
export function remainingTimeMs(): number | undefined {
  const deadline = invocationDeadline.getStore();
  return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
}

/**
 * `work`'s result if it settles within `ms`, else `undefined` (its promise is left to settle on
 * its own; an error it ends with after that is dropped). For best-effort reads a step can do
 * without. The timer is the global `setTimeout`, which the local engine's virtual clock drives.
 */
export async function withinTime<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  if (!Number.isFinite(ms)) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The current time as ISO 8601; the local engine's virtual clock drives `Date`. */
export const nowIso = (): string => new Date().toISOString();

/** Seconds elapsed since an ISO timestamp. */
export const secondsSince = (iso: string): number => (Date.now() - Date.parse(iso)) / 1000;
