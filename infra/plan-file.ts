import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parsePlan, type Plan } from '../functions/common/plan.js';

/**
 * Reads a plan file (YAML, or JSON, which is YAML too) and validates it with the same
 * `parsePlan` the CLI and the deployed steps use, so CDK refuses to deploy a plan that the
 * workflow would reject at run time. Every problem is reported at once.
 * @throws PlanValidationError when the file parses but the plan is invalid
 */
export function loadPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read plan file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`plan file ${path} is not valid YAML/JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parsePlan(document, path);
}
