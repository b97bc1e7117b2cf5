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
import { withSimulatedAccount } from './simulated-account.js';
import { resolveStateMachine, StateMachineNotFoundError } from './state-machine-arn.js';

export const CHECK_USAGE =
  'failover check --plan <file> [--local [--scenario <file>]] [--region <r>] [--state-machine-arn <arn>]';

export const CHECK_OPTIONS = {
  plan: { type: 'string' },
  local: { type: 'boolean', default: false },
  scenario: { type: 'string' },
  region: { type: 'string' },
  'state-machine-arn': { type: 'string' },
} as const;

export interface CheckArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly local?: boolean;
    readonly scenario?: string;
    readonly region?: string;
    readonly 'state-machine-arn'?: string;
  };
}

const MARK = { pass: '✓', fail: '✗', skip: '–' } as const;

export const checkLine = (check: ReadinessCheck): string => `${MARK[check.status]} ${check.reason}`;

/** Local: the simulated AWS built from the plan (and a scenario that breaks it), no account. */
function checkLocally(plan: Plan, scenario: Scenario | undefined): Promise<Readiness> {
  return withSimulatedAccount(plan, scenario ?? {}, (cloud) =>
    // PutMetricData and DescribeStateMachine are not simulated: the local engine is the state
    // machine, and nothing is published.
    checkReadiness(plan, { stateMachine: { kind: 'local' }, topicArn: cloud.topicArn }),
  );
}

async function checkAccount(
  plan: Plan,
  values: CheckArgs['values'],
  env: CliEnvironment,
): Promise<Readiness> {
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
  return checkReadiness(plan, { stateMachine, topicArn: env.variables.FAILOVER_TOPIC_ARN });
}

/** `failover check`: the plan's readiness, one ✓/✗ line per check; exit 1 when not ready. */
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
    if (values.local === true && (values['state-machine-arn'] !== undefined || values.region !== undefined)) {
      throw new BadInputError(
        '--state-machine-arn and --region are for checking an account: drop them or --local',
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
  let readiness: Readiness;
  try {
    readiness =
      values.local === true ? await checkLocally(plan, scenario) : await checkAccount(plan, values, env);
  } catch (error) {
    // A scenario naming what the plan does not have is found when the simulated AWS is built.
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
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
  const failed = failures.length;
  const total = readiness.checks.length;
  io.err(
    readiness.ready
      ? `ready: ${total - failed} of ${total} checks passed`
      : `not ready: ${failed} of ${total} checks failed`,
  );
  return readiness.ready ? EXIT.ok : EXIT.failed;
}
