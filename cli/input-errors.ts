import { statSync } from 'node:fs';
import { BadInputError, badInputLine, isBadInput } from './command-inputs.js';

/**
 * The last word on errors a command did not handle itself, so that a user never meets a stack
 * trace: input that cannot be used (a directory where a file belongs, a file where a directory
 * belongs, a file that cannot be read) and missing AWS credentials are bad input (exit 2), in one
 * line; anything else is one line naming the error (exit 1).
 */

/** What the SDK's default credential chain throws when it finds nothing anywhere. */
export const NO_CREDENTIALS =
  'no AWS credentials: the SDK found none in the environment, the shared config and credentials files, SSO or an instance role; set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run with --local';

export const isMissingCredentials = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'CredentialsProviderError' || /Could not load credentials/.test(error.message));

/** File-system errors that mean the path the user gave is wrong, and what to say about each. */
const PATH_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'is a file, not a directory',
  EEXIST: 'is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function pathProblem(error: unknown): string | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === undefined || !Object.hasOwn(PATH_PROBLEMS, code)) return undefined;
  return path === undefined ? PATH_PROBLEMS[code] : `${path}: ${PATH_PROBLEMS[code]}`;
}

/**
 * Checks the paths a command was given before it starts, so a wrong one is bad input at once
 * rather than an error after the run: files (`--plan`, `--scenario`) must not be directories, and
 * a directory to write to (`--report-dir`) must not be an existing file.
 * @throws BadInputError
 */
export function checkOptionPaths(values: Readonly<Record<string, unknown>>): void {
  for (const option of ['plan', 'scenario']) {
    const path = values[option];
    if (typeof path === 'string' && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
      throw new BadInputError(`--${option} ${path} is a directory, not a file`);
  }
  const dir = values['report-dir'];
  if (typeof dir === 'string') {
    const found = statSync(dir, { throwIfNoEntry: false });
    if (found !== undefined && !found.isDirectory())
      throw new BadInputError(`--report-dir ${dir} is a file, not a directory`);
  }
}

/** The one line for an error no command handled, and its exit code. */
export function unhandledError(command: string, error: unknown): { line: string; badInput: boolean } {
  if (isBadInput(error) && (error as NodeJS.ErrnoException).code === undefined)
    return { line: badInputLine(error), badInput: true };
  if (isMissingCredentials(error)) return { line: `bad input: ${NO_CREDENTIALS}`, badInput: true };
  const problem = pathProblem(error);
  if (problem !== undefined) return { line: `bad input: ${problem}`, badInput: true };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { line: `failover ${command}: ${text.replace(/\s*\n\s*/g, ' ')}`, badInput: false };
}
