import './polyfills.js';
import './local-env.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import FakeTimers from '@sinonjs/fake-timers';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { setClientInterceptor } from '../functions/common/aws-clients.js';
import type { Plan } from '../functions/common/plan.js';
import { parseAlarmTimestamp } from '../functions/validate-trigger/validate-trigger.js';
import { createSimulatedCloud, type Scenario, type SimulatedCloud } from './sim/index.js';
import { STEP_HANDLERS, type StepHandler, type SubstitutionVariable } from './step-registry.js';
import { buildTimeline, type EventLog, type TimelineEntry } from './timeline.js';

export const FAILOVER_ASL_PATH = fileURLToPath(new URL('../state-machines/failover.asl.json', import.meta.url));
const LOCAL_ACCOUNT = '000000000000';
/** A warm Lambda invocation's overhead, in simulated milliseconds. */
const INVOKE_LATENCY_MS = 25;
const DEFAULT_START = '2026-01-01T00:00:00.000Z';

type JsonValue = Parameters<StateMachine['run']>[0];

export type ReplayOutcome = 'succeeded' | 'ignored' | 'aborted' | 'failed';

export interface ReplayResult {
  readonly outcome: ReplayOutcome;
  /** One line saying what happened. */
  readonly summary: string;
  readonly executionName: string;
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
  readonly timeline: readonly TimelineEntry[];
  readonly cloud: ReturnType<SimulatedCloud['snapshot']>;
  readonly mutatingCalls: number;
  readonly apiCalls: number;
  /** Real milliseconds the replay took on this machine. */
  readonly wallMs: number;
}

export interface ReplayOptions {
  readonly plan: Plan;
  /** The execution input: an EventBridge event or a drill request. */
  readonly event: unknown;
  readonly scenario?: Scenario;
  /** A cloud built beforehand, e.g. to inspect or share it; by default one is built from plan and scenario. */
  readonly cloud?: SimulatedCloud;
  readonly executionName?: string;
}

/** Reads the ASL and substitutes `${Var}` with local function ARNs, exactly as CDK does with real ones. */
export function loadDefinition(plan: Plan, path = FAILOVER_ASL_PATH): { definition: StateMachineDefinition; arns: Map<string, SubstitutionVariable> } {
  const arns = new Map<string, SubstitutionVariable>();
  const text = readFileSync(path, 'utf8').replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
    if (!(name in STEP_HANDLERS)) throw new Error(`${path}: no local handler for substitution \${${name}}`);
    const variable = name as SubstitutionVariable;
    const arn = `arn:aws:lambda:${plan.recoveryRegion}:${LOCAL_ACCOUNT}:function:failover-${STEP_HANDLERS[variable].step}`;
    arns.set(arn, variable);
    return arn;
  });
  return { definition: JSON.parse(text) as StateMachineDefinition, arns };
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Branches?: readonly { States: Record<string, AslState> }[];
  readonly ItemProcessor?: { States: Record<string, AslState> };
  readonly Iterator?: { States: Record<string, AslState> };
}

/** Every Task state, at any depth (Map and Parallel included), with its Resource. */
function taskStates(states: Record<string, AslState>, out = new Map<string, string>()): Map<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource !== undefined) out.set(name, state.Resource);
    for (const branch of state.Branches ?? []) taskStates(branch.States, out);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) taskStates(processor.States, out);
  }
  return out;
}

/**
 * Step Functions reports a Lambda function error with the function's `errorType` as the error
 * code and `{"errorType","errorMessage",...}` as the cause; mirror that so the notify step
 * parses the same Cause locally as in AWS.
 */
class LambdaFunctionError extends Error {
  public constructor(error: unknown) {
    const errorType = error instanceof Error ? error.name : 'Error';
    const errorMessage = error instanceof Error ? error.message : String(error);
    super(JSON.stringify({ errorType, errorMessage, trace: [] }));
    this.name = errorType;
  }
}

function lambdaContext(functionName: string) {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionName,
    memoryLimitInMB: '256',
    awsRequestId: `local-${Math.random().toString(16).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    // No getRemainingTimeInMillis: middy would arm its early-timeout timer with node:timers,
    // which the virtual clock does not control, and a real 60 s timer would hold the process.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function localHandlers(definition: StateMachineDefinition, arns: Map<string, SubstitutionVariable>) {
  const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
  for (const [stateName, resource] of taskStates(definition.States as Record<string, AslState>)) {
    const variable = arns.get(resource);
    if (variable === undefined) throw new Error(`Task "${stateName}" has Resource ${resource}, which no local handler serves`);
    const handler = STEP_HANDLERS[variable].handler as StepHandler as (event: unknown, context: unknown) => Promise<unknown>;
    handlers[stateName] = async (input) => {
      await new Promise((resolve) => setTimeout(resolve, INVOKE_LATENCY_MS));
      try {
        // Round-trip through JSON as Lambda does: no Dates or undefined leak into the state.
        const output = await handler(structuredClone(input), lambdaContext(resource));
        return JSON.parse(JSON.stringify(output ?? null)) as JsonValue;
      } catch (error) {
        throw new LambdaFunctionError(error);
      }
    };
  }
  return handlers;
}

function outcomeOf(status: 'SUCCEEDED' | 'FAILED', output: unknown, error?: { error: string }): ReplayOutcome {
  if (status === 'SUCCEEDED') {
    return (output as { decision?: string } | null)?.decision === 'ignore' ? 'ignored' : 'succeeded';
  }
  return error?.error === 'FailoverAborted' ? 'aborted' : 'failed';
}

function summaryOf(outcome: ReplayOutcome, output: unknown, error?: { error: string; cause: string }): string {
  const message = (output as { message?: string } | null)?.message;
  switch (outcome) {
    case 'succeeded':
      return 'failover succeeded';
    case 'ignored':
      return `event ignored: ${message ?? 'not for this plan'}`;
    case 'aborted':
      return `failover aborted: ${error?.cause ?? ''}`;
    default:
      return `failover failed: ${error?.error ?? 'unknown error'}: ${error?.cause ?? ''}`;
  }
}

function rtoOf(output: unknown): number | null {
  const state = output as { trigger?: { triggeredAt?: string }; repoint?: { repointedAt?: string } } | null;
  const from = state?.trigger?.triggeredAt;
  const to = state?.repoint?.repointedAt;
  if (from === undefined || to === undefined) return null;
  return Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10;
}

/** Lambda error causes are JSON; show their message. */
function causeText(cause: unknown): string {
  const text = typeof cause === 'string' ? cause : JSON.stringify(cause);
  try {
    const parsed = JSON.parse(text) as { errorMessage?: string };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // plain text
  }
  return text;
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
  return Date.parse(DEFAULT_START);
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
  const clock = FakeTimers.install({
    now: startMs,
    // A 50-resource failover runs thousands of simulated timers (waits, retries, API latency).
    loopLimit: 1_000_000,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
  });
  const env = { plan: process.env.FAILOVER_PLAN, topic: process.env.FAILOVER_TOPIC_ARN };
  // jsonpath-plus (inside aws-local-stepfunctions) throws and catches an Error for every
  // JSONPath that selects a scalar; capturing those stacks was the largest cost of a replay.
  // Replays report errors by name and message, so stacks are not captured while one runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // Scenario seconds count from the replay's start, wherever the event put it.
    const cloud = options.cloud ?? createSimulatedCloud(plan, { ...scenario, startTime: new Date(startMs).toISOString() });
    setClientInterceptor(cloud.interceptor);
    process.env.FAILOVER_PLAN = JSON.stringify(plan);
    process.env.FAILOVER_TOPIC_ARN = cloud.topicArn;
    const { definition, arns } = loadDefinition(plan);
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const executionName = options.executionName ?? `replay-${Date.now()}`;
    const startedAtMs = Date.now();
    const execution = machine.run(event as JsonValue, {
      overrides: { taskResourceLocalHandlers: localHandlers(definition, arns) },
      context: {
        Execution: {
          Id: `arn:aws:states:${plan.recoveryRegion}:${LOCAL_ACCOUNT}:execution:failover-${plan.name}:${executionName}`,
          Name: executionName,
        },
      },
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const logged of execution.eventLogs) events.push(logged);
    })();
    let settled: { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error: { error: string; cause: string } } | undefined;
    execution.result.then(
      (output) => (settled = { status: 'SUCCEEDED', output }),
      (error: unknown) => {
        const failure = error as { cause?: { name?: string; message?: string }; name?: string; message?: string };
        const cause = failure.cause ?? failure;
        settled = { status: 'FAILED', error: { error: cause.name ?? 'Error', cause: causeText(cause.message ?? '') } };
      },
    );
    while (settled === undefined) {
      await clock.runAllAsync();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await clock.runAllAsync();
    await collecting;
    const endedAtMs = Date.now();
    const final: { status: 'SUCCEEDED' | 'FAILED'; output?: unknown; error?: { error: string; cause: string } } = settled;
    const output = final.output ?? null;
    const outcome = outcomeOf(final.status, output, final.error);
    const calls = cloud.calls;
    return {
      outcome,
      summary: summaryOf(outcome, output, final.error),
      executionName,
      startedAt: new Date(startedAtMs).toISOString(),
      endedAt: new Date(endedAtMs).toISOString(),
      durationSeconds: Math.round((endedAtMs - startedAtMs) / 100) / 10,
      rtoSeconds: outcome === 'succeeded' ? rtoOf(output) : null,
      criticalPathSeconds: cloud.criticalPathSeconds(plan),
      ...(final.error ? { error: final.error } : {}),
      output,
      timeline: buildTimeline(events, startedAtMs),
      cloud: cloud.snapshot(),
      mutatingCalls: cloud.mutatingCalls().length,
      apiCalls: calls.length,
      wallMs: Math.round((performance.now() - wallStart) * 10) / 10,
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    setClientInterceptor(undefined);
    clock.uninstall();
    if (env.plan === undefined) delete process.env.FAILOVER_PLAN;
    else process.env.FAILOVER_PLAN = env.plan;
    if (env.topic === undefined) delete process.env.FAILOVER_TOPIC_ARN;
    else process.env.FAILOVER_TOPIC_ARN = env.topic;
  }
}
