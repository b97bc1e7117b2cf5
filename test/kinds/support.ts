import { afterEach } from 'vitest';
import {
  readAssessment,
  readFacts,
  readGate,
  readPrewarm,
  readProgress,
  type RecordScope,
} from '../../functions/common/failover-record.js';
import { parsePlan, type Plan, type PlanInput } from '../../functions/common/plan.js';
import type { KindSummary } from '../../functions/kinds/kind-step.js';
import type { Scenario } from '../../engine/sim/index.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { failure, planInput, settle, simulate, teardown, type SimHarness } from '../sim/support.js';

export { planInput };

/** The execution every kind step of these tests runs in (`$$.Execution.Id`). */
export const EXECUTION_ID = 'arn:aws:states:us-west-2:111122223333:execution:shop-prod-failover:run-1';

export type KindLambda = (event: never, context: never) => Promise<unknown>;

export interface KindHarness extends SimHarness {
  /** Invokes the kind's Lambda handler as the workflow does, on the virtual clock. */
  readonly run: (action: string, options?: { readonly dryRun?: boolean }) => Promise<KindSummary>;
  /** Invokes it expecting a failure; returns the error. */
  readonly fails: (action: string, options?: { readonly dryRun?: boolean }) => Promise<Error>;
  /** Invokes another kind's handler in the same execution (e.g. the replicas before the parameters). */
  readonly runKind: (other: KindLambda, action: string) => Promise<KindSummary>;
  /** Invokes it with any input (to test the input validation). */
  readonly invoke: (input: unknown) => Promise<unknown>;
  /** Reads the failover record on the virtual clock. */
  readonly progress: <T>(kind: string) => Promise<T | undefined>;
  readonly gate: <T>(kind: string) => Promise<T | undefined>;
  readonly assessment: <T>(kind: string) => Promise<T | undefined>;
  readonly prewarm: <T>(kind: string) => Promise<T | undefined>;
  readonly facts: <T>(kind: string, index: number) => Promise<T | undefined>;
  /** Moves the virtual clock on. */
  readonly advance: (seconds: number) => Promise<void>;
}

const saved = {
  plan: process.env.FAILOVER_PLAN,
  table: process.env.FAILOVER_LOCK_TABLE,
};

/**
 * Runs a kind's handler against the simulated AWS: the plan is "deployed" through FAILOVER_PLAN
 * (as local replay does), the failover record lives in the simulated lock table. Restored after
 * each test.
 */
export function kindHarness(
  handler: KindLambda,
  options: { readonly plan?: PlanInput; readonly scenario?: Scenario } = {},
): KindHarness {
  // The plan of the simulated AWS tests (test/sim/support.ts): one replica, one group, two parameters.
  const plan: Plan = parsePlan(options.plan ?? structuredClone(planInput));
  const harness = simulate(options.scenario ?? {}, { latencyMs: 5 }, plan);
  process.env.FAILOVER_PLAN = JSON.stringify(plan);
  process.env.FAILOVER_LOCK_TABLE = harness.cloud.lockTableName;
  const scope: RecordScope = { planName: plan.name, executionId: EXECUTION_ID };
  const input = (action: string, dryRun = false) => ({ action, executionId: EXECUTION_ID, dryRun });
  const call = (event: unknown) =>
    (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, lambdaContext('kind'));
  return {
    ...harness,
    run: async (action, runOptions = {}) =>
      (await settle(harness.clock, call(input(action, runOptions.dryRun)))) as KindSummary,
    fails: (action, runOptions = {}) => failure(harness.clock, call(input(action, runOptions.dryRun))),
    runKind: async (other, action) =>
      (await settle(
        harness.clock,
        (other as (event: unknown, context: unknown) => Promise<unknown>)(
          input(action),
          lambdaContext('kind'),
        ),
      )) as KindSummary,
    invoke: (event) => settle(harness.clock, call(event)),
    progress: (kind) => settle(harness.clock, readProgress(scope, kind)),
    gate: (kind) => settle(harness.clock, readGate(scope, kind)),
    assessment: (kind) => settle(harness.clock, readAssessment(scope, kind)),
    prewarm: (kind) => settle(harness.clock, readPrewarm(scope, kind)),
    facts: (kind, index) => settle(harness.clock, readFacts(scope, kind, index)),
    advance: async (seconds) => {
      await harness.clock.tickAsync(seconds * 1000);
    },
  };
}

/** Runs the kind's check, waiting as it asks between looks, until it is done (at most 100 looks). */
export async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  for (let looks = 0; !summary.done && looks < 100; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  return summary;
}

afterEach(() => {
  teardown();
  for (const [name, value] of [
    ['FAILOVER_PLAN', saved.plan],
    ['FAILOVER_LOCK_TABLE', saved.table],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
