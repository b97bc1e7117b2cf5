/**
 * `npm run faults [-- --plan <file>] [--event <file>]`: replays the failover once per (AWS
 * operation the workflow calls) × (fault) × (persistent | transient | late) and prints what
 * each scenario ended in. Exit codes: 0 every scenario succeeded or stopped with a notification
 * that names the step, the error and what was done (or could not notify because SNS itself was
 * down); 1 at least one silent partial state or missing notification; 2 bad arguments or files,
 * or a fault-free replay that does not succeed (the matrix would be meaningless).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const DEFAULT_PLAN = 'examples/shop-prod.plan.yaml';
const DEFAULT_EVENT = 'events/route53-health-alarm.json';

// The step handlers log every step and the logger reads its level when it is created, so this
// must be set before the engine is imported: a matrix of a hundred replays would drown the table.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { parsePlan } = await import('../functions/common/plan.js');
const faults = await import('../engine/faults/index.js');

function readInputs(): {
  planFile: string;
  eventFile: string;
  plan: ReturnType<typeof parsePlan>;
  event: unknown;
} {
  const { values } = parseArgs({
    options: { plan: { type: 'string' }, event: { type: 'string' } },
    strict: true,
  });
  const planFile = values.plan ?? DEFAULT_PLAN;
  const eventFile = values.event ?? DEFAULT_EVENT;
  const plan = parsePlan(parseYaml(readFileSync(planFile, 'utf8')), planFile);
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  return { planFile, eventFile, plan, event };
}

async function main(): Promise<number> {
  let inputs: ReturnType<typeof readInputs>;
  let report: Awaited<ReturnType<typeof faults.runFaultMatrix>>;
  try {
    inputs = readInputs();
    report = await faults.runFaultMatrix(inputs.plan, inputs.event);
  } catch (error) {
    process.stderr.write(`fault matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  process.stdout.write(`Fault matrix: ${inputs.planFile}, ${inputs.eventFile}\n\n`);
  process.stdout.write(`${faults.formatMatrixRows(report.rows)}\n\n`);
  process.stdout.write(`${faults.formatLambdaRows(report.lambdaRows)}\n\n`);
  process.stdout.write(
    `Not applicable (the simulator rejects them): ${faults.formatNotApplicable(report)}\n\n`,
  );
  process.stdout.write(`${faults.formatMatrixTotals(report)}\n`);
  const broken = faults.violations(report);
  const brokenLambda = faults.lambdaViolations(report);
  if (broken.length + brokenLambda.length === 0) return 0;
  const blocks = [faults.formatViolations(broken), faults.formatLambdaViolations(brokenLambda)].filter(
    Boolean,
  );
  process.stderr.write(
    `\n${broken.length + brokenLambda.length} scenario(s) break the rule:\n${blocks.join('\n')}\n`,
  );
  return 1;
}

process.exitCode = await main();
