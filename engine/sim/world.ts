import type { Plan } from '../../functions/common/plan.js';
import type { Scenario } from './scenario.js';

/** What every service model shares: the plan, the scenario and the virtual timeline. */
export interface SimWorld {
  readonly plan: Plan;
  readonly scenario: Scenario;
  /** Scenario start, epoch ms: the origin of every `…Seconds` in the scenario. */
  readonly startMs: number;
  readonly accountId: string;
}

/** One call as a service model sees it. */
export interface CallContext {
  readonly region: string;
  /** `Date.now()` when the model answers (after the simulated latency). */
  readonly now: number;
  /**
   * An injected `notFound` on a describe-style call whose real service answers "not found" with
   * an empty result rather than an error: answer as if the resource did not exist.
   */
  readonly absent: boolean;
}

/** A model operation: typed SDK input in, SDK output (without `$metadata`) out. */
export type OperationHandler = (input: never, call: CallContext) => object;
export type OperationTable = Readonly<Record<string, OperationHandler>>;

export const secondsToMs = (seconds: number): number => Math.round(seconds * 1000);

/** Epoch ms of a scenario second. */
export const atScenarioSecond = (world: SimWorld, seconds: number): number =>
  world.startMs + secondsToMs(seconds);

/** Long before the scenario: when pre-existing resources were created. */
export const longAgo = (world: SimWorld, days: number): Date => new Date(world.startMs - days * 86_400_000);
