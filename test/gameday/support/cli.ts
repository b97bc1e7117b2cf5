import type { CliEnvironment } from '../../../cli/cli-environment.js';
import { main } from '../../../cli/main.js';

/** A CliEnvironment that records what the command did with the process, and sleeps no real time. */
export interface RecordingEnvironment extends CliEnvironment {
  /** Every wait the command asked for, in ms. */
  readonly sleeps: number[];
  /** Every question asked on the terminal. */
  readonly questions: string[];
  /** Ctrl-C handlers currently listening. */
  readonly interruptHandlers: Set<() => void>;
}

export const NOW = new Date('2026-11-24T09:00:00.000Z');

export function recordingEnvironment(
  options: {
    readonly interactive?: boolean;
    readonly answers?: readonly string[];
    readonly variables?: Record<string, string | undefined>;
    /** Runs at each sleep (e.g. to press Ctrl-C), after it is recorded. */
    readonly onSleep?: (env: RecordingEnvironment) => void;
  } = {},
): RecordingEnvironment {
  const answers = [...(options.answers ?? [])];
  const env: RecordingEnvironment = {
    sleeps: [],
    questions: [],
    interruptHandlers: new Set(),
    pollIntervalMs: 2_500,
    sleep: async (ms) => {
      env.sleeps.push(ms);
      options.onSleep?.(env);
    },
    now: () => NOW,
    interactive: options.interactive ?? false,
    ask: async (question) => {
      env.questions.push(question);
      return answers.shift() ?? null;
    },
    onInterrupt: (handler) => {
      env.interruptHandlers.add(handler);
      return () => env.interruptHandlers.delete(handler);
    },
    variables: options.variables ?? {},
    userName: () => 'sre-oncall',
  };
  return env;
}

/** Presses Ctrl-C: calls every handler listening. */
export const pressCtrlC = (env: RecordingEnvironment): void => {
  for (const handler of [...env.interruptHandlers]) handler();
};

export async function runCli(argv: readonly string[], env: CliEnvironment = recordingEnvironment()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) }, env);
  return { code, out: out.join('\n'), err: err.join('\n'), outLines: out, errLines: err };
}
