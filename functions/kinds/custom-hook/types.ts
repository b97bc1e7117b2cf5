import type { Direction } from '../../common/vocabulary.js';

/** The shapes the custom hook kind keeps in the failover record, and what a hook receives. */

/** One kind's gate, as a hook reads it: how many resources, how many skipped, the largest lag. */
export interface GateFacts {
  readonly kind: string;
  readonly resources: number;
  readonly skipped: number;
  /** Gates that measure replication lag: the largest at the last look (null: no datapoint). */
  readonly maxLagSeconds?: number | null;
}

/**
 * The hook's input (its event): small, whatever the plan's size. The execution id names the
 * failover record, where a hook that needs more can read it (state by reference).
 */
export interface HookInput {
  readonly planName: string;
  readonly hook: string;
  readonly direction: Direction;
  readonly phase: 'recover';
  /** Always false: a dry run never invokes a hook. */
  readonly dryRun: false;
  /** `drill` (planned) or `alarm` (unplanned): hooks run in both. */
  readonly trigger: 'alarm' | 'drill';
  readonly executionId: string;
  /** 1 for the first attempt, 2 for the first retry … */
  readonly attempt: number;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The gates that ran before the change (the Gate phase). */
  readonly gates: readonly GateFacts[];
}

/** Written once before an attempt's Invoke: a retried step finds it and does not invoke again. */
export interface AttemptClaim {
  readonly attempt: number;
  readonly claimedAt: string;
  /** Tells this step's claim from one an earlier run of the step made. */
  readonly token: string;
}

/** How one attempt ended. `unknown`: the Invoke got no answer (it may have run). */
export interface AttemptOutcome {
  readonly attempt: number;
  readonly outcome: 'succeeded' | 'failed' | 'unknown';
  readonly detail: string;
  readonly at: string;
}

export interface HookProgress {
  /** `retrying`: an attempt failed and another is due after `retryAt`. */
  readonly status: 'succeeded' | 'failed' | 'retrying' | 'dry-run';
  readonly name: string;
  readonly blocking: boolean;
  readonly attempts: readonly AttemptOutcome[];
  readonly retryAt?: string;
  readonly doneAt?: string;
  readonly message: string;
}
