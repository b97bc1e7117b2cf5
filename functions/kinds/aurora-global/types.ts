import type { LagLook } from '../lag-gate.js';
import type { AuroraGlobalClusterPlan } from './definition.js';

/** The shapes the Aurora global database kind keeps in the failover record. */

/** The call that moves the writer: a planned run switches over, an unplanned one fails over. */
export type GlobalFailoverCall = 'SwitchoverGlobalCluster' | 'FailoverGlobalCluster';

/** One look of the RPO gate at one global database (lag from AuroraGlobalDBRPOLag, in seconds). */
export interface GlobalLagCheck extends LagLook {
  readonly recoveryCluster?: string;
}

export interface GlobalFailover {
  /**
   * `waiting`: another switchover or failover (not to the recovery cluster) is under way, ours is
   * not called yet; `failing-over`: ours (or one to the recovery cluster) is under way.
   */
  readonly status: 'waiting' | 'failing-over' | 'failed-over';
  /** The call this run made; absent when it made none (already the writer, or one under way). */
  readonly call?: GlobalFailoverCall;
  /** FailoverState.Status at the last look (`pending`, `failing-over`, `switching-over`, `cancelling`). */
  readonly failoverState?: string;
  readonly waitingSince?: string;
  readonly startedAt?: string;
  readonly failedOverAt?: string;
  readonly pollSeconds: number;
  /** The recovery cluster was already the writer when the step ran: nothing was called. */
  readonly alreadyFailedOver?: boolean;
  readonly dryRun: boolean;
  readonly message: string;
}

export interface SkippedGlobalDatabase {
  readonly status: 'skipped';
  readonly message: string;
}

export type GlobalFailoverProgress =
  GlobalFailover | SkippedGlobalDatabase | { readonly status: 'not-started' };

export interface GlobalFailoverInput {
  readonly item: AuroraGlobalClusterPlan;
  readonly recoveryRegion: string;
  /** A drill or a failback: switch over (no data loss); else fail over allowing data loss. */
  readonly planned: boolean;
  readonly dryRun: boolean;
  readonly previous: GlobalFailoverProgress;
  /** Records the call's write-once facts before it is made; returns what is recorded. */
  readonly recordCall: (facts: GlobalCallFacts) => Promise<GlobalCallFacts>;
}

/** Written once per global database, before the call: who was the writer, which call, when. */
export interface GlobalCallFacts {
  readonly globalCluster: string;
  readonly recoveryClusterArn: string;
  /** The writer member's ARN before the call; null when the describe showed none. */
  readonly previousWriterArn: string | null;
  /** The call made, or `none` when the recovery cluster was already the writer. */
  readonly call: GlobalFailoverCall | 'none';
  readonly calledAt: string;
}

/**
 * Written once per global database when the recovery cluster is the writer: where it answers
 * (parameter templates: `{{auroraGlobalClusters.<id>.writerEndpoint|port|clusterId}}`).
 */
export interface GlobalWriterFacts {
  readonly clusterId: string;
  readonly writerEndpoint?: string;
  readonly port?: string;
  readonly failedOverAt?: string;
}
