import { ListTagsForResourceCommand } from '@aws-sdk/client-sfn';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../functions/common/approval-tags.js';
import { pendingResources, readFencing, type FencingRecord } from '../functions/common/fencing-record.js';
import type { Plan } from '../functions/common/plan.js';
import { FENCE_RETRY_MINUTES, fencingKinds } from '../functions/fence-retry/fencing-kinds.js';
import type { Scenario } from '../engine/sim/index.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { BadInputError, badInputLine, isBadInput, loadPlanAndScenario } from './command-inputs.js';
import { resolveStateMachine, StateMachineNotFoundError, stepFunctionsClient } from './state-machine-arn.js';

/**
 * `failover status --plan <file>`: what the last failover fenced in the old region (issue 10),
 * per fencing kind and resource: fenced, pending (attempts, last error; the scheduled retry
 * goes on every 5 minutes) or not applicable. Exit 1 while anything is pending, else 0. Live, it
 * reads the fencing records from the lock table (`--table`, else the table the state machine's
 * tags name); `--local` replays a failover of the plan on the simulated AWS (a `--scenario` may
 * keep the primary region down) and runs the retry every 5 minutes for `--after` minutes.
 */

export const STATUS_USAGE =
  'failover status --plan <file> [--table <name>] [--region <r>] [--state-machine-arn <arn>] [--local [--scenario <file>] [--after <minutes>]] [--json]';

export const STATUS_OPTIONS = {
  plan: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  local: { type: 'boolean', default: false },
  scenario: { type: 'string' },
  after: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface StatusArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly table?: string;
    readonly region?: string;
    readonly 'state-machine-arn'?: string;
    readonly local?: boolean;
    readonly scenario?: string;
    readonly after?: string;
    readonly json?: boolean;
  };
}

/** One fencing kind of the plan and its record (undefined: no failover has fenced it). */
export interface KindFencing {
  readonly kind: string;
  readonly record: FencingRecord | undefined;
}

/** Reads every fencing kind's record from the lock table in the recovery region. */
export const readFencingStatus = (plan: Plan, tableName?: string): Promise<KindFencing[]> =>
  Promise.all(
    fencingKinds(plan).map(async (kind) => ({
      kind: kind.id,
      record: await readFencing(plan.recoveryRegion, plan.name, kind.id, tableName),
    })),
  );

const MARK = { fenced: '✓', pending: '✗', 'not-applicable': '–' } as const;

/** The lines `failover status` prints: a header per kind, one line per resource. */
export function statusLines(plan: Plan, kinds: readonly KindFencing[]): string[] {
  if (kinds.length === 0)
    return [`Plan ${plan.name} has nothing to fence (no kind of it fences the old region).`];
  return kinds.flatMap(({ kind, record }) => {
    if (record === undefined)
      return [`${kind}: no fencing record: no failover of ${plan.name} has fenced yet`];
    const header =
      record.state === 'closed'
        ? `${kind}: closed by the failback ${record.closedBy ?? ''} (failover ${record.failoverExecution})`.replace(
            ' ()',
            '',
          )
        : `${kind}: fencing after failover ${record.failoverExecution}, updated ${record.updatedAt}`;
    return [
      header,
      ...record.resources.map((resource) => {
        const what =
          resource.status === 'fenced'
            ? `fenced${resource.fencedAt !== undefined ? ` at ${resource.fencedAt}` : ''}`
            : resource.status === 'pending'
              ? `NOT fenced yet (${resource.attempts} attempts, last ${resource.lastAttemptAt ?? 'never'}; retried every ${FENCE_RETRY_MINUTES} minutes)`
              : 'not applicable';
        return `  ${MARK[resource.status]} ${resource.label}: ${what}: ${resource.detail}`;
      }),
    ];
  });
}

/** The lock table of the deployed orchestrator: its state machine's tags name it (as `failover approve` finds it). */
export async function deployedTable(
  plan: Plan,
  values: StatusArgs['values'],
  env: CliEnvironment,
): Promise<string> {
  const machine = await resolveStateMachine(
    plan,
    { arn: values['state-machine-arn'], region: values.region },
    env.variables,
  );
  const { tags = [] } = await stepFunctionsClient(machine.region).send(
    new ListTagsForResourceCommand({ resourceArn: machine.arn }),
  );
  const tag = (key: string) => tags.find((candidate) => candidate.key === key)?.value;
  const table = tag(LOCK_TABLE_TAG);
  if (table === undefined || tag(PLAN_TAG) !== plan.name)
    throw new StateMachineNotFoundError(
      `${machine.arn} has no ${LOCK_TABLE_TAG} tag for plan ${plan.name}: pass --table <lock table> (the stack's lock table)`,
    );
  return table;
}

/** --after: whole minutes of scheduled retries after the local failover. */
function afterMinutes(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,5}$/.test(text)) throw new BadInputError(`--after "${text}" is not a whole number of minutes`);
  return Number(text);
}

function checkArguments({ positionals, values }: StatusArgs): void {
  if (positionals.length > 0)
    throw new BadInputError(`status takes no positional arguments: ${STATUS_USAGE}`);
  if (values.local !== true) {
    if (values.scenario !== undefined || values.after !== undefined)
      throw new BadInputError('--scenario and --after describe the simulated AWS: use them with --local');
  } else if (
    values.table !== undefined ||
    values.region !== undefined ||
    values['state-machine-arn'] !== undefined
  ) {
    throw new BadInputError(
      '--table, --region and --state-machine-arn are for an account: drop them or --local',
    );
  }
}

/** `failover status`: exit 1 while anything is pending, 0 otherwise, 2 for bad input. */
export async function statusCommand(args: StatusArgs, io: CliIo, env: CliEnvironment): Promise<number> {
  const { values } = args;
  let plan: Plan;
  let scenario: Scenario | undefined;
  let after = 0;
  try {
    checkArguments(args);
    after = afterMinutes(values.after);
    ({ plan, scenario } = await loadPlanAndScenario('status', values.plan, values.scenario));
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  let kinds: KindFencing[];
  let where: string;
  try {
    if (values.local === true) {
      const { localFencingStatus } = await import('./local-status.js');
      kinds = await localFencingStatus(plan, scenario ?? {}, after);
      where = `the simulated AWS, ${after} minutes after a local failover`;
    } else {
      const table = values.table ?? (await deployedTable(plan, values, env));
      kinds = await readFencingStatus(plan, table);
      where = `table ${table} (${plan.recoveryRegion})`;
    }
  } catch (error) {
    if (!isBadInput(error) && !(error instanceof StateMachineNotFoundError)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  const pending = kinds.reduce((sum, { record }) => sum + pendingResources(record).length, 0);
  if (values.json === true) {
    io.out(JSON.stringify({ plan: plan.name, pending, kinds }, null, 2));
  } else {
    io.out(`Fencing of plan ${plan.name} on ${where}:`);
    for (const line of statusLines(plan, kinds)) io.out(line);
  }
  io.err(pending === 0 ? 'nothing pending' : `${pending} resource(s) NOT fenced yet`);
  return pending === 0 ? EXIT.ok : EXIT.failed;
}
