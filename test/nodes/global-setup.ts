import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { killTracked } from './processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory holding every server's data, configuration, sockets and logs for this run. */
    nodesRunDir: string;
  }
}

/**
 * One directory for the run's servers; afterwards, kills whatever a worker left running (a
 * worker killed outright runs no hook of its own) and removes the directory.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'failover-nodes-'));
  // PostgreSQL runs as its own user, which must reach its data directory below this one.
  chmodSync(runDir, 0o755);
  project.provide('nodesRunDir', runDir);
  return async () => {
    await killTracked(runDir);
    if (!process.env.FAILOVER_NODES_KEEP) rmSync(runDir, { recursive: true, force: true });
  };
}
