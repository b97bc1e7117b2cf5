import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDocument, renderCommand, type SelfHostedKind } from './ssm-document.js';

/** What SSM's GetCommandInvocation would report for one command on one node. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** SSM truncates StandardOutputContent at 24,000 characters; the facts line must stay far below. */
export const SSM_OUTPUT_LIMIT = 24_000;

/**
 * Runs a document on this machine the way the SSM agent runs aws:runShellScript: the rendered
 * commands written to an executable `_script.sh` and run with `sh -c <file>` (so the script's
 * `#!/usr/bin/env bash` line picks the shell), as the user running the tests (root in CI, as
 * the agent).
 */
export async function runDocument(
  kind: SelfHostedKind,
  name: string,
  parameters: Record<string, string>,
): Promise<CommandResult> {
  const script = renderCommand(readDocument(kind, name), parameters);
  const directory = mkdtempSync(join(tmpdir(), 'ssm-command-'));
  const file = join(directory, '_script.sh');
  writeFileSync(file, script);
  chmodSync(file, 0o700);
  try {
    return await new Promise<CommandResult>((resolve, reject) => {
      const child = spawn('sh', ['-c', file], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? -1, stdout, stderr });
      });
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The one JSON line of facts a successful command prints; throws with stderr otherwise. */
export function factsOf(result: CommandResult): Record<string, unknown> {
  if (result.exitCode !== 0) throw new Error(`command failed (${result.exitCode}): ${result.stderr.trim()}`);
  const lines = result.stdout.split('\n').filter(Boolean);
  if (lines.length !== 1)
    throw new Error(`expected one line of facts, got ${lines.length}: ${result.stdout.slice(0, 500)}`);
  if (result.stdout.length >= SSM_OUTPUT_LIMIT / 10)
    throw new Error(`facts of ${result.stdout.length} characters`);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

/** Runs a document and returns its facts, printing them: test:nodes shows what the servers said. */
export async function factsFrom(
  kind: SelfHostedKind,
  name: string,
  parameters: Record<string, string>,
): Promise<Record<string, unknown>> {
  const facts = factsOf(await runDocument(kind, name, parameters));
  console.log(`${kind}/${name}: ${JSON.stringify(facts)}`);
  return facts;
}
