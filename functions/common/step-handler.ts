import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
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
  return middy(async (input: Input, _context: Context): Promise<Output> => {
    logger.appendKeys({ step });
    try {
      const output = await logic(input);
      logger.info('step succeeded', { output: output as Record<string, unknown> });
      return output;
    } catch (error) {
      logger.error('step failed', error as Error);
      throw error;
    }
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The current time as ISO 8601; the local engine's virtual clock drives `Date`. */
export const nowIso = (): string => new Date().toISOString();

/** Seconds elapsed since an ISO timestamp. */
export const secondsSince = (iso: string): number => (Date.now() - Date.parse(iso)) / 1000;
