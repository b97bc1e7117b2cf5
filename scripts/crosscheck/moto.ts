import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrosscheckCase } from './cases.js';

/**
 * Hands cases to moto_crosscheck.py: one Python process for all of them (importing moto takes
 * about a second), cases through a file (tens of MB for a full run), the report on stdout.
 */

export const MOTO_CROSSCHECK_SCRIPT = fileURLToPath(new URL('./moto_crosscheck.py', import.meta.url));

export interface Disagreement {
  /** `task input`, `task not called`, `task order`, `path`, `state input`, `state output`, `status`, `output`, `error`, `cause`, `moto failed`. */
  readonly kind: string;
  readonly state?: string;
  readonly detail: string;
  /** For `task input`: the payload moto built, which no recorded invocation had. */
  readonly payload?: unknown;
}

export interface CaseVerdict {
  readonly id: string;
  /** moto's status for the execution. */
  readonly status: string;
  readonly moto: { readonly error: string | null; readonly cause: string | null };
  /** States the local engine entered, and Lambda invocations it made. */
  readonly states: number;
  readonly tasks: number;
  readonly agree: boolean;
  readonly disagreements: readonly Disagreement[];
  /** Seconds moto took for this execution. */
  readonly seconds: number;
}

export interface CrosscheckReport {
  readonly engine: 'moto';
  readonly executions: number;
  readonly agree: number;
  /** Seconds the Python process took, moto's import included. */
  readonly seconds: number;
  readonly results: readonly CaseVerdict[];
}

/** The interpreter to run: `PYTHON` if set (a virtualenv's), else `python3` from the PATH. */
const python = (): string => process.env.PYTHON ?? 'python3';

export async function crosscheckOnMoto(cases: readonly CrosscheckCase[]): Promise<CrosscheckReport> {
  const dir = mkdtempSync(join(tmpdir(), 'crosscheck-'));
  const file = join(dir, 'cases.json');
  try {
    writeFileSync(file, JSON.stringify({ cases }));
    if (process.env.CROSSCHECK_CASES_FILE)
      writeFileSync(process.env.CROSSCHECK_CASES_FILE, JSON.stringify({ cases }));
    const { code, stdout, stderr } = await run(python(), [MOTO_CROSSCHECK_SCRIPT, file]);
    if (code !== 0)
      throw new Error(`${MOTO_CROSSCHECK_SCRIPT} exited with ${code} (is moto 5.2.1 installed?):\n${stderr}`);
    return JSON.parse(stdout) as CrosscheckReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) =>
      reject(
        new Error(
          `cannot start ${command} (${error.message}): the cross-check needs Python 3 with moto 5.2.1`,
        ),
      ),
    );
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** One line per disagreement, for people. */
export function describeDisagreements(report: CrosscheckReport): string[] {
  return report.results.flatMap((verdict) =>
    verdict.disagreements.map(
      (d) => `${verdict.id}: ${d.kind}${d.state === undefined ? '' : ` at "${d.state}"`}: ${d.detail}`,
    ),
  );
}
