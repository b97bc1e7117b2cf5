import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePlan, type Plan } from './plan.js';

/**
 * The file, beside a deployed function's handler, that holds the plan the orchestrator was
 * deployed with: the CDK construct writes it into every function's asset (infra/handler-code.ts),
 * so the prebuilt code is the same for every plan and a large plan does not hit Lambda's 4 KB
 * environment limit.
 */
export const PLAN_FILE_NAME = 'failover-plan.json';

/**
 * Where the plan comes from, first match wins: FAILOVER_PLAN (the plan as JSON: local replay sets
 * it), FAILOVER_PLAN_FILE (a path), else PLAN_FILE_NAME beside this module, which in a deployed
 * function is the bundle at the root of its asset.
 */
function planSource(): { key: string; read: () => string } {
  const inline = process.env.FAILOVER_PLAN;
  if (inline !== undefined && inline !== '') return { key: `env:${inline}`, read: () => inline };
  const file =
    process.env.FAILOVER_PLAN_FILE || fileURLToPath(new URL(`./${PLAN_FILE_NAME}`, import.meta.url));
  return {
    key: `file:${file}`,
    read: () => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(
          `FAILOVER_PLAN is not set and the plan file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): the orchestrator was deployed without a plan`,
        );
      }
    },
  };
}

let cached: { key: string; plan: Plan } | undefined;

/** The plan this orchestrator was deployed with, read and validated once per cold start. */
export function deployedPlan(): Plan {
  const source = planSource();
  if (cached?.key !== source.key)
    cached = { key: source.key, plan: parsePlan(JSON.parse(source.read()), 'deployed plan') };
  return cached.plan;
}

/** The SNS topic for notifications: the plan's own, else the one the construct created. */
export function notificationTopicArn(plan: Plan): string {
  const arn = plan.notifications.topicArn ?? process.env.FAILOVER_TOPIC_ARN;
  if (arn === undefined || arn === '') {
    throw new Error('no notification topic: set notifications.topicArn in the plan or FAILOVER_TOPIC_ARN');
  }
  return arn;
}
