import type { Plan } from '../functions/common/plan.js';
import { describeError } from '../functions/common/errors.js';
import {
  checkReadiness,
  type Readiness,
  type ReadinessCheck,
  type StateMachineTarget,
} from '../functions/readiness-check/readiness-check.js';
import type { Scenario } from '../engine/sim/index.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { BadInputError, badInputLine, isBadInput, loadPlanAndScenario } from './command-inputs.js';
import { NO_CREDENTIALS } from './input-errors.js';
import { failbackReadiness } from './check-failback.js';
import { withSimulatedAccount } from './simulated-account.js';
import { resolveStateMachine, StateMachineNotFoundError } from './state-machine-arn.js';
import { deployedTable } from './status-command.js';

export const CHECK_USAGE =
  'failover check --plan <file> [--local [--scenario <file>]] [--region <r>] [--state-machine-arn <arn>] [--table <lock table>]';

export const CHECK_OPTIONS = {
  plan: { type: 'string' },
  local: { type: 'boolean', default: false },
  scenario: { type: 'string' },
  region: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  table: { type: 'string' },
} as const;

export interface CheckArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly local?: boolean;
    readonly scenario?: string;
    readonly region?: string;
    readonly 'state-machine-arn'?: string;
    readonly table?: string;
  };
}

const MARK = { pass: '✓', fail: '✗', skip: '–' } as const;

export const checkLine = (check: ReadinessCheck): string => `${MARK[check.status]} ${check.reason}`;

/** The readiness checks and the failback section's lines (issue 10: informational). */
interface Checked {
  readonly readiness: Readiness;
  readonly failback: readonly string[];
}

/** Local: the simulated AWS built from the plan (and a scenario that breaks it), no account. */
function checkLocally(plan: Plan, scenario: Scenario | undefined): Promise<Checked> {
  return withSimulatedAccount(plan, scenario ?? {}, async (cloud) => ({
    // PutMetricData and DescribeStateMachine are not simulated: the local engine is the state
    // machine, and nothing is published.
    readiness: await checkReadiness(plan, { stateMachine: { kind: 'local' }, topicArn: cloud.topicArn }),
    failback: await failbackReadiness(plan, cloud.lockTableName),
  }));
}

/** The failback section on an account: the lock table from --table or the state machine's tags. */
async function accountFailback(
  plan: Plan,
  values: CheckArgs['values'],
  env: CliEnvironment,
): Promise<string[]> {
  let table: string;
  try {
    table = values.table ?? (await deployedTable(plan, values, env));
  } catch (error) {
    return [`failback readiness unknown: no lock table: ${describeError(error)}`];
  }
  return failbackReadiness(plan, table);
}

async function checkAccount(plan: Plan, values: CheckArgs['values'], env: CliEnvironment): Promise<Checked> {
  let stateMachine: StateMachineTarget;
  try {
    const found = await resolveStateMachine(
      plan,
      { arn: values['state-machine-arn'], region: values.region },
      env.variables,
    );
    stateMachine = { kind: 'deployed', arn: found.arn };
  } catch (error) {
    const reason =
      error instanceof StateMachineNotFoundError ? error.message : `state machine: ${describeError(error)}`;
    stateMachine = { kind: 'unresolved', reason };
  }
  return {
    readiness: await checkReadiness(plan, { stateMachine, topicArn: env.variables.FAILOVER_TOPIC_ARN }),
    failback: await accountFailback(plan, values, env),
  };
}

/**
 * `failover check`: the plan's readiness, one ✓/✗ line per check, then the failback section
 * (cli/check-failback.ts); exit 1 when not ready for a failover (the failback lines do not count).
 */
export async function checkCommand(
  { positionals, values }: CheckArgs,
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  let inputs;
  try {
    if (positionals.length > 0)
      throw new BadInputError(`check takes no positional arguments: ${CHECK_USAGE}`);
    if (values.scenario !== undefined && values.local !== true) {
      throw new BadInputError('--scenario describes the simulated AWS: use it with --local');
    }
    if (
      values.local === true &&
      (values['state-machine-arn'] !== undefined || values.region !== undefined || values.table !== undefined)
    ) {
      throw new BadInputError(
        '--state-machine-arn, --region and --table are for checking an account: drop them or --local',
      );
    }
    inputs = await loadPlanAndScenario('check', values.plan, values.scenario);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  const { plan, scenario } = inputs;
  const where =
    values.local === true ? 'the simulated AWS (local)' : `AWS (recovery region ${plan.recoveryRegion})`;
  let checked: Checked;
  try {
    checked =
      values.local === true ? await checkLocally(plan, scenario) : await checkAccount(plan, values, env);
  } catch (error) {
    // A scenario naming what the plan does not have is found when the simulated AWS is built.
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  const { readiness, failback } = checked;
  const failures = readiness.checks.filter((check) => check.status === 'fail');
  // Every check failed for want of credentials: that is one fact, not a list of failed checks.
  if (
    failures.length > 0 &&
    failures.every((check) => /CredentialsProviderError|Could not load credentials/.test(check.reason))
  ) {
    io.err(`bad input: ${NO_CREDENTIALS}`);
    return EXIT.badInput;
  }
  io.out(`Readiness of plan ${plan.name} on ${where}:`);
  for (const check of readiness.checks) io.out(checkLine(check));
  // Informational: what a failback would find; the exit code stays the failover's readiness.
  for (const line of failback) io.out(line);
  const failed = failures.length;
  const total = readiness.checks.length;
  io.err(
    readiness.ready
      ? `ready: ${total - failed} of ${total} checks passed`
      : `not ready: ${failed} of ${total} checks failed`,
  );
  return readiness.ready ? EXIT.ok : EXIT.failed;
}
