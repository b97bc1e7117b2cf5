/**
 * `npm run faults [-- --plan <file>] [--event <file>]`: replays the failover once per (AWS
 * operation the workflow calls) × (fault) × (persistent | transient | late), and once per (Task
 * state) × (Lambda fault), and prints what each scenario ended in; for the plan as given and
 * for the same plan with several resources of each kind (engine/faults/plans.ts). Exit codes: 0 every scenario succeeded or stopped with a notification
 * that names the step, the error and what was done (or could not notify because SNS itself was
 * down); 1 at least one silent partial state or missing notification; 2 bad arguments or files,
 * or a fault-free replay that does not succeed (the matrix would be meaningless).
 * `--direction failback` runs it on the failback leg of the whole cycle instead (default plan
 * examples/shop-failback.plan.yaml).
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

type Plan = ReturnType<typeof parsePlan>;

function readInputs(): {
  planFile: string;
  eventFile: string;
  plans: readonly { readonly title: string; readonly plan: Plan }[];
  event: unknown;
} {
  const { values } = parseArgs({
    options: { plan: { type: 'string' }, event: { type: 'string' }, direction: { type: 'string' } },
    strict: true,
  });
  const planFile = values.plan ?? DEFAULT_PLAN;
  const eventFile = values.event ?? DEFAULT_EVENT;
  const document = parseYaml(readFileSync(planFile, 'utf8')) as Parameters<
    typeof faults.severalOfEachKind
  >[0];
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  const several = faults.severalOfEachKind(document);
  return {
    planFile,
    eventFile,
    plans: [
      { title: planFile, plan: parsePlan(document, planFile) },
      {
        title: `${planFile} with several resources of each kind (${several.databases?.length ?? 0} databases, ${several.scalingGroups?.length ?? 0} groups, ${several.parameters?.length ?? 0} parameters)`,
        plan: parsePlan(several, planFile),
      },
    ],
    event,
  };
}

type Report = Awaited<ReturnType<typeof faults.runFaultMatrix>>;

/** `--direction failback`: the matrix on the failback leg of the whole cycle (engine/faults/failback-matrix.ts). */
async function failbackMain(planFile: string): Promise<number> {
  const { runFailbackFaultMatrix } = await import('../engine/faults/failback-matrix.js');
  let report;
  try {
    const plan = parsePlan(parseYaml(readFileSync(planFile, 'utf8')), planFile);
    report = await runFailbackFaultMatrix(plan);
  } catch (error) {
    process.stderr.write(`fault matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  for (const row of report.rows)
    process.stdout.write(
      `${row.case.operation.service}:${row.case.operation.region}:${row.case.operation.operation} ${row.case.fault} ${row.case.duration}: ${row.verdict} (${row.outcome}${row.error !== undefined ? `, ${row.error}` : ''}) ${row.lastNotice ?? '(no notice)'}\n`,
    );
  process.stdout.write(
    `\nTotals: failback of ${planFile}\n${JSON.stringify(report.totals)} in ${report.wallMs} ms\n`,
  );
  const broken = report.rows.filter((row) => row.problems.length > 0);
  for (const row of broken)
    process.stderr.write(
      `${row.case.operation.operation} ${row.case.fault} ${row.case.duration}: ${row.problems.join('; ')}\n`,
    );
  return broken.length === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const direction = parseArgs({
    options: { plan: { type: 'string' }, event: { type: 'string' }, direction: { type: 'string' } },
    strict: true,
  }).values;
  if (direction.direction === 'failback')
    return failbackMain(direction.plan ?? 'examples/shop-failback.plan.yaml');
  if (direction.direction !== undefined && direction.direction !== 'failover') {
    process.stderr.write(`fault matrix: --direction is failover or failback, not ${direction.direction}\n`);
    return 2;
  }
  let inputs: ReturnType<typeof readInputs>;
  const reports: { title: string; report: Report }[] = [];
  try {
    inputs = readInputs();
    for (const { title, plan } of inputs.plans)
      reports.push({ title, report: await faults.runFaultMatrix(plan, inputs.event) });
  } catch (error) {
    process.stderr.write(`fault matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const blocks: string[] = [];
  let broken = 0;
  for (const { title, report } of reports) {
    process.stdout.write(`Fault matrix: ${title}, ${inputs.eventFile}\n\n`);
    process.stdout.write(`${faults.formatMatrixRows(report.rows)}\n\n`);
    process.stdout.write(`${faults.formatLambdaRows(report.lambdaRows)}\n\n`);
    process.stdout.write(
      `Not applicable (the simulator rejects them, or a lost response on a read): ${faults.formatNotApplicable(report)}\n\n`,
    );
    const rows = faults.violations(report);
    const lambdaRows = faults.lambdaViolations(report);
    broken += rows.length + lambdaRows.length;
    blocks.push(
      ...[faults.formatViolations(rows), faults.formatLambdaViolations(lambdaRows)]
        .filter(Boolean)
        .map((block) => `${title}:\n${block}`),
    );
  }
  // The totals of every plan together at the end, where a reader looks first.
  for (const { title, report } of reports)
    process.stdout.write(`Totals: ${title}\n${faults.formatMatrixTotals(report)}\n\n`);
  if (broken === 0) return 0;
  process.stderr.write(`\n${broken} scenario(s) break the rule:\n${blocks.join('\n')}\n`);
  return 1;
}

process.exitCode = await main();
