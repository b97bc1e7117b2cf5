import './polyfills.js';
import './local-env.js';
import FakeTimers from '@sinonjs/fake-timers';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { setClientInterceptor } from '../functions/common/aws-clients.js';
import type { Plan } from '../functions/common/plan.js';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS as DEFAULT_STEP_TIMEOUT_SECONDS } from '../infra/function-settings.js';
import { parseAlarmTimestamp } from '../functions/validate-trigger/validate-trigger.js';
import {
  runClock,
  startExecution,
  type Clock,
  type ExecutionSpec,
  type Running,
} from './execution-driver.js';
import { capInlineMapConcurrency } from './limits/map-concurrency.js';
import { installApprover, scenarioApprover, type ApprovalEvent, type Approver } from './approver.js';
import { localHandlerFactory, taskStateNames, type LocalStepHandler } from './local-lambda.js';
import { newRecording, type ExecutionRecording } from './recording.js';
import { lockOf, outcomeOf, rtoOf, summaryOf, type ReplayLock, type ReplayOutcome } from './replay-result.js';
import {
  createSimulatedCloud,
  DEFAULT_START_TIME,
  setSoleExecution,
  type CallRecord,
  type CloudSnapshot,
  type Scenario,
  type SimulatedCloud,
} from './sim/index.js';
import { stepFunctionsFor, type StepHandler } from './step-registry.js';
import { buildWorkflow } from '../state-machines/workflow-builder.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';

export type { ReplayLock, ReplayOutcome } from './replay-result.js';

const LOCAL_ACCOUNT = '000000000000';

export interface ReplayResult {
  readonly outcome: ReplayOutcome;
  /** One line saying what happened. */
  readonly summary: string;
  readonly executionName: string;
  /** The execution's ARN (`$$.Execution.Id`): what the lock item names as holder. */
  readonly executionArn: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** Simulated seconds from execution start to end. */
  readonly durationSeconds: number;
  /** Trigger (alarm timestamp or drill time) to the last parameter repointed; succeeded runs only. */
  readonly rtoSeconds: number | null;
  /** What an ideal orchestrator could not beat, from the scenario's AWS durations. */
  readonly criticalPathSeconds: number;
  readonly error?: { readonly error: string; readonly cause: string };
  readonly output: unknown;
  /** What the failover lock decided (acquired, duplicate, refused) and whether it was released; null when never reached. */
  readonly lock: ReplayLock | null;
  readonly timeline: readonly TimelineEntry[];
  /** The simulated cloud at the end of the replay (shared by every execution of a concurrent replay). */
  readonly cloud: CloudSnapshot;
  /** Attempts of mutating calls this execution made. */
  readonly mutatingCalls: number;
  /** Attempts of AWS calls this execution made. */
  readonly apiCalls: number;
  /** Real milliseconds the replay took on this machine (the whole batch, for a concurrent replay). */
  readonly wallMs: number;
  /** Events in the execution's history as AWS counts them (the quota is 25,000: engine/limits/). */
  readonly historyEvents: number;
  /** The largest state input or output, or task result, of the execution (UTF-8 bytes; the quota is 262,144). */
  readonly largestStateBytes: number;
  /** Every state's input and output and every Lambda Task's I/O; only with `record: true`. */
  readonly recording?: ExecutionRecording;
  /** This execution's approval requests: what the approver chose and whether the answer was taken. */
  readonly approvals: readonly ApprovalEvent[];
}

/**
 * A definition to run instead of the failover workflow, with the local handler serving each Task
 * Resource: for engine tests and cross-checks of any ASL.
 */
export interface LocalWorkflow {
  readonly definition: StateMachineDefinition;
  /** Handlers by the Task states' `Resource`. */
  readonly handlers: Readonly<Record<string, LocalStepHandler>>;
}

interface RunSettings {
  /** Who answers the approval requests (plans with `approval`). @default the scenario's `approval` */
  readonly approver?: Approver;
  /** @default the failover definition for the plan, served by the step handlers */
  readonly workflow?: LocalWorkflow;
  /** The steps' Lambda function timeout. @default DEFAULT_STEP_TIMEOUT_SECONDS (60, as CDK deploys them) */
  readonly functionTimeoutSeconds?: number;
  /** Keep each whole execution in its `recording`. @default false */
  readonly record?: boolean;
}

export interface ReplayOptions {
  readonly plan: Plan;
  /** Who answers the approval request (plans with `approval`). @default the scenario's `approval`: approved at once */
  readonly approver?: Approver;
  /** The execution input: an EventBridge event or a drill request. */
  readonly event: unknown;
  readonly scenario?: Scenario;
  /** A cloud built beforehand, e.g. to inspect or share it; by default one is built from plan and scenario. */
  readonly cloud?: SimulatedCloud;
  readonly executionName?: string;
  readonly workflow?: LocalWorkflow;
  readonly functionTimeoutSeconds?: number;
  /** Keep the whole execution in `recording` (for the cross-check on a second engine). @default false */
  readonly record?: boolean;
}

export interface ConcurrentReplayOptions {
  readonly plan: Plan;
  /** Who answers the approval requests. @default the scenario's `approval`: approved at once */
  readonly approver?: Approver;
  /** One execution per event, or `count` executions of the same event (an at-least-once delivery storm). */
  readonly events: readonly unknown[] | { readonly event: unknown; readonly count: number };
  readonly scenario?: Scenario;
  /** A cloud built beforehand (e.g. holding a lock left by a crashed execution); by default built from plan and scenario. */
  readonly cloud?: SimulatedCloud;
  /** Executions start evenly spread over this many simulated milliseconds, in order. @default 0 (all at once) */
  readonly startSpreadMs?: number;
  /** Each execution's start, in simulated milliseconds after the first (one per event; overrides startSpreadMs). */
  readonly startOffsetsMs?: readonly number[];
  /** Execution names are `<prefix>-<n>` (n from 1, zero-padded). @default `replay-<start epoch ms>` */
  readonly executionNamePrefix?: string;
  readonly workflow?: LocalWorkflow;
  readonly functionTimeoutSeconds?: number;
  /** Keep each whole execution in its `recording`. @default false */
  readonly record?: boolean;
}

export interface ConcurrentReplayResult {
  /** One result per execution, in start order. */
  readonly executions: readonly ReplayResult[];
  /** The shared simulated cloud at the end. */
  readonly cloud: CloudSnapshot;
  /** Every attempt of every AWS call, in order, each tagged with the `executionArn` that made it. */
  readonly calls: readonly CallRecord[];
  /** The approval requests answered (or left unanswered) during the replay. */
  readonly approvals: readonly ApprovalEvent[];
  /** Real milliseconds the whole batch took. */
  readonly wallMs: number;
}

/**
 * Builds the plan's workflow definition (the builder CDK deploys from) and substitutes `${Var}`
 * with local function ARNs, exactly as CDK does with real ones.
 */
export async function loadDefinition(plan: Plan): Promise<{
  definition: StateMachineDefinition;
  handlers: Map<string, StepHandler>;
  /** Each local function ARN's function id (a workflow step's folder or a kind's id). */
  functionIds: Map<string, string>;
}> {
  const functions = await stepFunctionsFor(plan);
  const byVariable = new Map(functions.map((entry) => [entry.variable, entry]));
  const handlers = new Map<string, StepHandler>();
  const functionIds = new Map<string, string>();
  const text = JSON.stringify(buildWorkflow(plan)).replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
    const entry = byVariable.get(name);
    if (entry === undefined) throw new Error(`no local handler for substitution \${${name}}`);
    const arn = `arn:aws:lambda:${plan.recoveryRegion}:${LOCAL_ACCOUNT}:function:failover-${entry.id}`;
    handlers.set(arn, entry.handler);
    functionIds.set(arn, entry.id);
    return arn;
  });
  return { definition: JSON.parse(text) as StateMachineDefinition, handlers, functionIds };
}

/** The definition to run and the handler serving each Task Resource. */
async function workflowOf(
  plan: Plan,
  workflow: LocalWorkflow | undefined,
): Promise<{
  definition: StateMachineDefinition;
  handlerFor: (resource: string) => LocalStepHandler | undefined;
}> {
  if (workflow !== undefined)
    return { definition: workflow.definition, handlerFor: (resource) => workflow.handlers[resource] };
  const { definition, handlers } = await loadDefinition(plan);
  return { definition, handlerFor: (resource) => handlers.get(resource) };
}

/**
 * Where simulated time starts: one second after the trigger (EventBridge delivery), so that
 * the RTO counted from the alarm's own timestamp includes nothing that did not happen.
 */
export function startTimeFor(event: unknown, scenario: Scenario): number {
  if (scenario.startTime !== undefined) return Date.parse(scenario.startTime);
  const record = (event ?? {}) as { time?: unknown; detail?: { state?: { timestamp?: unknown } } };
  const stamp = record.detail?.state?.timestamp ?? record.time;
  if (typeof stamp === 'string') {
    try {
      return Date.parse(parseAlarmTimestamp(stamp)) + 1_000;
    } catch {
      // not a timestamp: the replay still runs, from the default start
    }
  }
  return Date.parse(DEFAULT_START_TIME);
}

/** The cloud `replay` would build for this event: scenario seconds count from the replay's start. */
export function createReplayCloud(plan: Plan, event: unknown, scenario: Scenario = {}): SimulatedCloud {
  return createSimulatedCloud(plan, {
    ...scenario,
    startTime: new Date(startTimeFor(event, scenario)).toISOString(),
  });
}

/** The state machine's ARN as the runner names executions: `…:execution:failover-<plan>:<name>`. */
const executionArnFor = (plan: Plan, name: string): string =>
  `arn:aws:states:${plan.recoveryRegion}:${LOCAL_ACCOUNT}:execution:failover-${plan.name}:${name}`;

/** Runs the executions on one simulated cloud and one virtual clock; the clock must be installed. */
async function runExecutions(
  plan: Plan,
  cloud: SimulatedCloud,
  specs: readonly ExecutionSpec[],
  clock: Clock,
  wallStart: number,
  settings: RunSettings,
): Promise<ConcurrentReplayResult> {
  const { definition, handlerFor } = await workflowOf(plan, settings.workflow);
  cloud.lambdaFaults.checkStates(taskStateNames(definition));
  const machine = new StateMachine(capInlineMapConcurrency(definition), {
    validationOptions: { noValidate: true },
  });
  const functionTimeoutMs = (settings.functionTimeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS) * 1_000;
  const runs: Running[] = specs.map((spec) => ({
    spec,
    executionArn: executionArnFor(plan, spec.name),
    events: [],
    startedAtMs: 0,
    endedAtMs: 0,
    ...(settings.record === true ? { recording: newRecording() } : {}),
  }));
  const recordings = new Map(runs.map((run) => [run.executionArn, run.recording]));
  const handlersFor = localHandlerFactory(
    definition,
    handlerFor,
    settings.record === true
      ? (executionArn, call) => recordings.get(executionArn)?.tasks.push(call)
      : undefined,
  );
  setSoleExecution(runs.length === 1 ? runs[0]?.executionArn : undefined);
  const holds = new Set<Promise<unknown>>();
  const approvals: ApprovalEvent[] = [];
  installApprover(
    plan,
    cloud,
    settings.approver ?? scenarioApprover(cloud.scenario.approval),
    holds,
    approvals,
  );
  try {
    for (const run of runs) {
      const start = () =>
        startExecution(
          machine,
          cloud,
          (limits) =>
            handlersFor(run.executionArn, {
              functionTimeoutMs,
              faults: cloud.lambdaFaults,
              limits,
              callbacks: cloud.stepFunctions,
            }),
          run,
        );
      if (run.spec.offsetMs > 0) setTimeout(start, run.spec.offsetMs);
      else start();
    }
    await runClock(clock, () => runs.every((run) => run.settled !== undefined), holds);
    // Work still in flight (a stopped execution's last Lambda invocation) finishes, as it would in AWS.
    await runClock(clock, () => clock.countTimers() === 0, holds);
    await Promise.all(runs.map((run) => run.collecting));
  } finally {
    setSoleExecution(undefined);
    cloud.stepFunctions.onTaskWaiting = undefined;
  }

  const calls = cloud.calls;
  const byExecution = new Map<string | null, CallRecord[]>();
  for (const call of calls) {
    const list = byExecution.get(call.executionArn);
    if (list) list.push(call);
    else byExecution.set(call.executionArn, [call]);
  }
  const snapshot = cloud.snapshot();
  const criticalPathSeconds = cloud.criticalPathSeconds(plan);
  const wallMs = Math.round((performance.now() - wallStart) * 10) / 10;
  const executions = runs.map((run): ReplayResult => {
    const settled = run.settled!;
    const output = settled.status === 'SUCCEEDED' ? (settled.output ?? null) : null;
    const outcome = outcomeOf(settled);
    const own = byExecution.get(run.executionArn) ?? [];
    return {
      outcome,
      summary: summaryOf(outcome, settled),
      executionName: run.spec.name,
      executionArn: run.executionArn,
      startedAt: new Date(run.startedAtMs).toISOString(),
      endedAt: new Date(run.endedAtMs).toISOString(),
      durationSeconds: Math.round((run.endedAtMs - run.startedAtMs) / 100) / 10,
      rtoSeconds: outcome === 'succeeded' ? rtoOf(output) : null,
      criticalPathSeconds,
      ...(settled.status !== 'SUCCEEDED' ? { error: settled.error } : {}),
      output,
      lock: lockOf(run.events),
      timeline: buildTimeline(run.events, run.startedAtMs),
      cloud: snapshot,
      mutatingCalls: own.filter((call) => call.mutating).length,
      apiCalls: own.length,
      wallMs,
      historyEvents: run.limits?.historyEvents ?? 0,
      largestStateBytes: run.limits?.largestStateBytes ?? 0,
      approvals: approvals.filter((event) => event.executionArn === run.executionArn),
      ...(run.recording ? { recording: run.recording } : {}),
    };
  });
  return { executions, cloud: snapshot, calls, wallMs, approvals };
}

/**
 * Installs the virtual clock at `startMs`, points the SDK clients and the steps' environment at
 * the cloud, runs, and undoes all of it.
 */
export async function withSimulation<T>(
  plan: Plan,
  cloud: SimulatedCloud,
  startMs: number,
  work: (clock: Clock) => Promise<T>,
): Promise<T> {
  const clock = FakeTimers.install({
    now: startMs,
    // A 50-resource failover runs thousands of simulated timers (waits, retries, API latency).
    loopLimit: 1_000_000,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
  });
  const env = {
    FAILOVER_PLAN: process.env.FAILOVER_PLAN,
    FAILOVER_TOPIC_ARN: process.env.FAILOVER_TOPIC_ARN,
    FAILOVER_LOCK_TABLE: process.env.FAILOVER_LOCK_TABLE,
    FAILOVER_ACCOUNT_ID: process.env.FAILOVER_ACCOUNT_ID,
  };
  // jsonpath-plus (inside aws-local-stepfunctions) throws and catches an Error for every
  // JSONPath that selects a scalar; capturing those stacks was the largest cost of a replay.
  // Replays report errors by name and message, so stacks are not captured while one runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    setClientInterceptor(cloud.interceptor);
    process.env.FAILOVER_PLAN = JSON.stringify(plan);
    process.env.FAILOVER_TOPIC_ARN = cloud.topicArn;
    process.env.FAILOVER_LOCK_TABLE = cloud.lockTableName;
    // The simulated account (its topic's) is the one the orchestrator runs in: its alarms are trusted.
    process.env.FAILOVER_ACCOUNT_ID = cloud.topicArn.split(':')[4] ?? '';
    return await work(clock);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    setClientInterceptor(undefined);
    clock.uninstall();
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * Runs many executions of the real state machine at once against one simulated AWS on one
 * virtual clock, as EventBridge would start them: each has its own execution ARN, is
 * registered with the simulated Step Functions (what the lock's holder check asks), and its
 * AWS calls are tagged with its ARN in the shared call log.
 */
export async function replayConcurrent(options: ConcurrentReplayOptions): Promise<ConcurrentReplayResult> {
  const wallStart = performance.now();
  const { plan } = options;
  const scenario = options.scenario ?? {};
  const events = Array.isArray(options.events)
    ? (options.events as readonly unknown[])
    : Array.from(
        { length: (options.events as { count: number }).count },
        () => (options.events as { event: unknown }).event,
      );
  if (events.length === 0) throw new Error('replayConcurrent needs at least one event');
  const startMs = startTimeFor(events[0], scenario);
  const cloud =
    options.cloud ?? createSimulatedCloud(plan, { ...scenario, startTime: new Date(startMs).toISOString() });
  const prefix = options.executionNamePrefix ?? `replay-${startMs}`;
  const spread = options.startSpreadMs ?? 0;
  const width = String(events.length).length;
  const specs = events.map((event, i) => ({
    event,
    name: `${prefix}-${String(i + 1).padStart(width, '0')}`,
    offsetMs:
      options.startOffsetsMs?.[i] ?? (events.length > 1 ? Math.round((spread * i) / (events.length - 1)) : 0),
  }));
  return withSimulation(plan, cloud, startMs, (clock) =>
    runExecutions(plan, cloud, specs, clock, wallStart, options),
  );
}

/**
 * Runs the real state machine definition with the real step handlers against a simulated
 * AWS, on a virtual clock: Wait states and retry back-offs take their full simulated time and
 * no real time. The alarm's own timestamp is where simulated time starts, unless the
 * scenario says otherwise.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const wallStart = performance.now();
  const { plan, event } = options;
  const scenario = options.scenario ?? {};
  const startMs = startTimeFor(event, scenario);
  // Scenario seconds count from the replay's start, wherever the event put it.
  const cloud =
    options.cloud ?? createSimulatedCloud(plan, { ...scenario, startTime: new Date(startMs).toISOString() });
  const name = options.executionName ?? `replay-${startMs}`;
  const result = await withSimulation(plan, cloud, startMs, (clock) =>
    runExecutions(plan, cloud, [{ event, name, offsetMs: 0 }], clock, wallStart, options),
  );
  return result.executions[0]!;
}
