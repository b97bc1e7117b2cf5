/** The facts the postgres-replica documents print (one JSON line each), as the runtime reads them. */

/** replica-lag: is it still a streaming replica, and how far behind. */
export interface ReplicaLagFacts {
  readonly inRecovery: boolean;
  readonly lagSeconds: number | string | null;
  readonly lagBytes: number | null;
  readonly withinThreshold: boolean;
  readonly upstream?: string | null;
  readonly walReceiver?: string | null;
}

/** promote: the server's state after pg_promote(). */
export interface PromoteFacts {
  readonly promoted: boolean;
  readonly alreadyPromoted: boolean;
  readonly timeline: number;
  readonly lsn: string;
}

/** check-writable: does it accept writes. */
export interface WritableFacts {
  readonly writable: boolean;
  readonly inRecovery: boolean;
  readonly lsn: string;
}

/** read-back: role, timeline and WAL position for the report. */
export interface ReadBackFacts {
  readonly role: 'primary' | 'replica';
  readonly timeline: number;
  readonly lsn: string;
  readonly upstream?: string | null;
}
