import type { LagLook } from '../lag-gate.js';
import type { GlobalDatastorePlan } from './definition.js';

/** The shapes the Global Datastore kind keeps in the failover record. */

/** One look of the RPO gate at one Global Datastore (functions/kinds/lag-gate.ts). */
export interface GlobalLagCheck extends LagLook {
  readonly checkedAt?: string;
  readonly globalReplicationGroupId?: string;
  readonly maxLagSeconds?: number;
}

/** Where a failover of one Global Datastore stands. */
export interface GlobalFailover {
  /** `failing-over`: FailoverGlobalReplicationGroup was accepted (or seen under way); poll. */
  readonly status: 'failing-over' | 'failed-over';
  readonly globalReplicationGroupId: string;
  /** The datastore's status at the last look (`available`, `modifying`, …). */
  readonly datastoreStatus: string;
  /** The recovery member's role at the last look (`PRIMARY`, `SECONDARY`). */
  readonly role: string;
  readonly startedAt: string;
  readonly failedOverAt?: string;
  readonly pollSeconds: number;
  /** The recovery group was already the primary when the step ran: nothing was called. */
  readonly alreadyFailedOver?: boolean;
  readonly dryRun: boolean;
  readonly message: string;
}

/** An optional datastore the gate skipped: never failed over, a warning in the notice. */
export interface SkippedDatastore {
  readonly status: 'skipped';
  readonly message: string;
}

export type FailoverProgress = GlobalFailover | SkippedDatastore | { readonly status: 'not-started' };

/** Recorded once, before FailoverGlobalReplicationGroup is sent (failback and reports need it). */
export interface FailoverFacts {
  readonly globalReplicationGroupId: string;
  /** The primary member before the failover; null when the recovery group already was the primary. */
  readonly previousPrimary: { readonly replicationGroupId: string; readonly region: string } | null;
  /** When the step asked for the failover (or found it done). */
  readonly requestedAt: string;
  readonly alreadyFailedOver: boolean;
}

/** Recorded once the recovery group is an available primary: what parameter templates may name. */
export interface DatastoreOutputs {
  readonly replicationGroupId: string;
  readonly endpoint?: string;
  readonly port?: string;
  readonly failedOverAt: string;
}

export interface GlobalFailoverInput {
  readonly datastore: GlobalDatastorePlan;
  readonly recoveryRegion: string;
  readonly dryRun: boolean;
}
