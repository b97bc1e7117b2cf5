import type { Plan } from '../functions/common/plan.js';
import { loadPlanFileSync } from '../engine/files.js';

/**
 * Reads a plan file and validates it with the same code as the CLI (engine/files.ts) and the
 * same `parsePlan` as the deployed steps, so CDK refuses to deploy a plan that the workflow
 * would reject at run time. Every problem is reported at once.
 * @throws PlanValidationError when the file parses but the plan is invalid
 */
export function loadPlanFile(path: string): Plan {
  return loadPlanFileSync(path, 'plan file');
}

export { parsePlan } from '../functions/common/plan.js';
export type {
  AlarmRef,
  DatabasePlan,
  ParameterPlan,
  Plan,
  PlanInput,
  ScalingGroupPlan,
} from '../functions/common/plan.js';
export { PlanValidationError, type PlanIssue } from '../functions/common/errors.js';
