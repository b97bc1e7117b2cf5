import { fileURLToPath } from 'node:url';
import type { Plan } from '../functions/common/plan.js';
import { runFailbackCycle, type CycleResult } from '../engine/failback/cycle.js';
import { failbackPlanProblem, FAILBACK_REFUSED_ERROR } from '../state-machines/failback-builder.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { BadInputError, badInputLine, isBadInput, loadPlanAndScenario } from './command-inputs.js';
import { runLiveFailback } from './failback-live.js';
import { deletionLines } from './delete-stale.js';

/**
 * `failover failback`: the way back after a failover (issue 10).
 * - `--local`: the whole cycle on the simulated AWS (engine/failback/cycle.ts): failover, the old
 *   region fenced, failback; prints both legs and the differences from the pre-failover shape.
 *   Exit 0 only when there are none; 1 when the failback was refused (lag) or failed; 2 for bad
 *   input, a plan that cannot fail back, and no failover to undo (`--failback-only`).
 * - live: starts the `<plan>-failback` state machine after a typed confirmation or `--yes`
 *   (failback-live.ts).
 * - `--delete-stale`: after a succeeded failback, the instances renamed aside are deleted with a
 *   final snapshot each (cli/delete-stale.ts; live after typing `delete` or `--yes`).
 */

export const FAILBACK_USAGE =
  'failover failback --plan <file> [--local [--scenario <file>] [--json] [--failback-only]] [--dry-run] [--yes] [--delete-stale] [--state-machine-arn <arn>] [--region <r>] [--requested-by <who>]';

export const FAILBACK_OPTIONS = {
  plan: { type: 'string' },
  local: { type: 'boolean', default: false },
  scenario: { type: 'string' },
  json: { type: 'boolean', default: false },
  'failback-only': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  'delete-stale': { type: 'boolean', default: false },
  'state-machine-arn': { type: 'string' },
  region: { type: 'string' },
  'requested-by': { type: 'string' },
} as const;

export interface FailbackArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly local?: boolean;
    readonly scenario?: string;
    readonly json?: boolean;
    readonly 'failback-only'?: boolean;
    readonly 'dry-run'?: boolean;
    readonly yes?: boolean;
    readonly 'delete-stale'?: boolean;
    readonly 'state-machine-arn'?: string;
    readonly region?: string;
    readonly 'requested-by'?: string;
  };
}

export const DEFAULT_FAILBACK_PLAN = fileURLToPath(
  new URL('../examples/shop-failback.plan.yaml', import.meta.url),
);

/** No failover to undo is the user's mistake (exit 2), as the issue asks. */
const noFailover = (cycle: CycleResult): boolean =>
  cycle.failover === null &&
  cycle.failback?.error?.error === FAILBACK_REFUSED_ERROR &&
  /no failover of plan/.test(cycle.failback.error.cause);

export function exitCodeOf(cycle: CycleResult): number {
  if (noFailover(cycle)) return EXIT.badInput;
  if (cycle.staleDeletion?.error !== undefined) return EXIT.failed;
  return cycle.differences.length === 0 ? EXIT.ok : EXIT.failed;
}

function textLines(plan: Plan, cycle: CycleResult, dryRun: boolean): string[] {
  const lines = [`failback cycle of plan ${plan.name} (local, simulated AWS)`];
  if (cycle.failover !== null)
    lines.push(
      `failover: ${cycle.failover.outcome}, RTO ${cycle.failover.rtoSeconds ?? '-'} s, ${cycle.failover.mutatingCalls} mutating calls`,
    );
  if (cycle.fencing !== null)
    lines.push(
      `old region, as its fencing records say at ${cycle.fencing.at} (the last fence retry before the failback):`,
      ...cycle.fencing.lines.map((line) => `  ${line}`),
    );
  if (cycle.failback !== null) {
    const { outcome, durationSeconds, rpoSeconds, mutatingCalls, error } = cycle.failback;
    lines.push(
      `failback: ${outcome} in ${durationSeconds} s, RPO ${rpoSeconds} s, ${mutatingCalls} mutating calls`,
    );
    if (error !== undefined) lines.push(`  ${error.error}: ${error.cause}`);
  }
  lines.push(
    dryRun && cycle.differences.length === 0
      ? 'dry run: the failback changed nothing (the shape is compared after a real failback)'
      : cycle.differences.length === 0
        ? 'shape: as before the failover'
        : 'differences from the pre-failover shape:',
  );
  lines.push(...cycle.differences.map((line) => `  ${line}`));
  const deletion = cycle.staleDeletion;
  if (deletion !== null) {
    lines.push(...(deletion.wouldDelete ?? []).map((item) => `would delete ${item} after a final snapshot`));
    lines.push(...deletionLines(deletion));
    if (deletion.error !== undefined) lines.push(deletion.error);
  }
  return lines;
}

async function runLocal(args: FailbackArgs, io: CliIo): Promise<number> {
  const { plan, scenario } = await loadPlanAndScenario(
    'failback',
    args.values.plan ?? DEFAULT_FAILBACK_PLAN,
    args.values.scenario,
  );
  const problem = failbackPlanProblem(plan);
  if (problem !== undefined) throw new BadInputError(problem);
  const cycle = await runFailbackCycle(plan, {
    ...(scenario !== undefined ? { scenario } : {}),
    failover: args.values['failback-only'] !== true,
    dryRun: args.values['dry-run'] === true,
    deleteStale: args.values['delete-stale'] === true,
  });
  const code = exitCodeOf(cycle);
  if (code === EXIT.badInput) {
    io.err(`bad input: ${cycle.failback?.error?.cause ?? 'no failover to undo'}`);
    return code;
  }
  if (args.values.json === true) {
    const { failover, fencing, failback, differences, staleDeletion, notices, after } = cycle;
    const report = {
      plan: plan.name,
      failover,
      fencing,
      failback,
      differences,
      staleDeletion,
      notices,
      endState: after.endState,
    };
    io.out(JSON.stringify({ ...report, exitCode: code }, null, 2));
  } else io.out(textLines(plan, cycle, args.values['dry-run'] === true).join('\n'));
  return code;
}

/**
 * `failover gameday --local --full-cycle`: the same cycle as `failover failback --local`. Live, a
 * full cycle is `failover gameday` and then `failover failback` (two confirmations on purpose).
 */
export async function fullCycleGameday(
  args: { readonly values: { readonly local?: boolean; readonly plan?: string; readonly scenario?: string } },
  io: CliIo,
): Promise<number> {
  try {
    if (args.values.local !== true)
      throw new BadInputError(
        '--full-cycle runs with --local only; on AWS run failover gameday, then failover failback',
      );
    return await runLocal({ positionals: [], values: { ...args.values, local: true } }, io);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
}

export async function failbackCommand(args: FailbackArgs, io: CliIo, env: CliEnvironment): Promise<number> {
  try {
    if (args.positionals.length > 0)
      throw new BadInputError(`failback takes no positional arguments (got ${args.positionals.join(' ')})`);
    if (args.values.local === true) return await runLocal(args, io);
    return await runLiveFailback(args, io, env);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
}
