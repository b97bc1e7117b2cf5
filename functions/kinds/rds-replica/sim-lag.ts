import type { MetricQuery, MetricSample } from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { SimulatedRds } from './sim-rds.js';
import { minuteLagSamples, type LagProfile } from '../sim-lag.js';

export { lagAt, lagProfileSchema, type LagProfile } from '../sim-lag.js';

/**
 * The replicas' `AWS/RDS ReplicaLag` metric, served through the simulated CloudWatch.
 *
 * RDS publishes ReplicaLag once a minute; here a sample is taken at each minute boundary from the
 * scenario's lag profile and becomes readable one minute later, so a profile change at second
 * 120 is first seen at 180 (as with the real metric's publication delay). A replica publishes no
 * samples once its promotion started, nor while it is being created.
 */

/** ReplicaLag of a replica the scenario gives no profile. */
export const DEFAULT_LAG_SECONDS = 1;

/** The replica's profile: its own, else the `"*"` one, else a steady default. */
export const lagProfileOf = (world: Pick<SimWorld, 'scenario'>, replica: string): LagProfile =>
  world.scenario.lag?.[replica] ??
  world.scenario.lag?.['*'] ?? [{ atSeconds: 0, lagSeconds: DEFAULT_LAG_SECONDS }];

/** The published ReplicaLag samples in [from, to), or undefined for any other metric. */
export function replicaLagSamples(
  world: SimWorld,
  rds: SimulatedRds,
  query: MetricQuery,
): MetricSample[] | undefined {
  const { namespace, metricName, dimensions } = query;
  if (namespace !== 'AWS/RDS' || metricName !== 'ReplicaLag') return undefined;
  if (dimensions?.length !== 1) return [];
  const [dimension] = dimensions;
  if (dimension?.Name !== 'DBInstanceIdentifier' || dimension.Value === undefined) return [];
  const replica = dimension.Value;
  // The home replicas failback creates (primary region) follow the scenario's `failbackLag`.
  const profile =
    query.region === world.plan.primaryRegion
      ? (world.scenario.failbackLag?.[replica] ??
        world.scenario.failbackLag?.['*'] ?? [{ atSeconds: 0, lagSeconds: 0 }])
      : lagProfileOf(world, replica);
  return minuteLagSamples(world, query, profile, (at) => rds.replicatingAt(replica, query.region, at));
}
