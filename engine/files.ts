import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PlanValidationError } from '../functions/common/errors.js';
import { parsePlan, type Plan } from '../functions/common/plan.js';

/** An input file that cannot be used: unreadable, not JSON/YAML, or invalid. Exit code 2. */
export class InputFileError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputFileError';
  }
}

function unreadable(path: string, what: string, error: unknown): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputFileError(
    `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}`,
    {
      cause: error,
    },
  );
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(path, what, error);
  }
}

/** Reads a JSON file; a syntax error names the file and the position. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFileError(`${what} ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Reads and validates a plan file (YAML, or JSON for `.json`) synchronously: CDK synth needs it
 * so (infra/plan-file.ts), and the CLI uses the same code. `what` names the file in messages.
 * @throws InputFileError (unreadable, not YAML/JSON), PlanValidationError (every problem at once)
 */
export function loadPlanFileSync(path: string, what = 'plan'): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadable(path, what, error);
  }
  const format = path.endsWith('.json') ? 'JSON' : 'YAML';
  let document: unknown;
  try {
    document = format === 'JSON' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new InputFileError(`${what} ${path} is not valid ${format}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parsePlan(document, `${what} ${path}`);
  } catch (error) {
    if (error instanceof PlanValidationError) throw error;
    throw new InputFileError(`${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads and validates a plan file (YAML or JSON). */
export async function loadPlanFile(path: string): Promise<Plan> {
  return loadPlanFileSync(path);
}
