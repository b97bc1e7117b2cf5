import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** What `pip install` gives the contract tests: without it they cannot run, and must say so. */
export const INSTALL_HINT = "pip install 'moto[server]'";

const LAUNCHER = fileURLToPath(new URL('../../scripts/moto-server.py', import.meta.url));
/** Exit code of scripts/moto-server.py when moto cannot be imported. */
const MOTO_MISSING = 3;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly version: string;
  /** Stops the server and everything in its process group; resolves once it has exited. */
  readonly stop: () => Promise<void>;
}

class MotoServerError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MotoServerError';
  }
}

/** Signals the whole process group (the launcher is its leader), ignoring one already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Reads the launcher's one JSON line, or fails with what it printed to stderr. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<{ endpoint: string; moto: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () =>
        reject(
          new MotoServerError(`moto server did not start within ${START_TIMEOUT_MS / 1000}s\n${stderr()}`),
        ),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.slice(0, newline)) as { endpoint: string; moto: string });
      } catch (error) {
        reject(
          new MotoServerError(`moto server launcher printed ${stdout.slice(0, newline)}`, { cause: error }),
        );
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = error.code === 'ENOENT' ? 'python3 is not on PATH' : error.message;
      reject(
        new MotoServerError(
          `cannot start the moto server (${why}). The contract tests need: ${INSTALL_HINT}`,
        ),
      );
    });
    // `close`, not `exit`: by then stderr has been read to the end.
    child.once('close', (code) => {
      clearTimeout(timer);
      const why =
        code === MOTO_MISSING ? 'moto is not installed' : `the moto server exited with code ${code}`;
      reject(new MotoServerError(`${why}. The contract tests need: ${INSTALL_HINT}\n${stderr()}`));
    });
  });
}

/** Polls until the server answers HTTP: listening is not yet serving. */
async function waitUntilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = new Error(`HTTP ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new MotoServerError(`moto server at ${endpoint} does not answer`, { cause: last });
}

/**
 * Starts `scripts/moto-server.py` on 127.0.0.1 (a port the OS picks) in a process group of its
 * own, and waits until it answers. The launcher also exits when its stdin pipe closes, so a test
 * run that dies without stopping it does not leave it running.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const child = spawn('python3', [LAUNCHER], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    // moto delivers SNS http(s) subscriptions itself: never through a proxy to a loopback subscriber.
    env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const stop = () => stopProcess(child);
  // Last resort if the run exits without teardown: a synchronous kill of the group.
  const onExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  try {
    const started = await firstLine(child, () => stderr);
    await waitUntilAnswering(started.endpoint);
    return {
      endpoint: started.endpoint,
      version: started.moto,
      stop: async () => {
        process.removeListener('exit', onExit);
        await stop();
      },
    };
  } catch (error) {
    process.removeListener('exit', onExit);
    await stop();
    throw error;
  }
}
