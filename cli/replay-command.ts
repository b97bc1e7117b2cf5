import { validateTrigger } from '../functions/validate-trigger/validate-trigger.js';
import { loadPlanFile, readJsonFile } from '../engine/files.js';
import { replay } from '../engine/runner.js';
import { recordFromReplay, resourceOutcomes, runRecordFromTables } from '../engine/report/index.js';
import { loadScenario } from '../engine/sim/index.js';
import { badInputLine, isBadInput } from './command-inputs.js';
import { formatReplay } from './format.js';
import { DEFAULT_PLAN, EXIT, type CliIo } from './cli-io.js';
import { exitCodeFor, reportRun } from './report-output.js';
import { replayEventsCommand } from './replay-events-command.js';

export interface ReplayArgs {
  readonly positionals: string[];
  readonly values: { plan?: string; scenario?: string; json?: boolean; 'report-dir'?: string };
}

/** One line that names the bad input: the README promises a one-line reason. */

export async function replayCommand({ positionals, values }: ReplayArgs, io: CliIo): Promise<number> {
  const [eventPath, ...extra] = positionals;
  if (eventPath === undefined) {
    io.err(
      'bad input: replay takes one or more event files: failover replay <event.json>... [--plan <file>] [--scenario <file>] [--json] [--report-dir <dir>]',
    );
    return EXIT.badInput;
  }
  // Several events: each delivered at its own time, on one simulated AWS (cli/replay-events-command.ts).
  if (extra.length > 0) return replayEventsCommand({ positionals, values }, io);
  let inputs;
  try {
    const [plan, event, scenario] = await Promise.all([
      loadPlanFile(values.plan ?? DEFAULT_PLAN),
      readJsonFile(eventPath, 'event'),
      values.scenario === undefined ? Promise.resolve(undefined) : loadScenario(values.scenario),
    ]);
    // The same check the workflow's first step makes, run before anything starts: a malformed
    // event is bad input (exit 2), not a failed failover.
    validateTrigger({ event, executionId: 'preflight', executionStartedAt: new Date().toISOString() }, plan);
    inputs = { plan, event, scenario };
  } catch (error) {
    if (isBadInput(error)) {
      io.err(badInputLine(error));
      return EXIT.badInput;
    }
    throw error;
  }
  const result = await replay(inputs);
  // What each resource did, from the run's failover record in the simulated lock table.
  const resources = resourceOutcomes(
    runRecordFromTables(result.cloud.tables, result.executionName),
    inputs.plan,
  );
  io.out(values.json ? JSON.stringify({ ...result, resources }, null, 2) : formatReplay(result, resources));
  if (values['report-dir'] !== undefined) {
    // With --json, stdout is the result alone: say where the report went on stderr.
    const reportIo = values.json ? { out: io.err, err: io.err } : io;
    await reportRun(
      recordFromReplay(result),
      { plan: inputs.plan, dir: values['report-dir'], figures: false, input: inputs.event },
      reportIo,
    );
  }
  if (!values.json) io.err(result.summary);
  return exitCodeFor(result.outcome);
}
