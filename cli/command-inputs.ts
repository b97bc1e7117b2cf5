import { InvalidTriggerError, PlanValidationError } from '../functions/common/errors.js';
import type { Plan } from '../functions/common/plan.js';
import { InputFileError, loadPlanFile } from '../engine/files.js';
import { loadScenario, ScenarioValidationError, type Scenario } from '../engine/sim/index.js';

/** Input the command cannot use: exit 2 with this one-line reason. */
export class BadInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** Errors that mean the user's input is wrong (exit 2), as opposed to a failed failover. */
export function isBadInput(error: unknown): boolean {
  return (
    error instanceof BadInputError ||
    error instanceof InputFileError ||
    error instanceof PlanValidationError ||
    error instanceof InvalidTriggerError ||
    error instanceof ScenarioValidationError ||
    (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}

/** One line that names the bad input: the README promises a one-line reason. */
export function badInputLine(error: unknown): string {
  if (error instanceof PlanValidationError) {
    return `bad input: ${error.issues.length} problem(s) in the plan: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
  }
  return `bad input: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}`;
}

/** The plan and the optional scenario of a command (`--plan` is required by gameday and check). */
export async function loadPlanAndScenario(
  command: string,
  planPath: string | undefined,
  scenarioPath: string | undefined,
): Promise<{ plan: Plan; scenario: Scenario | undefined }> {
  if (planPath === undefined) throw new BadInputError(`${command} needs --plan <file>`);
  const [plan, scenario] = await Promise.all([
    loadPlanFile(planPath),
    scenarioPath === undefined ? Promise.resolve(undefined) : loadScenario(scenarioPath),
  ]);
  return { plan, scenario };
}
