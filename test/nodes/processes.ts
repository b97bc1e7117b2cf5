import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The servers test:nodes starts, and how every one of them is stopped: by the test file's
 * afterAll, by a process exit hook when a worker ends early, and by the global teardown
 * (global-setup.ts) from the list in `<runDir>/tracked.jsonl` when a worker was killed outright.
 * Each server runs in its own process group, so one signal reaches its children too.
 */

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The signal that stops it quickly and cleanly (HAProxy ignores SIGQUIT; PostgreSQL's fast shutdown is SIGINT). */
  readonly stopSignal: NodeJS.Signals;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

interface Tracked {
  readonly pid?: number;
  readonly pidFile?: string;
}

const running = new Map<number, ServerProcess>();
const pidFiles = new Set<string>();
let trackingFile: string | undefined;

/** Where this worker records what it starts, for the global teardown. */
export function trackIn(runDir: string): void {
  trackingFile = join(runDir, 'tracked.jsonl');
}

function track(entry: Tracked): void {
  if (trackingFile) appendFileSync(trackingFile, JSON.stringify(entry) + '\n');
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd?: string;
  /** @default 'SIGTERM' */
  readonly stopSignal?: NodeJS.Signals;
}

export function startServer(options: StartOptions): ServerProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server = {
    name: options.name,
    pid,
    logFile: options.logFile,
    stopSignal: options.stopSignal ?? 'SIGTERM',
    exited,
  };
  running.set(pid, server);
  void exited.then(() => running.delete(pid));
  child.unref();
  track({ pid });
  return server;
}

/** A server a script daemonized (pg_ctl start): stopped through the pid in its pid file. */
export function trackPidFile(pidFile: string): void {
  pidFiles.add(pidFile);
  track({ pidFile });
}

export function pidFromFile(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone, or not a group leader
    }
  }
}

/** Signals a server (its stop signal by default) and waits for it to exit; SIGKILL after the grace time. */
export async function stopServer(
  server: ServerProcess,
  signal: NodeJS.Signals = server.stopSignal,
  graceMs = 10_000,
): Promise<void> {
  signalGroup(server.pid, signal);
  const timer = setTimeout(() => signalGroup(server.pid, 'SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}

/** kill -9 of the server and everything in its process group: an outage, not a shutdown. */
export async function killServer(server: ServerProcess): Promise<void> {
  await stopServer(server, 'SIGKILL');
}

/** Stops everything this worker started (afterAll). */
export async function stopAllServers(): Promise<void> {
  for (const pidFile of pidFiles) {
    const pid = pidFromFile(pidFile);
    if (pid !== undefined) signalGroup(pid, 'SIGINT');
  }
  await Promise.all([...running.values()].map((server) => stopServer(server, server.stopSignal, 5_000)));
  for (const pidFile of pidFiles) {
    const pid = pidFromFile(pidFile);
    if (pid !== undefined)
      await waitFor(`pid ${pid} to exit`, () => !isAlive(pid) || undefined, 10_000).catch(() =>
        signalGroup(pid, 'SIGKILL'),
      );
  }
}

/** Synchronous last resort when the worker exits before afterAll ran. */
function killEverythingNow(): void {
  for (const pid of running.keys()) signalGroup(pid, 'SIGKILL');
  for (const pidFile of pidFiles) {
    const pid = pidFromFile(pidFile);
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
  }
}
process.once('exit', killEverythingNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killEverythingNow();
    process.exit(130);
  });
}

/** Kills whatever a tracking file lists (the global teardown, after every worker has ended). */
export async function killTracked(runDir: string): Promise<void> {
  const file = join(runDir, 'tracked.jsonl');
  if (!existsSync(file)) return;
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Tracked);
  const pids = entries.flatMap((entry) =>
    entry.pid ? [entry.pid] : entry.pidFile ? [pidFromFile(entry.pidFile)] : [],
  );
  const alive = pids.filter((pid): pid is number => pid !== undefined && isAlive(pid));
  for (const pid of alive) signalGroup(pid, 'SIGKILL');
  await waitFor('tracked servers to exit', () => alive.every((pid) => !isAlive(pid)) || undefined, 10_000);
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls until `probe` returns a value (not undefined) or throws the last error after the
 * deadline: servers start and fail over in their own time, so tests wait for a condition.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a short command to completion; throws with its stderr when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: { uid?: number; gid?: number; cwd?: string } = {},
): string {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.error}`,
    );
  }
  return result.stdout;
}
