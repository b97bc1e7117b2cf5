/** The shapes the SSM parameter kind keeps in the failover record. */

/** One parameter's progress (kept short: names and values can be kilobytes). */
export interface ParameterProgress {
  /** `skipped`: optional, and the preflight found it missing or its database was skipped. */
  readonly status: 'repointed' | 'already' | 'would-repoint' | 'skipped';
  /** The value before, cut to 200 characters for notices; the full value is in the facts. */
  readonly previousValue: string | null;
  readonly repointedAt: string;
  readonly dryRun: boolean;
  /** One line for notices: what was done, values cut to 200 characters. */
  readonly message: string;
}

/** Recorded once per parameter, before its first write: what failback restores. */
export interface ParameterFacts {
  /** null when the parameter did not exist. */
  readonly previousValue: string | null;
  readonly type: string;
}

/** The preflight's look at one parameter (the gate record). */
export interface ParameterPreflight {
  readonly skipped: boolean;
  readonly message: string;
}
