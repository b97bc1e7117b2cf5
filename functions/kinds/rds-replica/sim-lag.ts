import * as z from 'zod';
import type { MetricQuery, MetricSample } from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import type { SimulatedRds } from './sim-rds.js';

/**
 * The replicas' `AWS/RDS ReplicaLag` metric, served through the simulated CloudWatch.
 *
 * RDS publishes ReplicaLag once a minute; here a sample is taken at each minute boundary from the
 * scenario's lag profile and becomes readable one minute later, so a profile change at second
 * 120 is first seen at 180 (as with the real metric's publication delay). A replica publishes no
 * samples once its promotion started, nor while it is being created.
 */

/** One step of the scenario's `lag` profile of a replica (or `"*"`). */
export const lagStepSchema = z.strictObject({
  /** Seconds since the scenario start from which this value holds (negative: before the start). */
  atSeconds: z.number(),
  /** ReplicaLag in seconds; `null` publishes no datapoint (replication broken or metric missing). */
  lagSeconds: z.number().min(0).nullable(),
});
export const lagProfileSchema = z.array(lagStepSchema).min(1);
export type LagProfile = z.output<typeof lagProfileSchema>;

/** ReplicaLag of a replica the scenario gives no profile. */
export const DEFAULT_LAG_SECONDS = 1;
const SAMPLE_MS = 60_000;
/** GetMetricData's own limit on datapoints per call, so a huge window cannot hang a replay. */
const MAX_SAMPLES = 100_800;

/** The profile's value at a scenario second: a step function, flat before its first step. */
export function lagAt(profile: LagProfile, second: number): number | null {
  const steps = [...profile].sort((a, b) => a.atSeconds - b.atSeconds);
  let value = steps[0]?.lagSeconds ?? null;
  for (const step of steps) if (step.atSeconds <= second) value = step.lagSeconds;
  return value;
}

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
  const profile = lagProfileOf(world, replica);
  const samples: MetricSample[] = [];
  const first = Math.ceil(query.from / SAMPLE_MS) * SAMPLE_MS;
  for (
    let at = first;
    at < query.to && at + SAMPLE_MS <= query.now && samples.length < MAX_SAMPLES;
    at += SAMPLE_MS
  ) {
    if (!rds.replicatingAt(replica, query.region, at)) continue;
    const value = lagAt(profile, (at - world.startMs) / 1000);
    if (value !== null) samples.push({ at, value });
  }
  return samples;
}
