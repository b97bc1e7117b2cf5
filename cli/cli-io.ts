import { fileURLToPath } from 'node:url';

/**
 * `failover` command line. Exit codes (documented in the README):
 *   0  failover succeeded, or the event was correctly ignored
 *   1  failover failed or was aborted
 *   2  bad input: unreadable event, invalid plan or scenario, unknown command or option
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export const DEFAULT_PLAN = fileURLToPath(new URL('../examples/shop-prod.plan.yaml', import.meta.url));

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
