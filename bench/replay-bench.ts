// `npm run bench`: replay speed and simulated RTO, for the example plan (1 database + 1 group)
// and a 50-resource plan (25 databases + 25 groups), and AWS's hard limits at the edges of what
// the plan schema allows (bench/extreme-plans.ts). Prints numbers and the targets; exits 1 when
// a target is missed. `npm run bench -- --json` prints one JSON object instead.
// Targets (simulated time, ratios and counts; wall times are printed for information only:
// these machines are shared and noisy): RTO / critical path <= 1.10, 50-resource RTO <= 1.3 x the small one; largest state of the
// largest plan <= 65,536 bytes; history of the longest execution <= 20,000 events; every
// Lambda bundle `npm run synth` builds <= 500 KiB; the orchestrator's own share of the RTO (the
// mean over promotions of 300-329 s of RTO - critical path of the AWS durations - confirm window)
// <= 3 s; a groups-only plan's RTO with prewarm <= 0.7 x without.
import '../engine/polyfills.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parsePlan, type Plan, type PlanInput } from '../functions/common/plan.js';
import { replay } from '../engine/runner.js';
import { bundleSizes } from '../infra/bundle-sizes.js';
import { largestPlan, longestExecution } from './extreme-plans.js';

const JSON_OUTPUT = process.argv.includes('--json');
/** Progress lines go to stderr with --json, so stdout holds the one JSON object. */
const say = (line: string) => (JSON_OUTPUT ? process.stderr.write(`${line}\n`) : console.log(line));

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const EVENT = 'events/route53-health-alarm.json';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function largePlan(base: PlanInput, size: number): PlanInput {
  const ids = Array.from({ length: size }, (_, i) => String(i + 1).padStart(2, '0'));
  return {
    ...base,
    name: `${base.name}-large`,
    databases: ids.map((id) => ({ id: `db${id}`, replica: `shop-db${id}-replica`, maxLagSeconds: 30 })),
    scalingGroups: ids.map((id) => ({ name: `shop-app${id}-usw2`, min: 2, desired: 4, max: 8 })),
    parameters: [
      ...ids.map((id) => ({ name: `/shop/db${id}/host`, value: `{{databases.db${id}.endpoint}}` })),
      { name: '/shop/active-region', value: '{{recoveryRegion}}' },
    ],
  };
}

interface Figures {
  readonly label: string;
  readonly inProcessMedianMs: number;
  readonly inProcessP90Ms: number;
  readonly cliMedianMs: number;
  readonly tsxMedianMs: number;
  readonly rtoSeconds: number;
  readonly criticalPathSeconds: number;
  readonly heapUsedMb: number;
  readonly historyEvents: number;
  readonly largestStateBytes: number;
}

async function measure(label: string, plan: Plan, planFile: string): Promise<Figures> {
  const event = JSON.parse(readFileSync(EVENT, 'utf8')) as unknown;
  await replay({ plan, event }); // warm-up: module load and JIT
  const times: number[] = [];
  let last;
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    last = await replay({ plan, event });
    times.push(performance.now() - start);
    if (last.outcome !== 'succeeded') throw new Error(`${label}: replay ${last.outcome}: ${last.summary}`);
  }
  // The installed command (bin/failover.js, running the bundle), and the sources through tsx.
  const wall = (args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < CLI_RUNS; i += 1) {
      const start = performance.now();
      execFileSync(process.execPath, [...args, 'replay', EVENT, '--plan', planFile], { stdio: 'ignore' });
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const cliMedianMs = wall(['bin/failover.js']);
  const tsxMedianMs = wall(['--import', 'tsx', 'cli/main.ts']);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    label,
    inProcessMedianMs: median(times),
    inProcessP90Ms: sorted[Math.floor(sorted.length * 0.9)]!,
    cliMedianMs,
    tsxMedianMs,
    rtoSeconds: last!.rtoSeconds!,
    criticalPathSeconds: last!.criticalPathSeconds,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    historyEvents: last!.historyEvents,
    largestStateBytes: last!.largestStateBytes,
  };
}

execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
const baseInput = parseYaml(readFileSync('examples/shop-prod.plan.yaml', 'utf8')) as PlanInput;
const dir = mkdtempSync(join(tmpdir(), 'failover-bench-'));
const largeFile = join(dir, 'large.plan.json');
const largeInput = largePlan(baseInput, 25);
writeFileSync(largeFile, JSON.stringify(largeInput));

const small = await measure('1 database + 1 group', parsePlan(baseInput), 'examples/shop-prod.plan.yaml');
const large = await measure('25 databases + 25 groups', parsePlan(largeInput), largeFile);

/**
 * The orchestrator's own share of the RTO: for each promotion duration of 300-329 s (one replay
 * each of the example plan), the simulated RTO minus the critical path of the AWS durations (the
 * slowest resource: the promotion) minus the confirm window, averaged. What is left is the
 * orchestrator's: EventBridge's delivery of the alarm (1 s in a replay), its steps' calls, and how
 * late each poll sees a change done.
 */
async function orchestratorOverhead(plan: Plan): Promise<number> {
  const event = JSON.parse(readFileSync(EVENT, 'utf8')) as unknown;
  const confirm = plan.triggers.confirmSeconds;
  const overheads: number[] = [];
  for (let duration = 300; duration < 330; duration += 1) {
    const result = await replay({
      plan,
      event,
      scenario: { promotion: { '*': { durationSeconds: duration } } },
    });
    if (result.outcome !== 'succeeded' || result.rtoSeconds === null)
      throw new Error(`promotion of ${duration} s: replay ${result.outcome}: ${result.summary}`);
    const awsCriticalPath = result.criticalPathSeconds - confirm;
    overheads.push(result.rtoSeconds - awsCriticalPath - confirm);
  }
  return overheads.reduce((sum, value) => sum + value, 0) / overheads.length;
}

/** The simulated RTO of the example plan's groups alone (no database, no parameter), with and without prewarm. */
async function prewarmRtos(base: PlanInput): Promise<{ without: number; prewarmed: number }> {
  const event = JSON.parse(readFileSync(EVENT, 'utf8')) as unknown;
  const rto = async (prewarm: boolean) => {
    const plan = parsePlan({ ...base, databases: [], parameters: [], prewarm });
    const result = await replay({ plan, event });
    if (result.outcome !== 'succeeded' || result.rtoSeconds === null)
      throw new Error(`groups only, prewarm ${prewarm}: replay ${result.outcome}: ${result.summary}`);
    return result.rtoSeconds;
  };
  return { without: await rto(false), prewarmed: await rto(true) };
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const rows: [string, string, boolean][] = [];
for (const figures of [small, large]) {
  const ratio = figures.rtoSeconds / figures.criticalPathSeconds;
  say(`\n${figures.label}`);
  say(
    `  in-process replay   median ${fmt(figures.inProcessMedianMs)} ms, p90 ${fmt(figures.inProcessP90Ms)} ms over ${RUNS} runs (for information: 50 ms on a quiet machine)`,
  );
  say(
    `  CLI replay (wall)   median ${fmt(figures.cliMedianMs, 0)} ms over ${CLI_RUNS} runs of bin/failover.js (for information: 1.5 s on a quiet machine); sources via tsx ${fmt(figures.tsxMedianMs, 0)} ms`,
  );
  say(
    `  simulated RTO       ${fmt(figures.rtoSeconds)} s; critical path ${fmt(figures.criticalPathSeconds)} s; ratio ${fmt(ratio, 3)} (target <= 1.10)`,
  );
  say(`  heap used           ${fmt(figures.heapUsedMb)} MB`);
  say(
    `  AWS limits          ${figures.historyEvents} history events (quota 25,000); largest state ${figures.largestStateBytes} bytes (quota 262,144)`,
  );
  rows.push([`${figures.label}: RTO / critical path`, fmt(ratio, 3), ratio <= 1.1]);
}
const scale = large.rtoSeconds / small.rtoSeconds;
say(`\n50-resource RTO / small RTO: ${fmt(scale, 3)} (target <= 1.30)`);
rows.push(['50-resource RTO / small RTO', fmt(scale, 3), scale <= 1.3]);

const overheadSeconds = await orchestratorOverhead(parsePlan(baseInput));
say(
  `orchestrator overhead: ${fmt(overheadSeconds, 2)} s (mean over promotions of 300-329 s of RTO - critical path of the AWS durations - confirm window; target <= 3)`,
);
rows.push(['orchestrator overhead (s)', fmt(overheadSeconds, 2), overheadSeconds <= 3]);
const groupsOnly = await prewarmRtos(baseInput);
const prewarmRatio = groupsOnly.prewarmed / groupsOnly.without;
say(
  `groups-only RTO with prewarm / without: ${fmt(groupsOnly.prewarmed)} s / ${fmt(groupsOnly.without)} s = ${fmt(prewarmRatio, 3)} (target <= 0.70)`,
);
rows.push(['groups-only RTO with prewarm / without', fmt(prewarmRatio, 3), prewarmRatio <= 0.7]);

// AWS's hard limits at the edges of the schema, counted by the engine itself.
const event = JSON.parse(readFileSync(EVENT, 'utf8')) as unknown;
const largest = await replay({ plan: parsePlan(largestPlan(baseInput)), event });
if (largest.outcome !== 'succeeded') throw new Error(`largest plan: ${largest.summary}`);
const longestInput = longestExecution(baseInput);
const longest = await replay({
  plan: parsePlan(longestInput.plan),
  event,
  scenario: longestInput.scenario,
});
if (longest.outcome !== 'succeeded') throw new Error(`longest execution: ${longest.summary}`);
if (!existsSync('cdk.out/manifest.json')) {
  say('\nno cdk.out: running npm run synth to measure the Lambda bundles');
  execFileSync('npm', ['run', '--silent', 'synth'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const bundles = bundleSizes('cdk.out');
const largestBundle = bundles[0];
if (largestBundle === undefined) throw new Error('cdk.out holds no orchestrator function bundle');
const largestStateBytes = Math.max(largest.largestStateBytes, longest.largestStateBytes);
say(
  `\nlargest plan (100 databases, 100 groups, 200 parameters, longest names): largest state ${largest.largestStateBytes} bytes (target <= 65536; quota 262144); ${largest.historyEvents} history events`,
);
say(
  `longest execution (${fmt(longest.durationSeconds / 3600)} simulated hours: every wait and timeout at its maximum, replicas backing up first, throttled calls and invocations): ${longest.historyEvents} history events (target <= 20000; quota 25000); largest state ${longest.largestStateBytes} bytes`,
);
say(
  `largest Lambda bundle: ${largestBundle.functionId} ${largestBundle.bytes} bytes (target <= 512000); its asset with the source map ${largestBundle.assetBytes} bytes`,
);
rows.push([
  'largest state of the largest plan (bytes)',
  String(largestStateBytes),
  largestStateBytes <= 65_536,
]);
rows.push([
  'history events of the longest execution',
  String(longest.historyEvents),
  longest.historyEvents <= 20_000,
]);
rows.push(['largest Lambda bundle (bytes)', String(largestBundle.bytes), largestBundle.bytes <= 512_000]);

const missed = rows.filter(([, , ok]) => !ok);
say(`\n${rows.length - missed.length} of ${rows.length} targets met`);
for (const [what, value] of missed) say(`  MISSED: ${what} = ${value}`);
if (JSON_OUTPUT) {
  const figuresOf = (figures: Figures) => ({
    inProcessReplayMedianMs: Number(fmt(figures.inProcessMedianMs)),
    inProcessReplayP90Ms: Number(fmt(figures.inProcessP90Ms)),
    cliReplayMedianMs: Math.round(figures.cliMedianMs),
    tsxReplayMedianMs: Math.round(figures.tsxMedianMs),
    rtoSeconds: figures.rtoSeconds,
    criticalPathSeconds: figures.criticalPathSeconds,
    rtoOverCriticalPath: Number((figures.rtoSeconds / figures.criticalPathSeconds).toFixed(3)),
    historyEvents: figures.historyEvents,
    largestStateBytes: figures.largestStateBytes,
  });
  console.log(
    JSON.stringify({
      largestStateBytes,
      worstCaseHistoryEvents: longest.historyEvents,
      largestBundleBytes: largestBundle.bytes,
      largestBundleFunction: largestBundle.functionId,
      bundles: Object.fromEntries(bundles.map((bundle) => [bundle.functionId, bundle.bytes])),
      longestExecutionSimulatedSeconds: longest.durationSeconds,
      small: figuresOf(small),
      large: figuresOf(large),
      largeRtoOverSmallRto: Number(scale.toFixed(3)),
      orchestratorOverheadSeconds: Number(overheadSeconds.toFixed(2)),
      prewarmRtoRatio: Number(prewarmRatio.toFixed(3)),
      groupsOnlyRtoSeconds: { withoutPrewarm: groupsOnly.without, withPrewarm: groupsOnly.prewarmed },
      targetsMet: rows.length - missed.length,
      targets: rows.length,
      missed: missed.map(([what, value]) => ({ what, value })),
    }),
  );
}
process.exitCode = missed.length === 0 ? 0 : 1;
