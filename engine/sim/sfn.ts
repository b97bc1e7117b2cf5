import type {
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  ExecutionStatus,
  SendTaskFailureCommandInput,
  SendTaskFailureCommandOutput,
  SendTaskSuccessCommandInput,
  SendTaskSuccessCommandOutput,
  StopExecutionCommandInput,
  StopExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { fail, required } from './sdk-errors.js';
import type { CallContext } from './world.js';

/**
 * Step Functions, as far as the failover lock asks it: is the execution that holds the lock
 * still running (DescribeExecution), and stop a dry-run drill a real failover preempts
 * (StopExecution); and the task tokens of the callback pattern (the manual approval), answered by
 * SendTaskSuccess and SendTaskFailure. The answers come from a registry the local runner keeps: it registers every
 * execution it starts and reports how each ended. Tests may also record executions that ran
 * "before" the replay, e.g. one that crashed while holding the lock.
 */

export type { ExecutionStatus };

export interface ExecutionSnapshot {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly startDate: string;
  readonly stopDate: string | null;
  readonly error: string | null;
  readonly cause: string | null;
}

interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  error?: string;
  cause?: string;
  /** Stops the local run; absent for executions recorded by hand. */
  readonly stop?: (error: string, cause: string) => void;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

/** `arn:…:states:<region>:<account>:execution:<state machine>:<name>` → its state machine ARN. */
export function stateMachineArnOf(executionArn: string): string {
  const match = ARN.exec(executionArn);
  if (!match) throw new Error(`not an execution ARN: ${executionArn}`);
  const [, region, account, machine] = match;
  return `arn:aws:states:${region}:${account}:stateMachine:${machine}`;
}

/** How a waiting Task ended: its result, or its error (`name` is what the definition's Catch matches). */
export type TaskAnswer =
  { readonly output: unknown } | { readonly error: { readonly name: string; readonly cause: string } };

/** A Task of the callback pattern that waits for its token to be answered. */
export interface WaitingTask {
  readonly token: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** When the Task times out (epoch ms): its TimeoutSeconds after it was entered. */
  readonly deadlineMs: number;
}

interface TokenRecord {
  readonly executionArn: string;
  status: 'open' | 'answered' | 'closed';
  answer?: TaskAnswer;
  deliver?: (answer: TaskAnswer) => void;
}

export class SimulatedStepFunctions {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private issued = 0;
  /** Called when a Task starts waiting for its token (the runner's simulated approver). */
  public onTaskWaiting: ((task: WaitingTask) => void) | undefined;

  public readonly operations = {
    DescribeExecution: (input: DescribeExecutionCommandInput, call: CallContext) =>
      this.describe(input, call),
    StopExecution: (input: StopExecutionCommandInput, call: CallContext) => this.stopExecution(input, call),
    SendTaskSuccess: (input: SendTaskSuccessCommandInput) => this.sendTaskSuccess(input),
    SendTaskFailure: (input: SendTaskFailureCommandInput) => this.sendTaskFailure(input),
  };

  /**
   * A new task token for `$$.Task.Token`: opaque, unique, bound to its execution. Tokens that no
   * Task ends up waiting on are never answered, as in AWS.
   */
  public issueToken(executionArn: string): string {
    this.issued += 1;
    const token = `local-task-token-${this.issued}-${Buffer.from(executionArn).toString('base64url')}`;
    this.tokens.set(token, { executionArn, status: 'open' });
    return token;
  }

  /** The issued token among a Task's payload values (the Parameters put `$$.Task.Token` anywhere). */
  public tokenIn(payload: unknown): string | undefined {
    if (typeof payload === 'string') return this.tokens.has(payload) ? payload : undefined;
    if (payload === null || typeof payload !== 'object') return undefined;
    for (const value of Object.values(payload)) {
      const found = this.tokenIn(value);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The Task waits until its token is answered (an answer that came first is delivered at once),
   * or until its deadline closes the token: Step Functions then fails the Task with States.Timeout
   * itself, and a late answer gets TaskTimedOut.
   */
  public waitForAnswer(task: WaitingTask): Promise<TaskAnswer> {
    const record = this.tokens.get(task.token);
    if (record === undefined) throw new Error(`no task token ${task.token} was issued`);
    const answered = new Promise<TaskAnswer>((resolve) => {
      if (record.answer !== undefined) resolve(record.answer);
      else record.deliver = resolve;
    });
    setTimeout(
      () => {
        if (record.status === 'open') record.status = 'closed';
      },
      Math.max(0, task.deadlineMs - Date.now()),
    );
    this.onTaskWaiting?.(task);
    return answered;
  }

  private answer(token: string | undefined, answer: TaskAnswer): Record<string, never> {
    const record = this.tokens.get(required(token, 'taskToken', 'ValidationException'));
    if (record === undefined) throw fail('InvalidToken', 400, 'Invalid Token');
    if (record.status !== 'open' || this.executions.get(record.executionArn)?.status !== 'RUNNING')
      throw fail('TaskTimedOut', 400, 'Task Timed Out');
    record.status = 'answered';
    record.answer = answer;
    record.deliver?.(answer);
    return {};
  }

  private sendTaskSuccess(
    input: SendTaskSuccessCommandInput,
  ): Omit<SendTaskSuccessCommandOutput, '$metadata'> {
    const text = required(input.output, 'output', 'ValidationException');
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch {
      throw fail('InvalidOutput', 400, 'Invalid Output');
    }
    return this.answer(input.taskToken, { output });
  }

  private sendTaskFailure(
    input: SendTaskFailureCommandInput,
  ): Omit<SendTaskFailureCommandOutput, '$metadata'> {
    return this.answer(input.taskToken, {
      error: { name: input.error ?? '', cause: input.cause ?? '' },
    });
  }

  /** The runner registers each execution as it starts; `stop` aborts the local run. */
  public started(executionArn: string, input: unknown, stop?: (error: string, cause: string) => void): void {
    const match = ARN.exec(executionArn);
    if (!match) throw new Error(`not an execution ARN: ${executionArn}`);
    this.executions.set(executionArn, {
      executionArn,
      stateMachineArn: stateMachineArnOf(executionArn),
      name: match[4] ?? '',
      input: JSON.stringify(input ?? null),
      startDate: new Date(Date.now()),
      status: 'RUNNING',
      ...(stop ? { stop } : {}),
    });
  }

  /** The runner reports how an execution ended (a stopped one stays ABORTED). */
  public ended(
    executionArn: string,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    failure?: { error: string; cause: string },
  ): void {
    const record = this.executions.get(executionArn);
    if (!record || record.status !== 'RUNNING') return;
    record.status = status;
    record.stopDate = new Date(Date.now());
    if (failure) Object.assign(record, failure);
  }

  /** Records an execution that ran before the replay (e.g. crashed while it held the lock). */
  public record(executionArn: string, status: ExecutionStatus, startDate: Date): void {
    this.started(executionArn, {});
    const record = this.executions.get(executionArn)!;
    Object.assign(record, { startDate, status, ...(status === 'RUNNING' ? {} : { stopDate: startDate }) });
  }

  public status(executionArn: string): ExecutionStatus | undefined {
    return this.executions.get(executionArn)?.status;
  }

  public snapshot(): ExecutionSnapshot[] {
    return [...this.executions.values()].map((record) => ({
      executionArn: record.executionArn,
      status: record.status,
      startDate: record.startDate.toISOString(),
      stopDate: record.stopDate?.toISOString() ?? null,
      error: record.error ?? null,
      cause: record.cause ?? null,
    }));
  }

  private find(executionArn: string | undefined, call: CallContext): ExecutionRecord {
    const arn = required(executionArn, 'executionArn', 'ValidationException');
    const match = ARN.exec(arn);
    if (!match)
      throw fail('InvalidArn', 400, `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const record = this.executions.get(arn);
    // An execution of another region is not visible through this region's endpoint.
    if (!record || match[1] !== call.region)
      throw fail('ExecutionDoesNotExist', 400, `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private describe(
    input: DescribeExecutionCommandInput,
    call: CallContext,
  ): Omit<DescribeExecutionCommandOutput, '$metadata'> {
    const record = this.find(input.executionArn, call);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      input: record.input,
      ...(record.stopDate ? { stopDate: record.stopDate } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  }

  private stopExecution(
    input: StopExecutionCommandInput,
    call: CallContext,
  ): Omit<StopExecutionCommandOutput, '$metadata'> {
    const record = this.find(input.executionArn, call);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.stopDate = new Date(call.now);
      record.error = input.error ?? '';
      record.cause = input.cause ?? '';
      record.stop?.(record.error, record.cause);
    }
    return { stopDate: record.stopDate ?? new Date(call.now) };
  }
}
