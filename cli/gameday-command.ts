import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { STATES } from '../functions/common/vocabulary.js';
import { approveCommand, declineCommand } from '../functions/notify/approval-lines.js';
import type { Plan } from '../functions/common/plan.js';
import { describeError } from '../functions/common/errors.js';
import {
  DRILL_DETAIL_TYPE,
  DRILL_SOURCE,
  validateTrigger,
} from '../functions/validate-trigger/validate-trigger.js';
import { recordFromHistory, recordFromReplay } from '../engine/report/index.js';
import type { Scenario } from '../engine/sim/index.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { BadInputError, badInputLine, isBadInput, loadPlanAndScenario } from './command-inputs.js';
import { fullCycleGameday } from './failback-command.js';
import { runLocalDrill } from './local-drill.js';
import { approvalLines, localApprover } from './local-approval.js';
import { LiveProgress, localProgressLines } from './progress.js';
import { exitCodeFor, outcomeLine, reportRun } from './report-output.js';
import { interruptedLines as stoppedFollowingLines, startAndFollow } from './start-and-follow.js';
import {
  resolveStateMachine,
  StateMachineNotFoundError,
  type ResolvedStateMachine,
} from './state-machine-arn.js';

export const GAMEDAY_USAGE =
  'failover gameday --plan <file> [--local] [--dry-run] [--yes] [--state-machine-arn <arn>] [--region <r>] [--requested-by <who>] [--reason <text>] [--report-dir <dir>] [--scenario <file> (local only)] [--approve | --decline (local only)] [--full-cycle (local only: failover then failback)]';

export const GAMEDAY_OPTIONS = {
  plan: { type: 'string' },
  local: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  'state-machine-arn': { type: 'string' },
  region: { type: 'string' },
  'requested-by': { type: 'string' },
  reason: { type: 'string' },
  'report-dir': { type: 'string' },
  scenario: { type: 'string' },
  approve: { type: 'boolean', default: false },
  decline: { type: 'boolean', default: false },
  'full-cycle': { type: 'boolean', default: false },
} as const;

export interface GamedayArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly local?: boolean;
    readonly 'dry-run'?: boolean;
    readonly yes?: boolean;
    readonly 'state-machine-arn'?: string;
    readonly region?: string;
    readonly 'requested-by'?: string;
    readonly reason?: string;
    readonly 'report-dir'?: string;
    readonly scenario?: string;
    readonly approve?: boolean;
    readonly decline?: boolean;
    readonly 'full-cycle'?: boolean;
  };
}

/** The execution input of a drill: what validate-trigger accepts from `failover.gameday`. */
export interface DrillEvent {
  readonly source: typeof DRILL_SOURCE;
  readonly 'detail-type': typeof DRILL_DETAIL_TYPE;
  readonly time: string;
  readonly detail: {
    readonly planName: string;
    readonly requestedBy: string;
    readonly reason: string;
    readonly dryRun: boolean;
  };
}

export function drillEvent(
  plan: Plan,
  options: { requestedBy: string; reason?: string; dryRun: boolean; time: Date },
): DrillEvent {
  return {
    source: DRILL_SOURCE,
    'detail-type': DRILL_DETAIL_TYPE,
    time: options.time.toISOString(),
    detail: {
      planName: plan.name,
      requestedBy: options.requestedBy,
      reason: options.reason ?? (options.dryRun ? 'game day (dry run)' : 'game day'),
      dryRun: options.dryRun,
    },
  };
}

/** `gameday-<plan>-<UTC stamp>[-dry-run]`, within Step Functions' 80 characters. */
export function gamedayExecutionName(plan: Plan, time: Date, dryRun: boolean): string {
  const stamp = time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const suffix = `-${stamp}${dryRun ? '-dry-run' : ''}`;
  return `gameday-${plan.name.slice(0, 80 - 'gameday-'.length - suffix.length)}${suffix}`;
}

/** The run reached the plan's manual approval: it waits for a person. */
const isApprovalRequest = (event: HistoryEvent): boolean =>
  event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === STATES.requestApproval;

/** What to type to answer the approval request the run waits on. */
export function approvalHint(executionArn: string): string[] {
  return [
    '  The failover waits for approval (the notice went to the plan topic). Answer with:',
    `    ${approveCommand(executionArn)}`,
    `    ${declineCommand(executionArn)}`,
  ];
}

/** The command that follows a failover execution again: its report, once it ends. */
const followWithReport = (executionArn: string): string => `failover report ${executionArn}`;

/** What is said after Ctrl-C while following a failover execution. */
export const interruptedLines = (executionArn: string): string[] =>
  stoppedFollowingLines(executionArn, 'the execution', followWithReport);

interface Drill {
  readonly plan: Plan;
  readonly scenario: Scenario | undefined;
  readonly event: DrillEvent;
  readonly executionName: string;
  readonly dryRun: boolean;
  readonly reportDir: string | undefined;
}

async function prepare({ positionals, values }: GamedayArgs, env: CliEnvironment): Promise<Drill> {
  if (positionals.length > 0)
    throw new BadInputError(`gameday takes no positional arguments: ${GAMEDAY_USAGE}`);
  if (values.scenario !== undefined && values.local !== true) {
    throw new BadInputError('--scenario describes the simulated AWS: use it with --local');
  }
  if (values.approve === true && values.decline === true)
    throw new BadInputError('--approve and --decline answer the same approval request: give one');
  if ((values.approve === true || values.decline === true) && values.local !== true) {
    throw new BadInputError(
      '--approve and --decline answer a local drill: on AWS, answer with failover approve|decline <execution-arn>',
    );
  }
  if (values.local === true && (values['state-machine-arn'] !== undefined || values.region !== undefined)) {
    throw new BadInputError('--state-machine-arn and --region are for live game days: drop them or --local');
  }
  const { plan, scenario } = await loadPlanAndScenario('gameday', values.plan, values.scenario);
  const dryRun = values['dry-run'] === true;
  const time = env.now();
  const event = drillEvent(plan, {
    requestedBy: values['requested-by'] ?? env.userName(),
    reason: values.reason,
    dryRun,
    time,
  });
  // The check the workflow's first step makes, before anything starts: a bad request is exit 2.
  validateTrigger({ event, executionId: 'preflight', executionStartedAt: time.toISOString() }, plan);
  return {
    plan,
    scenario,
    event,
    executionName: gamedayExecutionName(plan, time, dryRun),
    dryRun,
    reportDir: values['report-dir'],
  };
}

async function runLocal(
  drill: Drill,
  values: GamedayArgs['values'],
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  const approver = localApprover(values, drill.scenario, io, env);
  const { result } = await runLocalDrill(drill.plan, drill.event, {
    scenario: drill.scenario,
    executionName: drill.executionName,
    ...(approver !== undefined ? { approver } : {}),
  });
  const mode = drill.dryRun ? 'dry-run' : 'live';
  io.out(
    `Game day ${drill.executionName}: ${mode} drill of plan ${drill.plan.name} on the simulated AWS (local engine)`,
  );
  const record = recordFromReplay(result);
  for (const line of localProgressLines(record)) io.out(line);
  for (const line of approvalLines(result.approvals)) io.out(line);
  io.out(
    `AWS calls: ${result.apiCalls} (${result.mutatingCalls} mutating), simulated ${result.durationSeconds}s in ${result.wallMs} ms`,
  );
  const report = await reportRun(record, { plan: drill.plan, dir: drill.reportDir, input: drill.event }, io);
  io.err(outcomeLine(report));
  return exitCodeFor(report.outcome);
}

/** The typed-name confirmation of a live drill that changes things; undefined when confirmed. */
async function refusal(
  drill: Drill,
  machine: ResolvedStateMachine,
  io: CliIo,
  env: CliEnvironment,
): Promise<string | undefined> {
  const { plan } = drill;
  if (!env.interactive) {
    return `refusing to start a live game day of ${plan.name} without confirmation: no terminal to type the plan name on; pass --yes (or --dry-run)`;
  }
  io.err(
    `This starts a LIVE failover of plan ${plan.name} on ${machine.arn}: replicas in ${plan.recoveryRegion} are promoted, groups scaled, parameters repointed.`,
  );
  const answer = (await env.ask(`Type the plan name (${plan.name}) to continue: `))?.trim() ?? '';
  return answer === plan.name
    ? undefined
    : `"${answer}" is not the plan name ${plan.name}: nothing was started`;
}

async function runLive(
  drill: Drill,
  values: GamedayArgs['values'],
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  let machine: ResolvedStateMachine;
  try {
    machine = await resolveStateMachine(
      drill.plan,
      { arn: values['state-machine-arn'], region: values.region },
      env.variables,
    );
  } catch (error) {
    io.err(
      error instanceof StateMachineNotFoundError
        ? `bad input: ${error.message}`
        : `cannot find the state machine: ${describeError(error)}`,
    );
    return EXIT.badInput;
  }
  const mode = drill.dryRun ? 'dry-run' : 'LIVE';
  io.out(
    `Game day ${drill.executionName}: ${mode} drill of plan ${drill.plan.name} on ${machine.arn} (from ${machine.from})`,
  );
  if (!drill.dryRun && values.yes !== true) {
    const reason = await refusal(drill, machine, io, env);
    if (reason !== undefined) {
      io.err(reason);
      return EXIT.badInput;
    }
  }
  const progress = new LiveProgress();
  const run = await startAndFollow(
    {
      machine,
      name: drill.executionName,
      input: JSON.stringify(drill.event),
      what: 'the execution',
      followCommand: followWithReport,
      onEvents: (events, executionArn) => {
        progress.lines(events).forEach((line) => io.out(line));
        if (events.some(isApprovalRequest)) for (const line of approvalHint(executionArn)) io.out(line);
      },
    },
    io,
    env,
  );
  if (run.exitCode !== undefined) return run.exitCode;
  const { executionArn, followed } = run;
  const record = recordFromHistory(executionArn, followed.events, followed.description);
  const report = await reportRun(record, { plan: drill.plan, dir: drill.reportDir, input: drill.event }, io);
  io.err(outcomeLine(report));
  return exitCodeFor(report.outcome);
}

/** `failover gameday`: a drill on the deployed state machine, or with --local on the simulated AWS. */
export async function gamedayCommand(args: GamedayArgs, io: CliIo, env: CliEnvironment): Promise<number> {
  if (args.values['full-cycle'] === true) return fullCycleGameday(args, io);
  let drill: Drill;
  try {
    drill = await prepare(args, env);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  if (args.values.local !== true) return runLive(drill, args.values, io, env);
  try {
    return await runLocal(drill, args.values, io, env);
  } catch (error) {
    // A scenario naming what the plan does not have is found when the simulated AWS is built.
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
}
