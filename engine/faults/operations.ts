import type { Plan } from '../../functions/common/plan.js';
import type { ReplayResult } from '../runner.js';
import type { CallRecord, SimulatedService } from '../sim/index.js';
import { observeReplay } from './observed-replay.js';

/** One AWS operation the workflow calls, in one region, as seen in a call log. */
export interface WorkflowOperation {
  readonly service: SimulatedService;
  readonly region: string;
  readonly operation: string;
  /** Attempts of this operation in this region in the observed run. */
  readonly attempts: number;
  /** Call number (counted over every region) of its first attempt in this region. */
  readonly firstCallNumber: number;
  /** Call number of its last attempt in this region. */
  readonly lastCallNumber: number;
  readonly mutating: boolean;
}

export const operationKey = (
  operation: Pick<WorkflowOperation, 'service' | 'region' | 'operation'>,
): string => `${operation.service}:${operation.region}:${operation.operation}`;

/** The distinct (service, region, operation) triples of a call log, in order of first call. */
export function operationsOf(calls: readonly CallRecord[]): WorkflowOperation[] {
  const found = new Map<string, WorkflowOperation>();
  for (const call of calls) {
    const key = operationKey(call);
    const seen = found.get(key);
    found.set(key, {
      service: call.service,
      region: call.region,
      operation: call.operation,
      attempts: (seen?.attempts ?? 0) + 1,
      firstCallNumber: seen?.firstCallNumber ?? call.callNumber,
      lastCallNumber: call.callNumber,
      mutating: call.mutating,
    });
  }
  return [...found.values()];
}

/**
 * The operations a healthy failover of `plan` triggered by `event` calls, read from the call
 * log of a fault-free replay. Deriving them (rather than listing them) means an operation a
 * step starts to call later is put under fault without anyone remembering to add it.
 * Returns the healthy replay too (the Lambda matrix reads its Task states).
 * @throws Error when the healthy replay itself does not succeed: the matrix would be meaningless
 */
export async function discoverOperations(
  plan: Plan,
  event: unknown,
): Promise<{ operations: WorkflowOperation[]; healthy: ReplayResult }> {
  const { result, calls } = await observeReplay(plan, event);
  if (result.outcome !== 'succeeded') {
    throw new Error(
      `the fault-free replay did not succeed (${result.summary}): fix that before running the fault matrix`,
    );
  }
  return { operations: operationsOf(calls), healthy: result };
}
