import { describeError } from '../functions/common/errors.js';
import { failbackPlanProblem } from '../state-machines/failback-builder.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';
import { BadInputError, loadPlanAndScenario } from './command-inputs.js';
import { runDeleteStale } from './delete-stale.js';
import type { FailbackArgs } from './failback-command.js';
import { startAndFollow } from './start-and-follow.js';
import { resolveStateMachine, StateMachineNotFoundError } from './state-machine-arn.js';

/**
 * `failover failback --plan <file>` on AWS: starts the plan's failback state machine
 * (`<plan>-failback`, or --state-machine-arn) after the plan's name is typed (or `--yes`; a
 * `--dry-run` needs neither), then follows it to its end; with `--delete-stale`, a SUCCEEDED
 * failback is followed by the deletion of the stale instances (cli/delete-stale.ts, its own
 * confirmation). Exit 0 succeeded, 1 refused or failed (or the deletion), 2 bad input or nothing
 * started, 130 stopped following.
 */
export async function runLiveFailback(args: FailbackArgs, io: CliIo, env: CliEnvironment): Promise<number> {
  if (args.values.scenario !== undefined) throw new BadInputError('--scenario is for --local only');
  const { plan } = await loadPlanAndScenario('failback', args.values.plan, undefined);
  const problem = failbackPlanProblem(plan);
  if (problem !== undefined) throw new BadInputError(problem);
  const dryRun = args.values['dry-run'] === true;
  let machine;
  try {
    machine = await resolveStateMachine(
      plan,
      { arn: args.values['state-machine-arn'], region: args.values.region, name: `${plan.name}-failback` },
      env.variables,
    );
  } catch (error) {
    io.err(
      error instanceof StateMachineNotFoundError
        ? `bad input: ${error.message}`
        : `cannot find the failback state machine: ${describeError(error)}`,
    );
    return EXIT.badInput;
  }
  io.out(
    `Failback of plan ${plan.name} to ${plan.primaryRegion}${dryRun ? ' (dry run)' : ''} on ${machine.arn} (from ${machine.from})`,
  );
  if (!dryRun && args.values.yes !== true) {
    if (!env.interactive) {
      io.err(
        `refusing to start a live failback of ${plan.name} without confirmation: no terminal to type the plan name on; pass --yes (or --dry-run)`,
      );
      return EXIT.badInput;
    }
    io.err(
      `This fails plan ${plan.name} BACK to ${plan.primaryRegion}: writes are frozen, the home replicas promoted, configuration routed back, the recovery region scaled back and re-protected.`,
    );
    const answer = (await env.ask(`Type the plan name (${plan.name}) to continue: `))?.trim() ?? '';
    if (answer !== plan.name) {
      io.err(`"${answer}" is not the plan name ${plan.name}: nothing was started`);
      return EXIT.badInput;
    }
  }
  const run = await startAndFollow(
    {
      machine,
      input: JSON.stringify({ dryRun, requestedBy: args.values['requested-by'] ?? 'failover failback' }),
      what: 'the failback',
      onEvents: (events) => {
        for (const event of events)
          if (event.type?.endsWith('StateEntered')) io.out(`  ${event.stateEnteredEventDetails?.name ?? ''}`);
      },
    },
    io,
    env,
  );
  if (run.exitCode !== undefined) return run.exitCode;
  const status = run.followed.description?.status ?? 'UNKNOWN';
  const cause = run.followed.description?.cause;
  io.err(`failback ${status.toLowerCase()}${cause !== undefined ? `: ${cause}` : ''}`);
  if (status !== 'SUCCEEDED') return EXIT.failed;
  if (args.values['delete-stale'] !== true) return EXIT.ok;
  return await runDeleteStale(plan, { dryRun, yes: args.values.yes === true }, io, env);
}
