import { StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { describeError } from '../functions/common/errors.js';
import { EXIT, type CliIo } from './cli-io.js';
import { EXIT_INTERRUPTED, type CliEnvironment } from './cli-environment.js';
import { followExecution, type FollowResult } from './execution-follower.js';
import { stepFunctionsClient, type ResolvedStateMachine } from './state-machine-arn.js';

/**
 * The live part that `failover gameday` and `failover failback` share: start an execution of a
 * deployed state machine, then follow it to its end (cli/execution-follower.ts), printing its
 * progress as it goes; Ctrl-C stops following and leaves the execution running.
 */

export interface StartAndFollowOptions {
  readonly machine: ResolvedStateMachine;
  /** The execution's name. @default the one Step Functions gives it */
  readonly name?: string;
  /** The execution input, as JSON. */
  readonly input: string;
  /** What the messages call the execution: `the execution`, `the failback`. */
  readonly what: string;
  /** Prints a batch of new history events, oldest first. */
  readonly onEvents: (events: readonly HistoryEvent[], executionArn: string) => void;
  /** A command that shows the execution again, said when following stops while it runs. */
  readonly followCommand?: (executionArn: string) => string;
}

/** The execution ended and was followed to its end, or a failure already reported with its exit code. */
export type StartAndFollowResult =
  | { readonly executionArn: string; readonly followed: FollowResult; readonly exitCode?: undefined }
  | { readonly exitCode: number };

/** How to follow again or stop an execution left running. */
function stillRunningLines(executionArn: string, followCommand?: (arn: string) => string): string[] {
  return [
    ...(followCommand !== undefined ? [`  follow it: ${followCommand(executionArn)}`] : []),
    `  stop it:   aws stepfunctions stop-execution --execution-arn ${executionArn}`,
  ];
}

/** What is said after Ctrl-C: following stopped, the execution (`what`) runs on. */
export function interruptedLines(
  executionArn: string,
  what: string,
  followCommand?: (arn: string) => string,
): string[] {
  return [`Stopped following; ${what} is still running.`, ...stillRunningLines(executionArn, followCommand)];
}

/**
 * Starts the execution and follows it. Exit 2 when it could not be started (nothing runs), 1 when
 * following failed and 130 after Ctrl-C (it runs on: these print how to follow or stop it);
 * otherwise the ended execution for the caller to judge.
 */
export async function startAndFollow(
  options: StartAndFollowOptions,
  io: CliIo,
  env: CliEnvironment,
): Promise<StartAndFollowResult> {
  const { machine, name } = options;
  const client = stepFunctionsClient(machine.region);
  let executionArn: string;
  try {
    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: machine.arn,
        ...(name !== undefined ? { name } : {}),
        input: options.input,
      }),
    );
    executionArn =
      started.executionArn ??
      (name !== undefined ? `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}` : '');
  } catch (error) {
    io.err(`could not start ${options.what}: ${describeError(error)}`);
    return { exitCode: EXIT.badInput };
  }
  io.out(`Started ${executionArn}`);
  const controller = new AbortController();
  const stopListening = env.onInterrupt(() => controller.abort());
  let followed: FollowResult;
  try {
    followed = await followExecution({
      client,
      executionArn,
      pollIntervalMs: env.pollIntervalMs,
      sleep: env.sleep,
      signal: controller.signal,
      onEvents: (events) => options.onEvents(events, executionArn),
    });
  } catch (error) {
    io.err(`lost track of ${executionArn}: ${describeError(error)}`);
    for (const line of stillRunningLines(executionArn, options.followCommand)) io.err(line);
    return { exitCode: EXIT.failed };
  } finally {
    stopListening();
  }
  if (followed.interrupted) {
    for (const line of interruptedLines(executionArn, options.what, options.followCommand)) io.err(line);
    return { exitCode: EXIT_INTERRUPTED };
  }
  return { executionArn, followed };
}
