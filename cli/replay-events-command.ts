import { validateTrigger } from '../functions/validate-trigger/validate-trigger.js';
import { replayEvents } from '../engine/event-replay.js';
import { loadPlanFile, readJsonFile } from '../engine/files.js';
import { recordFromReplay, resourceOutcomes, runRecordFromTables } from '../engine/report/index.js';
import { loadScenario } from '../engine/sim/index.js';
import { DEFAULT_PLAN, EXIT, type CliIo } from './cli-io.js';
import { formatReplay } from './format.js';
import { badInputLine, isBadInput } from './command-inputs.js';
import type { ReplayArgs } from './replay-command.js';
import { exitCodeFor, reportRun } from './report-output.js';

/**
 * `failover replay <event.json> <event.json>...`: one execution per event on one simulated AWS,
 * each delivered at its event's `time` (offset from the earliest), the alarm events driving the
 * simulated alarms (engine/event-replay.ts). Prints each execution in delivery order; the exit
 * code is the worst of theirs (0 only if every execution ended 0).
 */
export async function replayEventsCommand({ positionals, values }: ReplayArgs, io: CliIo): Promise<number> {
  let inputs;
  try {
    const [plan, scenario, ...events] = await Promise.all([
      loadPlanFile(values.plan ?? DEFAULT_PLAN),
      values.scenario === undefined ? Promise.resolve(undefined) : loadScenario(values.scenario),
      ...positionals.map((path) => readJsonFile(path, 'event')),
    ]);
    // The workflow's first check, on every event before anything starts: a malformed one is bad input.
    for (const event of events)
      validateTrigger(
        { event, executionId: 'preflight', executionStartedAt: new Date().toISOString() },
        plan,
      );
    inputs = { plan: plan as Awaited<ReturnType<typeof loadPlanFile>>, scenario, events };
  } catch (error) {
    if (isBadInput(error)) {
      io.err(badInputLine(error));
      return EXIT.badInput;
    }
    throw error;
  }
  const { executions } = await replayEvents({
    plan: inputs.plan,
    events: inputs.events,
    ...(inputs.scenario !== undefined
      ? { scenario: inputs.scenario as NonNullable<typeof inputs.scenario> }
      : {}),
  });
  const results = executions.map((result) => ({
    ...result,
    resources: resourceOutcomes(runRecordFromTables(result.cloud.tables, result.executionName), inputs.plan),
  }));
  if (values.json) io.out(JSON.stringify({ executions: results }, null, 2));
  else io.out(results.map((result) => formatReplay(result, result.resources)).join('\n\n'));
  if (values['report-dir'] !== undefined) {
    const reportIo = values.json ? { out: io.err, err: io.err } : io;
    for (const result of executions)
      await reportRun(
        recordFromReplay(result),
        { plan: inputs.plan, dir: values['report-dir'], figures: false },
        reportIo,
      );
  }
  if (!values.json) for (const result of executions) io.err(`${result.executionName}: ${result.summary}`);
  return Math.max(...executions.map((result) => exitCodeFor(result.outcome)));
}
