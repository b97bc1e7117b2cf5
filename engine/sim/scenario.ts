import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AwsService } from '../../functions/common/aws-clients.js';
import type { KindScenarioSections } from './kind-model.js';
import { operationsOf, SIMULATED_KINDS, SIMULATED_SERVICE_NAMES } from './kinds.js';

/**
 * A replay scenario: how the simulated AWS behaves during one local failover. Every field is
 * optional; an empty scenario is a healthy recovery region with a down-to-earth timeline.
 * Keys of the per-resource maps are plan names (replica id, group name, …) or `"*"` for all;
 * a named entry overrides `"*"` field by field.
 */

/** Every service the simulated AWS models: the workflow's own and the kinds' (engine/sim/kinds.ts). */
export const SIMULATED_SERVICES: readonly SimulatedService[] = SIMULATED_SERVICE_NAMES;
export type SimulatedService = AwsService;

/** The operations the simulated AWS serves, per service (the SDK command name without `Command`). */
export const MODELED_OPERATIONS: Readonly<Record<SimulatedService, readonly string[]>> = Object.fromEntries(
  SIMULATED_SERVICES.map((service) => [service, operationsOf(service)]),
) as unknown as Record<SimulatedService, readonly string[]>;

/**
 * `throttling`, `server` (500 InternalFailure), `unavailable` (503), `timeout` are retried by the
 * simulated transport like the SDK does; `accessDenied`, `notFound`, `invalidState` are not.
 * `timeoutAfterApply` applies the call and then loses the response (the client sees a timeout and
 * the SDK retries a call that already took effect: the idempotency test of a mutating step).
 */
export const FAULT_KINDS = [
  'throttling',
  'server',
  'unavailable',
  'timeout',
  'timeoutAfterApply',
  'accessDenied',
  'notFound',
  'invalidState',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Lambda's own faults, by the error name Step Functions reports for them (each is what an ASL
 * `ErrorEquals` matches). `Lambda.ServiceException` (HTTP 500), `Lambda.AWSLambdaException` and
 * `Lambda.TooManyRequestsException` (429, throttled) fail the invocation before the function runs:
 * the handler is not called. `Sandbox.Timedout` is the function timeout: the handler runs, and may
 * change the cloud, then the invocation fails at the function's timeout (a handler that runs
 * longer is stopped there, as Lambda stops it). Errors per the Step Functions guide, "Handle
 * Lambda service exceptions", and the Lambda guide, "Troubleshoot invocation issues".
 */
export const LAMBDA_FAULT_KINDS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
] as const;
export type LambdaFaultKind = (typeof LAMBDA_FAULT_KINDS)[number];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const seconds = z.number().min(0);

const alarmSchema = z.strictObject({
  /** The alarm returns to OK at this second (a flap). @default stays in ALARM */
  okAtSeconds: seconds.optional(),
  /** @default AWS/Route53 for a health-check-like alarm in us-east-1, else AWS/ApplicationELB */
  namespace: z.string().min(1).optional(),
  metricName: z.string().min(1).optional(),
});

const callNumber = z.number().int().min(1);

const regionOutageSchema = z
  .strictObject({
    region: z.string().regex(REGION, 'must be an AWS region code'),
    /** @default 0 (from the start) */
    fromSeconds: seconds.optional(),
    /** @default never back */
    untilSeconds: seconds.optional(),
  })
  .refine((outage) => outage.untilSeconds === undefined || outage.untilSeconds > (outage.fromSeconds ?? 0), {
    message: 'untilSeconds must be after fromSeconds',
  });

const faultSchema = z
  .strictObject({
    service: z.enum(SIMULATED_SERVICES as [SimulatedService, ...SimulatedService[]]),
    /** SDK command name without `Command`, e.g. `PromoteReadReplica`. */
    operation: z.string().min(1),
    /** Only calls into this region. @default every region */
    region: z.string().regex(REGION, 'must be an AWS region code').optional(),
    /** 1-based call numbers of this operation (every attempt counts), or `all`. @default 'all' unless from is set */
    calls: z.union([z.array(callNumber).min(1), z.literal('all')]).optional(),
    /** First call number of a run of `count` calls. */
    from: callNumber.optional(),
    /** @default every call from `from` on */
    count: callNumber.optional(),
    error: z.enum(FAULT_KINDS),
  })
  .refine(
    (fault) => !(fault.calls !== undefined && (fault.from !== undefined || fault.count !== undefined)),
    {
      message: 'use either calls or from/count, not both',
    },
  )
  .refine((fault) => fault.count === undefined || fault.from !== undefined, { message: 'count needs from' });

const lambdaFaultSchema = z
  .strictObject({
    /** The Task state whose invocations fail, by its name in the definition (at any depth). */
    state: z.string().min(1),
    /** 1-based invocation numbers of this state over the replay (every retry counts), or `all`. @default 'all' unless from is set */
    invocations: z.union([z.array(callNumber).min(1), z.literal('all')]).optional(),
    /** First invocation number of a run of `count` invocations. */
    from: callNumber.optional(),
    /** @default every invocation from `from` on */
    count: callNumber.optional(),
    error: z.enum(LAMBDA_FAULT_KINDS),
  })
  .refine(
    (fault) => !(fault.invocations !== undefined && (fault.from !== undefined || fault.count !== undefined)),
    { message: 'use either invocations or from/count, not both' },
  )
  .refine((fault) => fault.count === undefined || fault.from !== undefined, { message: 'count needs from' });

const randomLambdaSchema = z.strictObject({
  seed: z.number().int(),
  /** Share of invocations that fail, 0..1. */
  rate: z.number().min(0).max(1),
  errors: z.array(z.enum(LAMBDA_FAULT_KINDS)).min(1),
  /** @default every Task state */
  states: z.array(z.string().min(1)).min(1).optional(),
});

const randomSchema = z.strictObject({
  seed: z.number().int(),
  /** Share of attempts that fail, 0..1. */
  rate: z.number().min(0).max(1),
  errors: z.array(z.enum(FAULT_KINDS)).min(1),
  /** @default every service */
  services: z
    .array(z.enum(SIMULATED_SERVICES as [SimulatedService, ...SimulatedService[]]))
    .min(1)
    .optional(),
  /** @default every operation */
  operations: z.array(z.string().min(1)).min(1).optional(),
});

/** The kinds' sections (`lag`, `promotion`, `groups`, …): maps from plan names (or `"*"`) to settings. */
const kindSections = Object.fromEntries(
  SIMULATED_KINDS.flatMap((kind) =>
    Object.entries(kind.scenario).map(([key, section]) => [
      key,
      z.record(z.string().min(1), section.entry).optional(),
    ]),
  ),
);

/**
 * The person who answers the manual approval (plans with `approval`), simulated: approve or
 * decline this many seconds after the request, or never answer (the Task times out and the
 * plan's approval.onTimeout applies). The answer goes the way `failover approve|decline` sends it.
 */
const approvalSchema = z.strictObject({
  /** @default 'approve' */
  decision: z.enum(['approve', 'decline', 'none']).default('approve'),
  /** Seconds after the request. @default 0 */
  afterSeconds: seconds.default(0),
  /** @default 'scenario' */
  by: z.string().min(1).max(256).default('scenario'),
  reason: z.string().max(1024).optional(),
});

const coreSchema = z.strictObject({
  description: z.string().max(2048).optional(),
  /** When the replay starts; the runner sets the virtual clock to it. @default 2026-01-01T00:00:00Z */
  startTime: z.iso.datetime({ offset: true }).optional(),
  /** Simulated duration of each API call. @default 40 */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  alarms: z.record(z.string().min(1), alarmSchema).optional(),
  /** Every call into these regions waits the client's timeout and fails with TimeoutError. */
  regionsDown: z.array(z.string().regex(REGION, 'must be an AWS region code')).optional(),
  /**
   * A region down for a while, as a dead region is: every call into it in [fromSeconds,
   * untilSeconds) (scenario seconds) waits the client's timeout and fails with TimeoutError.
   * Later calls (the region back) are answered.
   */
  regionOutages: z.array(regionOutageSchema).optional(),
  faults: z.array(faultSchema).optional(),
  random: randomSchema.optional(),
  /** Lambda's own faults per Task state and invocation number (see LAMBDA_FAULT_KINDS). */
  lambdaFaults: z.array(lambdaFaultSchema).optional(),
  /** Lambda faults at random, with their own seed (independent of `random`). */
  randomLambda: randomLambdaSchema.optional(),
  /** How the approval request is answered. @default approved at once by "scenario" */
  approval: approvalSchema.optional(),
});

/** The scenario file's schema: the engine's own fields and every kind's sections (each kind's sim.ts). */
export const scenarioSchema = coreSchema.extend(kindSections);

export type Scenario = z.output<typeof coreSchema> & KindScenarioSections;
export type FaultRule = NonNullable<Scenario['faults']>[number];
export type RandomFaults = NonNullable<Scenario['random']>;
export type LambdaFaultRule = NonNullable<Scenario['lambdaFaults']>[number];
export type AlarmBehaviour = z.output<typeof alarmSchema>;
export type RegionOutage = z.output<typeof regionOutageSchema>;
export type ApprovalBehaviour = z.input<typeof approvalSchema>;

export const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';

export interface ScenarioIssue {
  readonly path: string;
  readonly message: string;
}

/** The scenario file is unreadable, invalid, or names resources the plan does not have. */
export class ScenarioValidationError extends Error {
  public readonly issues: readonly ScenarioIssue[];
  public constructor(issues: readonly ScenarioIssue[], source = 'scenario') {
    super(
      `${source} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n'),
    );
    this.name = 'ScenarioValidationError';
    this.issues = issues;
  }
}

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');

/**
 * Validates a parsed scenario document, reporting every problem at once; unknown keys are
 * rejected so that a typo (`okAtSecond`) fails instead of silently doing nothing.
 * @throws ScenarioValidationError
 */
export function parseScenario(document: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(document);
  const issues: ScenarioIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  // Read the raw faults defensively, so an unknown operation is reported with the schema's issues.
  const rawFaults = (document as { faults?: unknown } | null)?.faults;
  (Array.isArray(rawFaults) ? rawFaults : []).forEach((fault: unknown, i) => {
    const { service, operation } = (fault ?? {}) as { service?: unknown; operation?: unknown };
    if (typeof operation !== 'string' || !SIMULATED_SERVICES.some((known) => known === service)) return;
    const operations: readonly string[] = MODELED_OPERATIONS[service as SimulatedService];
    if (!operations.includes(operation)) {
      issues.push({
        path: `faults[${i}].operation`,
        message: `${String(service)} has no simulated operation "${operation}" (one of ${operations.join(', ')})`,
      });
    }
  });
  if (!result.success || issues.length > 0) throw new ScenarioValidationError(issues, source);
  return result.data as Scenario;
}

/** Reads and validates a scenario JSON file. @throws ScenarioValidationError */
export async function loadScenario(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScenarioValidationError(
      [{ path: '', message: `not valid JSON: ${(error as Error).message}` }],
      path,
    );
  }
  return parseScenario(document, path);
}

export { settingsFor } from './kind-model.js';

/** The scenario start as epoch milliseconds. */
export const scenarioStartMs = (scenario: Scenario): number =>
  Date.parse(scenario.startTime ?? DEFAULT_START_TIME);
