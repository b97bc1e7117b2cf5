// First: sets the step handlers' log level before any of their modules builds its Logger.
import '../engine/local-env.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fileURLToPath } from 'node:url';

import { EXIT, type CliIo } from './cli-io.js';
import { processEnvironment, type CliEnvironment } from './cli-environment.js';
import { CHECK_OPTIONS, CHECK_USAGE, checkCommand, type CheckArgs } from './check-command.js';
import { GAMEDAY_OPTIONS, GAMEDAY_USAGE, gamedayCommand, type GamedayArgs } from './gameday-command.js';
import { FAILBACK_OPTIONS, FAILBACK_USAGE, failbackCommand, type FailbackArgs } from './failback-command.js';
import { REPORT_OPTIONS, REPORT_USAGE, reportCommand, type ReportArgs } from './report-command.js';
import { replayCommand } from './replay-command.js';
import { STATUS_OPTIONS, STATUS_USAGE, statusCommand, type StatusArgs } from './status-command.js';
import { checkOptionPaths, unhandledError } from './input-errors.js';

const EXIT_NOTES = `The state machine is --state-machine-arn, else FAILOVER_STATE_MACHINE_ARN, else the one named
<plan>-failover in --region (default: the plan's recoveryRegion).
Exit codes: 0 succeeded, ignored, duplicate, ready or nothing left to fence; 1 refused, aborted,
failed, stopped, timed out, not ready or fencing pending;
2 bad input (one line on stderr), including no AWS credentials for a command that needs them;
130 stopped following with Ctrl-C (the execution keeps running).`;
import { INIT_OPTIONS, INIT_USAGE, initCommand, type InitArgs } from './init-command.js';
import { EVENTS_OPTIONS, EVENTS_USAGE, eventsCommand, type EventsArgs } from './events-command.js';
import {
  APPROVAL_OPTIONS,
  APPROVE_USAGE,
  approvalCommand,
  DECLINE_USAGE,
  type ApprovalArgs,
} from './approval-command.js';

const USAGE = `usage:
  failover replay <event.json>... [--plan <file>] [--scenario <file>] [--json] [--report-dir <dir>]
  ${GAMEDAY_USAGE}
  ${FAILBACK_USAGE}
  ${REPORT_USAGE}
  ${CHECK_USAGE}
  ${STATUS_USAGE}
  ${INIT_USAGE}
  ${EVENTS_USAGE}
  ${APPROVE_USAGE}
  ${DECLINE_USAGE}

replay   replays an event through the real state machine and step handlers against a simulated
         AWS (virtual clock, no AWS account). Default plan: examples/shop-prod.plan.yaml.
gameday  starts a drill: on the deployed state machine (live; a run that is not --dry-run asks
         for the plan's name unless --yes), or with --local on the simulated AWS; follows it step
         by step and writes a report (default dir reports/).
failback fails back after a failover (issue 10): on the deployed <plan>-failback state machine
         (live; asks for the plan's name unless --yes or --dry-run), or with --local the whole
         cycle on the simulated AWS: failover, fencing, failback, and the differences from the
         pre-failover shape (exit 0 only when there are none; 2 when there is no failover to undo).
report   writes the Markdown + JSON report of a live execution or a saved replay result
         (failover replay --json > result.json); follows a running execution to its end.
check    checks that the plan could fail over now (replicas, groups, parameters, topic, alarms,
         state machine), on AWS or with --local on the simulated AWS.
status   shows what the last failover fenced in the old region (issue 10): per resource fenced,
         NOT fenced yet (attempts, last error; retried every 5 minutes) or not applicable;
         exit 1 while anything is pending. Live from the lock table, or --local after a replay.
init     writes a starter plan (YAML, with its schema) naming your alarms and resources.
events   writes sample ALARM and OK trigger events for each of a plan's alarms, to replay.
approve  answers a running failover's approval request (plan approval): it goes on.
decline  answers it no: the failover is aborted, nothing is changed, the lock is released.
${EXIT_NOTES}`;

const REPLAY_OPTIONS = {
  plan: { type: 'string' },
  scenario: { type: 'string' },
  json: { type: 'boolean', default: false },
  'report-dir': { type: 'string' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Run = (
  parsed: { positionals: string[]; values: object },
  io: CliIo,
  env: CliEnvironment,
) => Promise<number>;

/** Each command's options (parseArgs rejects any other) and the function that runs it. */
const COMMANDS: Readonly<Record<string, { readonly options: Options; readonly run: Run }>> = {
  replay: {
    options: REPLAY_OPTIONS,
    run: (parsed, io) => replayCommand(parsed as Parameters<typeof replayCommand>[0], io),
  },
  gameday: {
    options: GAMEDAY_OPTIONS,
    run: (parsed, io, env) => gamedayCommand(parsed as GamedayArgs, io, env),
  },
  failback: {
    options: FAILBACK_OPTIONS,
    run: (parsed, io, env) => failbackCommand(parsed as FailbackArgs, io, env),
  },
  report: { options: REPORT_OPTIONS, run: (parsed, io, env) => reportCommand(parsed as ReportArgs, io, env) },
  check: { options: CHECK_OPTIONS, run: (parsed, io, env) => checkCommand(parsed as CheckArgs, io, env) },
  status: {
    options: STATUS_OPTIONS,
    run: (parsed, io, env) => statusCommand(parsed as StatusArgs, io, env),
  },
  init: { options: INIT_OPTIONS, run: (parsed, io) => initCommand(parsed as InitArgs, io) },
  events: { options: EVENTS_OPTIONS, run: (parsed, io) => eventsCommand(parsed as EventsArgs, io) },
  approve: {
    options: APPROVAL_OPTIONS,
    run: (parsed, io, env) => approvalCommand('approve', parsed as ApprovalArgs, io, env),
  },
  decline: {
    options: APPROVAL_OPTIONS,
    run: (parsed, io, env) => approvalCommand('decline', parsed as ApprovalArgs, io, env),
  },
};

/**
 * Runs one `failover` command. `env` is the process (time, terminal, Ctrl-C, environment
 * variables); tests pass their own.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  env: CliEnvironment = processEnvironment(),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    io.out(USAGE);
    return EXIT.ok;
  }
  const spec = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (command === undefined || spec === undefined) {
    const what = command === undefined ? 'no command' : `unknown command "${command}"`;
    io.err(`bad input: ${what}: use ${Object.keys(COMMANDS).join(', ')} (failover --help)`);
    return EXIT.badInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandUsage(command));
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], allowPositionals: true, options: spec.options });
  } catch (error) {
    // One line: the option's problem and where to read how the command is used.
    io.err(`bad input: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')} (failover ${command} --help)`);
    return EXIT.badInput;
  }
  try {
    checkOptionPaths(parsed.values);
    return await spec.run(parsed, io, env);
  } catch (error) {
    const { line, badInput } = unhandledError(command, error);
    io.err(line);
    return badInput ? EXIT.badInput : EXIT.failed;
  }
}

/** The usage of one command: its synopsis line, then the general notes. */
function commandUsage(command: string): string {
  const synopsis = USAGE.split('\n').find((line) => line.trim().startsWith(`failover ${command} `));
  const description = USAGE.split('\n\n')[1]
    ?.split(/\n(?=\w)/)
    .find((paragraph) => paragraph.startsWith(command));
  return [`usage: ${synopsis?.trim() ?? `failover ${command}`}`, '', description ?? '', '', EXIT_NOTES].join(
    '\n',
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}
