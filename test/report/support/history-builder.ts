import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

/**
 * Writes a Step Functions execution history the way GetExecutionHistory returns it (oldest
 * first, ids from 1, each event's previousEventId naming the event it follows in its own
 * branch), for a Lambda-backed workflow like state-machines/failover.asl.json.
 */

type StateKind = 'Task' | 'Choice' | 'Pass' | 'Wait' | 'Succeed' | 'Map' | 'Parallel';

export interface TaskOptions {
  readonly input?: unknown;
  readonly output?: unknown;
  /** Seconds the Lambda runs (each attempt). @default 0.5 */
  readonly seconds?: number;
  /** Attempts that fail before the one that succeeds (each is retried by the ASL's Retry). */
  readonly retriedErrors?: readonly { readonly error: string; readonly cause: string }[];
  /** The final attempt fails with this; `caught` exits the state through its Catch. */
  readonly failure?: { readonly error: string; readonly cause: string; readonly caught: boolean };
}

export const lambdaCause = (errorType: string, errorMessage: string): string =>
  JSON.stringify({ errorType, errorMessage, trace: [] });

export class HistoryBuilder {
  public readonly events: HistoryEvent[] = [];
  private clockMs: number;

  public constructor(
    start: string,
    private readonly executionArn: string,
  ) {
    this.clockMs = Date.parse(start);
  }

  /** Moves the clock on by `seconds`. */
  public after(seconds: number): this {
    this.clockMs += Math.round(seconds * 1000);
    return this;
  }

  public started(input: unknown): this {
    this.push('ExecutionStarted', undefined, {
      executionStartedEventDetails: {
        input: JSON.stringify(input),
        roleArn: 'arn:aws:iam::111111111111:role/failover',
      },
    });
    return this;
  }

  /** A state entered and, after `seconds`, exited; returns the builder. Inputs carry the Map item. */
  public state(
    kind: Exclude<StateKind, 'Task'>,
    name: string,
    options: { input?: unknown; output?: unknown; seconds?: number } = {},
  ): this {
    const entered = this.enter(kind, name, options.input);
    this.after(options.seconds ?? 0);
    this.exit(kind, name, options.output ?? options.input, entered);
    return this;
  }

  public enter(kind: StateKind | 'Fail', name: string, input?: unknown, previous?: number): number {
    return this.push(`${kind}StateEntered` as HistoryEventType, previous, {
      stateEnteredEventDetails: { name, input: JSON.stringify(input ?? {}) },
    });
  }

  public exit(kind: StateKind, name: string, output: unknown, previous: number): number {
    return this.push(`${kind}StateExited` as HistoryEventType, previous, {
      stateExitedEventDetails: { name, output: JSON.stringify(output ?? {}) },
    });
  }

  /** A Lambda Task state: entered, one or more attempts, exited (unless the failure is uncaught). */
  public task(name: string, options: TaskOptions = {}): this {
    const seconds = options.seconds ?? 0.5;
    let previous = this.enter('Task', name, options.input);
    const resource = `arn:aws:lambda:us-west-2:111111111111:function:failover-${name.toLowerCase().replace(/\W+/g, '-')}`;
    const attempt = (outcome: { error: string; cause: string } | undefined) => {
      previous = this.push('LambdaFunctionScheduled', previous, {
        lambdaFunctionScheduledEventDetails: { resource, input: JSON.stringify(options.input ?? {}) },
      });
      previous = this.push('LambdaFunctionStarted', previous);
      this.after(seconds);
      previous =
        outcome === undefined
          ? this.push('LambdaFunctionSucceeded', previous, {
              lambdaFunctionSucceededEventDetails: { output: JSON.stringify(options.output ?? {}) },
            })
          : this.push('LambdaFunctionFailed', previous, { lambdaFunctionFailedEventDetails: outcome });
    };
    for (const retried of options.retriedErrors ?? []) {
      attempt(retried);
      this.after(1);
    }
    attempt(options.failure);
    if (options.failure === undefined || options.failure.caught)
      this.exit('Task', name, options.output ?? options.input, previous);
    return this;
  }

  public failState(name: string, input?: unknown): this {
    this.enter('Fail', name, input);
    return this;
  }

  /** Container bookkeeping events (no name): MapStateStarted, MapIterationStarted, MapStateFailed … */
  public event(type: HistoryEventType, details: Partial<HistoryEvent> = {}): this {
    this.push(type, undefined, details);
    return this;
  }

  public succeeded(output: unknown): this {
    this.push('ExecutionSucceeded', undefined, {
      executionSucceededEventDetails: { output: JSON.stringify(output) },
    });
    return this;
  }

  public failed(error: string, cause: string): this {
    this.push('ExecutionFailed', undefined, { executionFailedEventDetails: { error, cause } });
    return this;
  }

  /** Someone stopped the execution (StopExecution): status ABORTED. */
  public stopped(): this {
    this.push('ExecutionAborted', undefined, {
      executionAbortedEventDetails: { error: 'Stopped', cause: 'stopped by sre' },
    });
    return this;
  }

  public get arn(): string {
    return this.executionArn;
  }

  private push(
    type: HistoryEventType,
    previous: number | undefined,
    details: Partial<HistoryEvent> = {},
  ): number {
    const id = this.events.length + 1;
    this.events.push({
      id,
      type,
      timestamp: new Date(this.clockMs),
      previousEventId: previous ?? id - 1,
      ...details,
    });
    return id;
  }
}
