import { fileURLToPath } from 'node:url';

/**
 * `failover` command line. Exit codes (documented in the README):
 *   0    failover succeeded, the event was correctly ignored or a duplicate, or the plan is ready
 *   1    failover failed, aborted or refused, or the plan is not ready
 *   2    bad input: unreadable event, invalid plan or scenario, unknown command or option
 *   130  stopped following a live execution with Ctrl-C (the execution keeps running)
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

export const DEFAULT_PLAN = fileURLToPath(new URL('../examples/shop-prod.plan.yaml', import.meta.url));

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
