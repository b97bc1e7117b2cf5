import { parsePlan, type Plan } from './plan.js';

/**
 * What a deployed step knows about its deployment. The CDK construct bakes the validated plan
 * into the bundles of the steps that need it (esbuild `define` of `process.env.FAILOVER_PLAN`,
 * so a large plan does not hit Lambda's 4 KB environment limit) and sets FAILOVER_TOPIC_ARN.
 * Local replay sets both as environment variables.
 */
let cached: { source: string; plan: Plan } | undefined;

/** The plan this orchestrator was deployed with, validated once per cold start. */
export function deployedPlan(): Plan {
  const source = process.env.FAILOVER_PLAN;
  if (source === undefined || source === '') {
    throw new Error('FAILOVER_PLAN is not set: the orchestrator was deployed without a plan');
  }
  if (cached?.source !== source) cached = { source, plan: parsePlan(JSON.parse(source), 'deployed plan') };
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
