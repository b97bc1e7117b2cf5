import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type Deployment,
  type Service,
} from '@aws-sdk/client-ecs';
import { ecsClient } from '../../common/clients/ecs.js';

/** DescribeServices takes at most 10 services a call (ECS API reference, DescribeServices `services`). */
const SERVICES_PER_CALL = 10;

/** What DescribeServices said about one service: found, or why not (its `failures[].reason`, e.g. MISSING). */
export type Described =
  { readonly found: true; readonly service: Service } | { readonly found: false; readonly reason: string };

/**
 * Describes services of one or more clusters in as few calls as the API allows (10 a call, one
 * cluster a call). An unknown service is not an error to the API: it comes back in `failures`
 * with reason `MISSING`; an unknown cluster is `ClusterNotFoundException`, which this reads as
 * every service of that cluster missing. Keyed by `cluster/service`.
 */
export async function describeServices(
  region: string,
  items: readonly { readonly cluster: string; readonly service: string }[],
): Promise<Map<string, Described>> {
  const byCluster = new Map<string, string[]>();
  for (const item of items)
    byCluster.set(item.cluster, [...(byCluster.get(item.cluster) ?? []), item.service]);
  const described = new Map<string, Described>();
  for (const [cluster, names] of byCluster) {
    for (let first = 0; first < names.length; first += SERVICES_PER_CALL) {
      const batch = names.slice(first, first + SERVICES_PER_CALL);
      let response: DescribeServicesCommandOutput;
      try {
        response = await ecsClient(region).send(new DescribeServicesCommand({ cluster, services: batch }));
      } catch (error) {
        if (
          !(error instanceof ClusterNotFoundException) &&
          (error as Error).name !== 'ClusterNotFoundException'
        )
          throw error;
        for (const name of batch)
          described.set(`${cluster}/${name}`, { found: false, reason: `cluster ${cluster} not found` });
        continue;
      }
      for (const service of response.services ?? []) {
        if (service.serviceName !== undefined)
          described.set(`${cluster}/${service.serviceName}`, { found: true, service });
      }
      for (const failure of response.failures ?? []) {
        // A failure's `arn` is the service ARN (…:service/<cluster>/<name>) or, for a bare name, the name.
        const name = batch.find(
          (candidate) => failure.arn?.endsWith(`/${candidate}`) || failure.arn === candidate,
        );
        if (name !== undefined)
          described.set(`${cluster}/${name}`, { found: false, reason: failure.reason ?? 'unknown' });
      }
      for (const name of batch) {
        if (!described.has(`${cluster}/${name}`))
          described.set(`${cluster}/${name}`, { found: false, reason: 'MISSING' });
      }
    }
  }
  return described;
}

/** The deployment the service is moving to (or steady on). */
export const primaryDeployment = (service: Service): Deployment | undefined =>
  service.deployments?.find((deployment) => deployment.status === 'PRIMARY');

/** Where a service stands against the tasks a failover needs. */
export interface TaskCount {
  readonly running: number;
  readonly pending: number;
  readonly desired: number;
  /** The PRIMARY deployment's rolloutState, when ECS reports one. */
  readonly rolloutState: string | undefined;
  /** Enough tasks run and the deployment is steady. */
  readonly steady: boolean;
  /** ECS gave up on the deployment (circuit breaker): waiting longer will not help. */
  readonly failed: boolean;
}

/**
 * Steady means: at least `required` tasks RUNNING, and the PRIMARY deployment COMPLETED. A
 * desired-count change alone does not start a new deployment, so rolloutState can say COMPLETED
 * while tasks are still starting (aws-fixtures: UpdateService --desired-count 2 answers
 * runningCount 1 with the deployment COMPLETED): the running count decides. ECS returns
 * rolloutState only for the rolling update (ECS) deployment type, not behind a Classic Load
 * Balancer (ECS API reference, Deployment.rolloutState); without it, a single PRIMARY deployment
 * (no older one still draining) counts as steady.
 */
export function taskCount(service: Service, required: number): TaskCount {
  const primary = primaryDeployment(service);
  const running = service.runningCount ?? 0;
  const rolloutState = primary?.rolloutState;
  const onlyPrimary = (service.deployments ?? []).every((deployment) => deployment.status === 'PRIMARY');
  const deploymentSteady = rolloutState === undefined ? onlyPrimary : rolloutState === 'COMPLETED';
  return {
    running,
    pending: service.pendingCount ?? 0,
    desired: service.desiredCount ?? 0,
    rolloutState,
    steady: running >= required && deploymentSteady,
    failed: rolloutState === 'FAILED',
  };
}

/** The newest service event (e.g. "… was unable to place a task …"), for messages. */
export const latestEvent = (service: Service): string | undefined =>
  [...(service.events ?? [])].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0]
    ?.message;
