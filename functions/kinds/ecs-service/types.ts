/** The shapes the ECS service kind keeps in the failover record. */

/** Who raised the desired count first: the prewarm (undone after an abort) or the failover's start. */
export type RaisedBy = 'prewarm' | 'start';

/**
 * Recorded once per service, before its first change (by the prewarm or the start, whichever came
 * first): the desired count to come back to. A retried step, or a start after a prewarm, gets
 * these facts back and never replaces them.
 */
export interface ServiceFacts {
  readonly previousDesired: number;
  /** The desired count the first raise set; null when the service already had enough. */
  readonly raisedTo: number | null;
  readonly raisedBy: RaisedBy;
}

export interface ServiceScaling {
  readonly status: 'scaling' | 'steady';
  readonly label: string;
  readonly previousDesired: number;
  /** The desired count set (the plan's, or more when someone had set more). */
  readonly desired: number;
  /** RUNNING tasks that make the service ready: the plan's desiredCount. */
  readonly required: number;
  readonly running: number;
  readonly startedAt: string;
  readonly steadyAt?: string;
  /** Seconds to the next look: shorter when the tasks are nearly there. */
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

/** An optional service the preflight found unable to fail over: never scaled, a warning in the notice. */
export interface SkippedService {
  readonly status: 'skipped';
  readonly label: string;
  readonly message: string;
}

export type ServiceProgress = ServiceScaling | SkippedService;
