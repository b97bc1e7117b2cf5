import type { Plan } from '../common/plan.js';
import type { ReadinessCheck } from '../common/readiness-checks.js';
import { KINDS } from '../kinds/registry.js';
import { alarmChecks, stateMachineChecks, topicChecks, type StateMachineTarget } from './resource-checks.js';

export type { ReadinessCheck } from '../common/readiness-checks.js';
export type { StateMachineTarget } from './resource-checks.js';

/** Whether the plan could fail over now, with every check that says so. */
export interface Readiness {
  readonly plan: string;
  /** No check failed (skipped ones do not count). */
  readonly ready: boolean;
  readonly checkedAt: string;
  readonly checks: readonly ReadinessCheck[];
}

export interface ReadinessOptions {
  readonly stateMachine: StateMachineTarget;
  /** The notification topic when the plan names none (FAILOVER_TOPIC_ARN in the deployed check). */
  readonly topicArn?: string;
}

/**
 * Checks, read-only, that everything the plan fails over is in place in the recovery region,
 * that its alarms are where they can fire, and that the workflow is deployed. Every resource is
 * checked (in parallel); the result lists the checks in plan order.
 */
export async function checkReadiness(plan: Plan, options: ReadinessOptions): Promise<Readiness> {
  const groups = await Promise.all([
    ...KINDS.filter((kind) => (plan[kind.planKey] as readonly unknown[]).length > 0).map(async (kind) => {
      // Each kind's checks live in its folder (functions/kinds/<id>/readiness.ts), found by
      // convention so that a new kind needs no line here; esbuild bundles every match.
      const module = (await import(`../kinds/${kind.id}/readiness.ts`)) as {
        kindReadiness: (plan: Plan) => Promise<ReadinessCheck[]>;
      };
      return module.kindReadiness(plan);
    }),
    topicChecks(plan.notifications.topicArn ?? options.topicArn),
    ...plan.triggers.alarms.map((alarm) => alarmChecks(alarm)),
    stateMachineChecks(options.stateMachine),
  ]);
  const checks = groups.flat();
  return {
    plan: plan.name,
    ready: checks.every((check) => check.status !== 'fail'),
    checkedAt: new Date().toISOString(),
    checks,
  };
}
