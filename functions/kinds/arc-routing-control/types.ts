import type { ControlState } from './definition.js';

/** The shapes the ARC routing control kind keeps in the failover record. */

/**
 * One routing control set's progress: `switching` once the update was accepted and until the
 * controls show their targets, then `routing` while Route 53's delay runs, then `routed`.
 * `skipped` is an optional set the gate could not read; a dry run stops at `would-switch`.
 */
export interface ControlSetProgress {
  readonly status: 'switching' | 'routing' | 'routed' | 'would-switch' | 'skipped';
  readonly itemId: string;
  readonly targets: readonly { readonly arn: string; readonly state: ControlState }[];
  readonly startedAt: string;
  /** When UpdateRoutingControlStates was accepted (absent: every control was already in its target state). */
  readonly switchedAt?: string;
  /** The endpoint that accepted the update. */
  readonly endpoint?: string;
  /** When Route 53 follows: switchedAt + the plan's health check delay. */
  readonly routedAt?: string;
  /** Mutating calls made (0 when the controls were already switched). */
  readonly updates: number;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

/** Recorded once per set, before its update: when, and each control's state before. */
export interface ControlSetFacts {
  readonly switchedAt: string;
  readonly before: Readonly<Record<string, ControlState>>;
}
