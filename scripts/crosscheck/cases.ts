import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { loadPlanFileSync } from '../../engine/files.js';
import type { JsonValue } from '../../engine/local-lambda.js';
import type { TaskCall } from '../../engine/recording.js';
import type { StateVisit } from '../../engine/recording.js';
import { loadDefinition, replay, replayConcurrent, type ReplayResult } from '../../engine/runner.js';
import { parseScenario, type Scenario } from '../../engine/sim/index.js';
import { runFailbackCycle } from '../../engine/failback/cycle.js';
import { failbackWorkflow } from '../../engine/failback/definition.js';

/**
 * The executions the cross-check replays locally and hands to moto: one case per execution,
 * holding the definition it ran, its input, every Lambda Task's recorded I/O (what moto's Lambda
 * calls are answered with) and everything the local engine saw (what moto must reproduce).
 */

export interface CrosscheckCase {
  readonly id: string;
  readonly definition: StateMachineDefinition;
  readonly input: unknown;
  readonly executionName: string;
  /** The local execution's ARN: moto's state machine is created in its region, under its name. */
  readonly executionArn: string;
  /** `$$.Execution.StartTime` of the local run (simulated time), given to moto's run too; null: moto's own. */
  readonly startTime: string | null;
  readonly tasks: readonly TaskCall[];
  readonly expected: {
    readonly states: readonly StateVisit[];
    readonly status: string;
    readonly output: JsonValue | null;
    readonly error: string | null;
    readonly cause: string | null;
  };
}

export const EXAMPLE_PLAN_FILE = 'examples/shop-prod.plan.yaml';
export const FAILBACK_PLAN_FILE = 'examples/shop-failback.plan.yaml';
const DEFAULT_EVENT = 'events/route53-health-alarm.json';
const SCENARIOS_DIR = 'events/scenarios';
/** The self-hosted (SSM Run Command) example, its event and scenarios. */
export const LINODE_PLAN_FILE = 'examples/linode-stack.plan.yaml';
const LINODE_EVENT = 'events/linode-health-alarm.json';
export const LINODE_SCENARIOS_DIR = 'events/scenarios/linode';
/**
 * Linode scenarios left out: one Gate or Recover branch fails at its first Task while the sibling
 * branches are between their looks, and how many more looks a sibling makes before the Parallel
 * stops it depends on each engine's timing (moto then asks for a look the local run never made).
 */
export const LINODE_SCENARIOS_NOT_CROSSCHECKED = ['node-offline.json', 'command-fails.json'];

export const DNS_FLAG_PLAN_FILE = 'examples/dns-flag.plan.yaml';
export const DNS_FLAG_SCENARIOS_DIR = 'events/scenarios/dns-flag';
/** Left out for the same reason as the Linode ones: the Route branch fails while its sibling runs. */
export const DNS_FLAG_SCENARIOS_NOT_CROSSCHECKED = ['put-metric-refused.json'];
const FIXTURE_EVENTS_DIR = 'test/fixtures/aws/events';
/**
 * Runs of a plan with a manual approval are left out (a named known difference, pinned by
 * test/crosscheck/known-differences.crosscheck.ts). moto 5.2.1 does serve the callback pattern
 * (`lambda:invoke.waitForTaskToken`, SendTaskSuccess, SendTaskFailure), but the cross-check runs
 * each execution inside its StartExecution call and answers Lambda from the local recording: nobody
 * is there to answer the task token, and moto fails the callback Task (States.Runtime).
 */
export const APPROVAL_NOT_CROSSCHECKED =
  'plans with approval: the callback Task has nobody to answer it on moto';
const crosscheckable = (run: { readonly plan: Plan }): boolean => run.plan.approval === undefined;

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => join(dir, file));
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** 25 databases + 25 scaling groups, each database with its own parameter: the bench's large plan. */
export function largePlan(base: Plan, size = 25): Plan {
  const ids = Array.from({ length: size }, (_, i) => String(i + 1).padStart(2, '0'));
  return parsePlan({
    ...structuredClone(base),
    name: `${base.name}-large`,
    databases: ids.map((id) => ({ id: `db${id}`, replica: `shop-db${id}-replica`, maxLagSeconds: 30 })),
    scalingGroups: ids.map((id) => ({ name: `shop-app${id}-usw2`, min: 2, desired: 4, max: 8 })),
    parameters: [
      ...ids.map((id) => ({ name: `/shop/db${id}/host`, value: `{{databases.db${id}.endpoint}}` })),
      { name: '/shop/active-region', value: '{{recoveryRegion}}' },
    ],
  });
}

/** One recorded replay as a case; the definition is the runner's own, loaded once per plan. */
export function caseOf(id: string, definition: StateMachineDefinition, event: unknown, result: ReplayResult) {
  const recording = result.recording;
  if (recording?.status === undefined) throw new Error(`${id}: the replay was not recorded to its end`);
  return {
    id,
    definition,
    input: event,
    executionName: result.executionName,
    executionArn: result.executionArn,
    startTime: result.startedAt,
    tasks: recording.tasks,
    expected: {
      states: recording.states,
      status: recording.status,
      output: recording.output ?? null,
      error: recording.error ?? null,
      cause: recording.cause ?? null,
    },
  } satisfies CrosscheckCase;
}

interface Run {
  readonly id: string;
  readonly plan: Plan;
  readonly event: unknown;
  readonly scenario?: Scenario;
}

/**
 * Every execution the cross-check compares: each sample event and each scenario against the
 * example plan, each documented AWS event (ignored by the example plan; the alarm ones also
 * against a plan that watches that alarm, so they fail over), the 50-resource plan, the example
 * plan with prewarm (a failover, an abort and a gate refusal, each undoing the prewarm), and a
 * storm of duplicate deliveries (the lock's duplicate path, run concurrently on one cloud).
 */
export async function buildCases(): Promise<CrosscheckCase[]> {
  const plan = loadPlanFileSync(EXAMPLE_PLAN_FILE);
  const defaultEvent = readJson(DEFAULT_EVENT);
  const runs: Run[] = [];
  for (const file of jsonFiles('events'))
    runs.push({ id: `event ${basename(file)}`, plan, event: readJson(file) });
  for (const file of jsonFiles(SCENARIOS_DIR)) {
    const scenario = parseScenario(readJson(file), file);
    runs.push({ id: `scenario ${basename(file)}`, plan, event: defaultEvent, scenario });
  }
  for (const file of jsonFiles(FIXTURE_EVENTS_DIR)) {
    const event = readJson(file);
    runs.push({ id: `AWS event ${basename(file)}`, plan, event });
    const alarmName = (event as { detail?: { alarmName?: unknown } }).detail?.alarmName;
    if (basename(file).startsWith('cloudwatch-alarm-state-change') && typeof alarmName === 'string') {
      const watching = parsePlan({
        ...structuredClone(plan),
        triggers: { ...plan.triggers, alarms: [{ name: alarmName, region: 'us-east-1' }] },
      });
      runs.push({ id: `AWS event ${basename(file)} (plan watches it)`, plan: watching, event });
    }
  }
  runs.push({ id: '25 databases + 25 groups', plan: largePlan(plan), event: defaultEvent });
  // Prewarm: the groups raised right after the lock, then failed over, or scaled back.
  const prewarm = parsePlan({ ...structuredClone(plan), prewarm: true });
  for (const name of [undefined, 'alarm-recovers-during-confirm', 'lag-too-high']) {
    const file = name === undefined ? undefined : join(SCENARIOS_DIR, `${name}.json`);
    runs.push({
      id: `prewarm${name === undefined ? '' : ` scenario ${name}.json`}`,
      plan: prewarm,
      event: defaultEvent,
      ...(file === undefined ? {} : { scenario: parseScenario(readJson(file), file) }),
    });
  }
  const linode = loadPlanFileSync(LINODE_PLAN_FILE);
  const linodeEvent = readJson(LINODE_EVENT);
  runs.push({ id: 'Linode example (SSM Run Command)', plan: linode, event: linodeEvent });
  for (const file of jsonFiles(LINODE_SCENARIOS_DIR).filter(
    (path) => !LINODE_SCENARIOS_NOT_CROSSCHECKED.includes(basename(path)),
  )) {
    const scenario = parseScenario(readJson(file), file);
    runs.push({ id: `Linode scenario ${basename(file)}`, plan: linode, event: linodeEvent, scenario });
  }
  const dnsFlags = loadPlanFileSync(DNS_FLAG_PLAN_FILE);
  runs.push({ id: 'DNS flag example', plan: dnsFlags, event: defaultEvent });
  for (const file of jsonFiles(DNS_FLAG_SCENARIOS_DIR).filter(
    (path) => !DNS_FLAG_SCENARIOS_NOT_CROSSCHECKED.includes(basename(path)),
  )) {
    const scenario = parseScenario(readJson(file), file);
    runs.push({ id: `DNS flag scenario ${basename(file)}`, plan: dnsFlags, event: defaultEvent, scenario });
  }

  const kept = runs.filter(crosscheckable);
  const definitions = new Map<Plan, StateMachineDefinition>();
  const definitionOf = async (forPlan: Plan): Promise<StateMachineDefinition> => {
    let definition = definitions.get(forPlan);
    if (definition === undefined) {
      definition = (await loadDefinition(forPlan)).definition;
      definitions.set(forPlan, definition);
    }
    return definition;
  };
  const cases: CrosscheckCase[] = [];
  for (const [n, run] of kept.entries()) {
    const result = await replay({
      plan: run.plan,
      event: run.event,
      ...(run.scenario ? { scenario: run.scenario } : {}),
      executionName: `crosscheck-${n + 1}`,
      record: true,
    });
    cases.push(caseOf(run.id, await definitionOf(run.plan), run.event, result));
  }
  // The failback workflow (issue 10): the failback leg of a whole local cycle (failover, fence,
  // failback) on the example failback plan, and a failback refused on lag.
  const failbackPlan = loadPlanFileSync(FAILBACK_PLAN_FILE);
  const { definition: failbackDefinition } = await failbackWorkflow(failbackPlan);
  for (const [id, scenario] of [
    ['failback of the example failback plan', {}],
    [
      'failback refused on lag',
      parseScenario({ failbackLag: { '*': [{ atSeconds: 0, lagSeconds: 42 }] } }, 'failback lag'),
    ],
  ] as const) {
    const cycle = await runFailbackCycle(failbackPlan, { scenario, record: true });
    const result = cycle.failbackReplay;
    if (result === undefined) throw new Error(`${id}: the cycle ran no failback`);
    cases.push(caseOf(id, failbackDefinition, cycle.failbackEvent, result));
  }
  const storm = await replayConcurrent({
    plan,
    events: { event: defaultEvent, count: 3 },
    executionNamePrefix: 'crosscheck-storm',
    record: true,
  });
  for (const [n, result] of storm.executions.entries())
    cases.push(caseOf(`duplicate delivery ${n + 1} of 3`, await definitionOf(plan), defaultEvent, result));
  return cases;
}
