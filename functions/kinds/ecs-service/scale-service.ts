import { UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { ecsClient } from '../../common/clients/ecs.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { pollInterval } from '../kind-step.js';
import { serviceLabel, type EcsServicePlan } from './definition.js';
import { EcsDeploymentFailedError, EcsServiceTimeoutError } from './errors.js';
import { latestEvent, taskCount } from './ecs.js';
import type { ServiceFacts, ServiceScaling } from './types.js';

/** Tasks take tens of seconds to be placed, pull their image and pass health checks. */
export const TASK_POLL_SECONDS = 15;
/** When the tasks still missing are already placed (PENDING), or only the rollout is not yet marked done. */
export const CLOSE_POLL_SECONDS = 5;

/** What a raise needs recorded before it changes anything: the count before (write-once). */
export type RememberPrevious = (facts: Omit<ServiceFacts, 'raisedBy'>) => Promise<ServiceFacts>;

/**
 * Raises one service's desired count to the plan's, never down: a service already at or above
 * it (someone scaled it by hand during the incident, or the prewarm did) keeps its count and no
 * UpdateService is sent. The count before is recorded once, before the first change, so a
 * retried step (which reads the raised count as "now") keeps the count to come back to.
 */
export async function scaleService(
  item: EcsServicePlan,
  region: string,
  current: Service,
  dryRun: boolean,
  remember: RememberPrevious,
): Promise<ServiceScaling> {
  const label = serviceLabel(item);
  const now = current.desiredCount ?? 0;
  const desired = Math.max(now, item.desiredCount);
  const raise = desired > now;
  const startedAt = nowIso();
  const count = taskCount(current, item.desiredCount);
  const base = { label, desired, required: item.desiredCount, running: count.running, startedAt };
  if (dryRun) {
    return {
      ...base,
      status: 'steady',
      steadyAt: startedAt,
      previousDesired: now,
      pollSeconds: 0,
      dryRun,
      message: raise
        ? `dry run: would raise ${label} from ${now} to ${desired} desired tasks`
        : `dry run: ${label} already has ${now} desired tasks (plan ${item.desiredCount})`,
    };
  }
  const facts = await remember({ previousDesired: now, raisedTo: raise ? desired : null });
  if (raise) {
    await ecsClient(region).send(
      new UpdateServiceCommand({ cluster: item.cluster, service: item.service, desiredCount: desired }),
    );
  }
  const steady = !raise && count.steady;
  return {
    ...base,
    status: steady ? 'steady' : 'scaling',
    ...(steady ? { steadyAt: startedAt } : {}),
    previousDesired: facts.previousDesired,
    pollSeconds: TASK_POLL_SECONDS,
    dryRun,
    message: `${label} ${raise ? `raised from ${now} to` : 'already at'} ${desired} desired; ${count.running}/${item.desiredCount} running`,
  };
}

/**
 * Polled after the raise: steady once the plan's tasks run and the deployment is COMPLETED.
 * @throws EcsDeploymentFailedError, EcsServiceTimeoutError
 */
export function assessService(
  item: EcsServicePlan,
  scaling: ServiceScaling,
  current: Service,
): ServiceScaling {
  const count = taskCount(current, scaling.required);
  const label = scaling.label;
  const progress = `${count.running}/${scaling.required} running, ${count.pending} pending, rollout ${count.rolloutState ?? 'not reported'}`;
  if (count.steady)
    return {
      ...scaling,
      status: 'steady',
      running: count.running,
      steadyAt: nowIso(),
      message: `${label} steady: ${progress}`,
    };
  const event = latestEvent(current);
  const why = event !== undefined ? `; last service event: ${event}` : '';
  if (count.failed) {
    const reason = current.deployments?.find(
      (deployment) => deployment.status === 'PRIMARY',
    )?.rolloutStateReason;
    throw new EcsDeploymentFailedError(
      `${label} deployment FAILED (${reason ?? 'no reason given'}): ${progress}${why}`,
    );
  }
  const elapsed = secondsSince(scaling.startedAt);
  if (elapsed > item.steadyTimeoutSeconds) {
    throw new EcsServiceTimeoutError(
      `${label} has ${progress} after ${Math.round(elapsed)}s (steadyTimeoutSeconds ${item.steadyTimeoutSeconds})${why}`,
    );
  }
  // Nearly there: the missing tasks are placed and starting, or only the rollout's mark is missing.
  const close = count.running >= scaling.required || count.running + count.pending >= scaling.required;
  return {
    ...scaling,
    status: 'scaling',
    running: count.running,
    pollSeconds: close ? CLOSE_POLL_SECONDS : pollInterval(TASK_POLL_SECONDS, elapsed),
    message: `${label}: ${progress}`,
  };
}
