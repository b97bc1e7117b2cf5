import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { PlanInput } from '../../../functions/common/plan.js';

/** The example plan of the kind: one Global Datastore and parameters naming its endpoint. */
export const PLAN_FILE = 'examples/elasticache-global.plan.yaml';
export const GLOBAL_ID = 'ldgnf-shop-sessions';
export const RECOVERY_GROUP = 'shop-sessions-secondary';
export const PRIMARY_GROUP = 'shop-sessions';

/** The example plan's document, with `change` applied (a fresh copy each call). */
export function globalPlanInput(change: (document: PlanInput) => void = () => undefined): PlanInput {
  const document = parse(readFileSync(PLAN_FILE, 'utf8')) as PlanInput;
  change(document);
  return document;
}
