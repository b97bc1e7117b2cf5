import type { Plan } from '../functions/common/plan.js';
import { describeError } from '../functions/common/errors.js';
import {
  deleteStale,
  finalSnapshotOf,
  findStale,
  type StaleDeletion,
} from '../functions/kinds/rds-replica/stale-instances.js';
import { EXIT, type CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';

/**
 * `failover failback --delete-stale` on AWS, after a SUCCEEDED failback: lists the instances the
 * re-protection renamed aside (functions/kinds/rds-replica/stale-instances.ts), and deletes them
 * with a final snapshot each once `delete` is typed (or `--yes`); `--dry-run` only lists them.
 * Exit 0 done (or nothing to delete), 1 on an error or when the deletion was not confirmed.
 */

export const deletionLines = (deletion: StaleDeletion): string[] => [
  ...deletion.deleted.map(
    (item) => `deleted ${item.id} (${item.region}) after final snapshot ${item.finalSnapshot}`,
  ),
  ...deletion.skipped.map((line) => `skipped ${line}`),
];

export async function runDeleteStale(
  plan: Plan,
  options: { readonly dryRun: boolean; readonly yes: boolean },
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  let found;
  try {
    found = await findStale(plan);
  } catch (error) {
    io.err(`could not list the stale instances: ${describeError(error)}`);
    return EXIT.failed;
  }
  if (found.length === 0) {
    io.out('no stale instances to delete');
    return EXIT.ok;
  }
  const verb = options.dryRun ? 'would delete' : 'to delete';
  for (const item of found)
    io.out(
      `${verb} ${item.id} (${item.region}, ${item.status}) after final snapshot ${finalSnapshotOf(item.id)}`,
    );
  if (options.dryRun) return EXIT.ok;
  if (!options.yes) {
    const answer = env.interactive
      ? ((await env.ask(`Type delete to delete these ${found.length} instances: `))?.trim() ?? '')
      : '';
    if (answer !== 'delete') {
      io.err(
        `not confirmed ("${answer}"; type delete or pass --yes): nothing deleted, the stale instances stay`,
      );
      return EXIT.failed;
    }
  }
  const deletion = await deleteStale(found);
  for (const line of deletionLines(deletion)) io.out(line);
  if (deletion.error !== undefined) {
    io.err(deletion.error);
    return EXIT.failed;
  }
  return EXIT.ok;
}
