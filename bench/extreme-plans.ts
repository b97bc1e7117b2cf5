import type { PlanInput } from '../functions/common/plan.js';
import type { Scenario } from '../engine/sim/scenario.js';

/**
 * The plans at the edges of what the schema allows, for the limits `npm run bench -- --json`
 * checks: the largest plan (every list at its maximum length, every name and value at its
 * longest) and the longest execution (every wait and timeout at its maximum, replicas backing
 * up first, throttled calls along the way).
 */

const pad = (prefix: string, length: number, fill = 'x'): string =>
  prefix + fill.repeat(length - prefix.length);
const numbered = (count: number) => Array.from({ length: count }, (_, i) => String(i).padStart(3, '0'));

/** 100 databases, 100 groups, 200 parameters, 25 alarms; names and values at their longest. */
export function largestPlan(base: PlanInput): PlanInput {
  return {
    ...base,
    name: pad('shop-largest-', 63, 'x'),
    description: pad('The largest plan the schema allows. ', 1024),
    triggers: {
      ...base.triggers,
      alarms: [
        ...base.triggers.alarms,
        ...numbered(24).map((n) => ({ name: pad(`alarm-${n}-`, 255), region: base.primaryRegion })),
      ],
    },
    databases: numbered(100).map((n) => ({
      id: pad(`db${n}`, 63, 'd'),
      replica: pad(`replica-${n}-`, 63, 'r'),
      maxLagSeconds: 30,
    })),
    scalingGroups: numbered(100).map((n) => ({
      name: pad(`group-${n}-`, 255, 'g'),
      min: 2,
      desired: 4,
      max: 8,
    })),
    parameters: numbered(200).map((n) => {
      const database = pad(`db${String(Number(n) % 100).padStart(3, '0')}`, 63, 'd');
      const template = `{{databases.${database}.endpoint}}:{{databases.${database}.port}}/`;
      return {
        name: pad(`/shop/${n}/`, 1011, 'p'),
        value: pad(template, 4096, 'v'),
      };
    }),
  };
}

const LONGEST_TIMEOUT = 86_400;
/** Just inside each timeout, so that every resource finishes as late as the plan allows. */
const JUST_INSIDE = LONGEST_TIMEOUT - 600;

/**
 * The longest execution the schema allows: the confirm window and the lag wait at their
 * maximum (lag above the threshold the whole time, onLagExceeded promote), every replica
 * backing up until just inside its timeout and then promoting for as long again, every group's
 * instances booting for just under its timeout, and a share of the AWS calls throttled.
 */
export function longestExecution(base: PlanInput): { plan: PlanInput; scenario: Scenario } {
  const largest = largestPlan(base);
  const plan: PlanInput = {
    ...largest,
    objectives: { rtoSeconds: 86_400, rpoSeconds: 86_400 },
    triggers: { ...largest.triggers, confirmSeconds: 3_600 },
    databases: (largest.databases ?? []).map((db) => ({
      ...db,
      maxLagSeconds: 60,
      lagWaitSeconds: 3_600,
      onLagExceeded: 'promote' as const,
      promotionTimeoutSeconds: LONGEST_TIMEOUT,
    })),
    scalingGroups: (largest.scalingGroups ?? []).map((group) => ({
      ...group,
      capacityTimeoutSeconds: LONGEST_TIMEOUT,
    })),
  };
  const gateEndsAt = 3_600 + 3_600;
  const scenario: Scenario = {
    description: 'The longest execution the schema allows (bench).',
    lag: { '*': [{ atSeconds: -600, lagSeconds: 600 }] },
    promotion: {
      '*': {
        initialStatus: 'backing-up',
        backingUpUntilSeconds: gateEndsAt + JUST_INSIDE,
        durationSeconds: JUST_INSIDE,
      },
    },
    groups: { '*': { instanceStartSeconds: JUST_INSIDE } },
    // Throttling the SDK's own retries absorb, and runs of it that reach the workflow's Retry.
    random: {
      seed: 7,
      rate: 0.05,
      errors: ['throttling'],
      services: ['rds', 'autoscaling', 'cloudwatch', 'ssm'],
    },
    // Lambda throttles some invocations: each one costs the history a failed attempt and a retry.
    randomLambda: { seed: 11, rate: 0.1, errors: ['Lambda.TooManyRequestsException'] },
    faults: [
      { service: 'rds', operation: 'DescribeDBInstances', from: 1, count: 6, error: 'throttling' },
      {
        service: 'autoscaling',
        operation: 'DescribeAutoScalingGroups',
        from: 5,
        count: 6,
        error: 'throttling',
      },
    ],
  };
  return { plan, scenario };
}
