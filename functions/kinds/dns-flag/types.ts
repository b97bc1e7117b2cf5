/** The shapes the DNS flag kind keeps in the failover record. */

/**
 * One flag's progress: `publishing` until the alarm shows the published value, then `routing`
 * while Route 53's delay runs, then `routed`. A dry run stops at `would-flip`.
 */
export interface FlagProgress {
  readonly status: 'publishing' | 'routing' | 'routed' | 'would-flip';
  readonly flagId: string;
  readonly alarmName: string;
  /** The value published: 1 sends traffic to the recovery region, 0 brings it home. */
  readonly value: number;
  /** The alarm state that value leads to. */
  readonly target: 'ALARM' | 'OK';
  /** The alarm's state when the flag was first published (from the facts). */
  readonly alarmBefore: string;
  readonly startedAt: string;
  /** How many times the value was published (once, then again at each look until the alarm shows it). */
  readonly publishes: number;
  /** When the alarm entered the target state (its StateTransitionedTimestamp). */
  readonly alarmAt?: string;
  /** When Route 53 answers with the other record: alarmAt + the plan's health check delay. */
  readonly routedAt?: string;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

/** Recorded once per flag, before its first publish: when it was flipped, to what, from what. */
export interface FlagFacts {
  readonly flippedAt: string;
  readonly value: number;
  readonly alarmBefore: string;
}

/** The preflight's look at one flag (the gate record). */
export interface FlagPreflight {
  readonly skipped: boolean;
  readonly message: string;
}
