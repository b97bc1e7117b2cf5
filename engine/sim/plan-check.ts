import type { Plan } from '../../functions/common/plan.js';
import { faultApplies } from './faults.js';
import { SIMULATED_KINDS } from './kinds.js';
import { MODELED_OPERATIONS, SIMULATED_SERVICES, type Scenario, type ScenarioIssue } from './scenario.js';

/**
 * Checks a scenario against the plan it is replayed with: a key that names no resource of the
 * plan (a kind's section: replica, group, parameter …) or no trigger alarm is a typo that would
 * otherwise silently do nothing.
 */
export function scenarioIssuesForPlan(plan: Plan, scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const checkKeys = (
    path: string,
    map: Readonly<Record<string, unknown>> | undefined,
    known: readonly string[],
    what: string,
  ) => {
    for (const key of Object.keys(map ?? {})) {
      if (key !== '*' && !known.includes(key)) {
        issues.push({
          path: `${path}.${key}`,
          message: `the plan has no ${what} "${key}" (known: ${known.join(', ') || 'none'})`,
        });
      }
    }
  };
  const sections = scenario as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  for (const kind of SIMULATED_KINDS) {
    for (const [key, section] of Object.entries(kind.scenario)) {
      checkKeys(key, sections[key], section.names(plan), section.what);
    }
  }
  checkKeys(
    'alarms',
    scenario.alarms,
    plan.triggers.alarms.map((alarm) => alarm.name),
    'trigger alarm',
  );

  if (scenario.approval !== undefined && plan.approval === undefined)
    issues.push({
      path: 'approval',
      message: 'the plan has no approval: nobody is asked, so there is nothing to answer',
    });

  (scenario.faults ?? []).forEach((fault, i) => {
    if (!faultApplies(fault.error, fault.service, fault.operation)) {
      issues.push({
        path: `faults[${i}].error`,
        message: `${fault.error} has no meaning for ${fault.service} ${fault.operation}; use throttling, server, unavailable, timeout, timeoutAfterApply or accessDenied`,
      });
    }
  });
  const services = scenario.random?.services ?? SIMULATED_SERVICES;
  const operations: readonly string[] = services.flatMap((service) => MODELED_OPERATIONS[service]);
  for (const operation of scenario.random?.operations ?? []) {
    if (!operations.includes(operation)) {
      issues.push({
        path: 'random.operations',
        message: `"${operation}" is not a simulated operation of ${services.join(', ')}`,
      });
    }
  }
  return issues;
}
