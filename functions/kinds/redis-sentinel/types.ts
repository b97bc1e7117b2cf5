/** The facts the redis-sentinel documents print (one JSON line each), as the runtime reads them. */

/** replica-link: the recovery node's role, link and offset lag. */
export interface ReplicaLinkFacts {
  readonly role: string | null;
  readonly master: string | null;
  readonly masterLinkStatus: string | null;
  readonly offsetLag: number | null;
  readonly withinThreshold: boolean;
}

/** sentinel-failover: what Sentinel was asked and answered. */
export interface SentinelFailoverFacts {
  readonly state: 'already-master' | 'failover-started' | 'failover-in-progress';
  readonly previousMaster: string;
  readonly sentinelMaster: string;
}

/** master-state: who Sentinel names, what the recovery node says it is. */
export interface MasterStateFacts {
  readonly done: boolean;
  readonly sentinelMaster: string;
  readonly recoveryRole: string;
  readonly recoveryOffset: number | null;
  readonly connectedReplicas: number | null;
}
