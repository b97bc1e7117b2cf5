import type { EventLog } from '../timeline.js';

/**
 * How many events AWS writes to an execution's history for each event of the local engine, per
 * the HistoryEvent types of the Step Functions API
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 *
 * - ExecutionStarted; ExecutionSucceeded / ExecutionFailed / ExecutionAborted / ExecutionTimedOut.
 * - every state: `<Type>StateEntered` and `<Type>StateExited`.
 * - a Task (Lambda or any integration): per attempt `…Scheduled`, `…Started` and one of
 *   `…Succeeded` / `…Failed` / `…TimedOut`; a retry is a new attempt.
 * - Map: MapStateStarted and MapStateSucceeded (or MapStateFailed) besides Entered/Exited, and
 *   MapIterationStarted plus MapIterationSucceeded (or Failed) per iteration, whose states count too.
 * - Parallel: ParallelStateStarted and ParallelStateSucceeded (or Failed); each branch's states
 *   count, the branches themselves write no event.
 *
 * The engine's own StateFailed/StateRetried/StateCaught events are bookkeeping, except where they
 * stand for an AWS event (a failed Task attempt, a failed Map or Parallel, a new Task attempt).
 */
export class HistoryEventCounter {
  public count = 0;
  /** States (name and Map index) whose current run was caught: their StateExited follows a failure. */
  private readonly caught = new Set<string>();

  /** Events `event` stands for in AWS's history. */
  public eventsFor(event: EventLog): number {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return 1;
      case 'ParallelBranchStarted':
      case 'ParallelBranchSucceeded':
      case 'ParallelBranchFailed':
        return 0;
      default:
        return this.stateEventsFor(event);
    }
  }

  private stateEventsFor(event: EventLog): number {
    if (!('state' in event)) return 0;
    const type = event.state.type;
    const worker = type === 'Task' || type === 'Map' || type === 'Parallel';
    const key = `${event.state.name}\u0000${event.index ?? ''}`;
    switch (event.type) {
      case 'StateEntered':
        // Entered, then a Task's Scheduled + Started, or a Map's / Parallel's Started.
        return 1 + (type === 'Task' ? 2 : type === 'Map' || type === 'Parallel' ? 1 : 0);
      case 'StateExited': {
        const afterCatch = this.caught.delete(key);
        // Exited, after the Task attempt's Succeeded or the Map's / Parallel's Succeeded.
        return 1 + (worker && !afterCatch ? 1 : 0);
      }
      case 'StateFailed':
        // The failed attempt's Failed / TimedOut, or MapStateFailed / ParallelStateFailed.
        return worker ? 1 : 0;
      case 'StateRetried':
        // The next attempt: Scheduled + Started, or the Map's / Parallel's Started again.
        return type === 'Task' ? 2 : worker ? 1 : 0;
      case 'StateCaught':
        this.caught.add(key);
        return 0;
      default:
        return 0;
    }
  }
}
