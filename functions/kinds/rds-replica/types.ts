import type { LagLook } from '../lag-gate.js';
import type { DatabasePlan } from './definition.js';

/** The shapes the RDS read replica kind keeps in the failover record. */

export interface DatabaseEndpoint {
  readonly address: string;
  readonly port: number;
}

/** One look of the RPO gate at one database (functions/kinds/lag-gate.ts). */
export interface LagCheck extends LagLook {
  readonly checkedAt?: string;
  readonly replica?: string;
  readonly maxLagSeconds?: number;
}

export interface ReadReplicaLagInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly previous: LagCheck;
}

export interface Promotion {
  /** `waiting-to-promote`: not promotable yet (e.g. `backing-up`), try again after pollSeconds. */
  readonly status: 'waiting-to-promote' | 'promoting' | 'promoted';
  readonly instanceId: string;
  readonly instanceStatus: string;
  /** When the step first found the replica not promotable yet (bounds the wait). */
  readonly waitingSince?: string;
  /** When PromoteReadReplica was accepted (or the step first saw the instance standalone). */
  readonly startedAt?: string;
  readonly promotedAt?: string;
  readonly pollSeconds: number;
  readonly endpoint?: DatabaseEndpoint;
  /** The replica was already standalone when the step ran: nothing was called. */
  readonly alreadyPromoted?: boolean;
  readonly dryRun: boolean;
  readonly message: string;
}

/** An optional database the gate skipped: never promoted, a warning in the notice. */
export interface SkippedDatabase {
  readonly status: 'skipped';
  readonly message: string;
}

export type PromotionProgress = Promotion | SkippedDatabase | { readonly status: 'not-started' };

export interface PromoteReplicaInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly dryRun: boolean;
  /** The previous attempt's result; `{ status: 'not-started' }` on the first. */
  readonly previous: PromotionProgress;
}

export interface CheckPromotionInput {
  readonly database: DatabasePlan;
  readonly recoveryRegion: string;
  readonly promotion: Promotion;
}

/** What is recorded once per database: where the promoted instance answers (template outputs). */
export interface DatabaseFacts {
  readonly instanceId: string;
  readonly endpoint?: string;
  readonly port?: string;
  readonly promotedAt?: string;
}
