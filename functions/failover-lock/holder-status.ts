import { DescribeExecutionCommand, ExecutionDoesNotExist, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../common/clients/sfn.js';
import { describeError } from '../common/errors.js';

/** DescribeExecution's status, or NOT_FOUND when the execution does not exist (or aged out of the 90-day history). */
export type HolderStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE' | 'NOT_FOUND';

/** The region of an execution ARN (`arn:aws:states:<region>:…`): the state machine's, the recovery region. */
const regionOf = (executionArn: string): string => executionArn.split(':')[3] ?? '';

/**
 * Whether the execution holding the lock is still running. Anything but RUNNING means it will
 * never release the lock itself (it failed without reaching its release, was stopped, timed out,
 * or is waiting for a redrive), so the lock may be taken over. An error other than "does not
 * exist" is thrown: without an answer the lock must not be taken.
 */
export async function holderStatus(executionArn: string): Promise<HolderStatus> {
  try {
    const response = await sfnClient(regionOf(executionArn)).send(
      new DescribeExecutionCommand({ executionArn }),
    );
    return response.status ?? 'NOT_FOUND';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return 'NOT_FOUND';
    throw error;
  }
}

/**
 * Stops a dry-run drill that a live failover took the lock from. Best effort: the drill makes no
 * change either way, and its own release cannot free a lock it no longer holds.
 */
export async function stopPreemptedDrill(
  executionArn: string,
  byExecution: string,
): Promise<{ stopped: boolean; stopMessage: string }> {
  try {
    await sfnClient(regionOf(executionArn)).send(
      new StopExecutionCommand({
        executionArn,
        error: 'FailoverPreempted',
        cause: `A live failover (execution ${byExecution}) took the failover lock: a dry run never delays a real failover.`,
      }),
    );
    return { stopped: true, stopMessage: `stopped dry-run execution ${executionArn}` };
  } catch (error) {
    return {
      stopped: false,
      stopMessage: `could not stop dry-run execution ${executionArn} (${describeError(error)}); it is read-only and no longer holds the lock`,
    };
  }
}
