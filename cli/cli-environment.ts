import { EXIT } from './cli-io.js';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * What the commands that talk to a live account need from the process: time, waiting, the
 * terminal and Ctrl-C. Tests pass their own, so nothing sleeps for real and no TTY is needed.
 */
export interface CliEnvironment {
  /** Waits `ms`; resolves early (without error) when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Between two looks at a running execution's history. @default 3000 */
  readonly pollIntervalMs: number;
  readonly now: () => Date;
  /** Whether a person can answer a question (stdin is a terminal). */
  readonly interactive: boolean;
  /** Asks one question on the terminal; resolves with the answer, or null at end of input. */
  readonly ask: (question: string) => Promise<string | null>;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  readonly onInterrupt: (handler: () => void) => () => void;
  readonly variables: Readonly<Record<string, string | undefined>>;
  /** Who a drill is requested by when `--requested-by` is not given. */
  readonly userName: () => string;
}

/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = EXIT.interrupted;

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
}

async function ask(question: string): Promise<string | null> {
  // The question goes to stderr so that stdout stays the command's output.
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  const closed = new Promise<null>((resolve) => terminal.once('close', () => resolve(null)));
  try {
    return await Promise.race([terminal.question(question), closed]);
  } finally {
    terminal.close();
  }
}

function onInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'failover-cli';
  }
}

export function processEnvironment(): CliEnvironment {
  return {
    sleep,
    pollIntervalMs: 3_000,
    now: () => new Date(),
    interactive: process.stdin.isTTY === true,
    ask,
    onInterrupt,
    variables: process.env,
    userName,
  };
}
