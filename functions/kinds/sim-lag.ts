import * as z from 'zod';
import type { MetricQuery, MetricSample } from '../../engine/sim/kind-model.js';
import type { SimWorld } from '../../engine/sim/world.js';

/**
 * Lag metrics in the simulated AWS (RDS ReplicaLag, Aurora AuroraGlobalDBRPOLag), served through
 * the simulated CloudWatch from a scenario profile. They are published once a minute: a sample is
 * taken at each minute boundary and becomes readable one minute later, so a profile change at
 * second 120 is first seen at 180 (as with the real metrics' publication delay). Only the local
 * engine imports this file.
 */

/** One step of a scenario lag profile of a resource (or `"*"`). */
export const lagStepSchema = z.strictObject({
  /** Seconds since the scenario start from which this value holds (negative: before the start). */
  atSeconds: z.number(),
  /** Lag in seconds; `null` publishes no datapoint (replication broken or metric missing). */
  lagSeconds: z.number().min(0).nullable(),
});
export const lagProfileSchema = z.array(lagStepSchema).min(1);
export type LagProfile = z.output<typeof lagProfileSchema>;

const LAG_PERIOD_SECONDS = 60;
const SAMPLE_MS = LAG_PERIOD_SECONDS * 1000;
/** GetMetricData's own limit on datapoints per call, so a huge window cannot hang a replay. */
const MAX_SAMPLES = 100_800;

/** The profile's value at a scenario second: a step function, flat before its first step. */
export function lagAt(profile: LagProfile, second: number): number | null {
  const steps = [...profile].sort((a, b) => a.atSeconds - b.atSeconds);
  let value = steps[0]?.lagSeconds ?? null;
  for (const step of steps) if (step.atSeconds <= second) value = step.lagSeconds;
  return value;
}

/**
 * The samples of a once-a-minute lag metric in [from, to) from a scenario lag profile (seconds),
 * multiplied by `scale` (1000 for a metric in milliseconds): a sample taken at each minute
 * boundary while `publishing(at)` holds, readable one minute later.
 */
export function minuteLagSamples(
  world: SimWorld,
  query: MetricQuery,
  profile: LagProfile,
  publishing: (at: number) => boolean,
  scale = 1,
): MetricSample[] {
  const samples: MetricSample[] = [];
  const first = Math.ceil(query.from / SAMPLE_MS) * SAMPLE_MS;
  for (
    let at = first;
    at < query.to && at + SAMPLE_MS <= query.now && samples.length < MAX_SAMPLES;
    at += SAMPLE_MS
  ) {
    if (!publishing(at)) continue;
    const value = lagAt(profile, (at - world.startMs) / 1000);
    if (value !== null) samples.push({ at, value: value * scale });
  }
  return samples;
}

/**
 * When a lag datapoint at or under `maxLag` can first be read: the newest readable sample
 * at second R (a minute boundary) is the one taken at R - 60. Null when that never happens.
 */
export function lagObservableAt(profile: LagProfile, maxLag: number): number | null {
  const lastStep = Math.max(0, ...profile.map((step) => step.atSeconds));
  for (let readAt = 0; readAt <= lastStep + 2 * LAG_PERIOD_SECONDS; readAt += LAG_PERIOD_SECONDS) {
    const lag = lagAt(profile, readAt - LAG_PERIOD_SECONDS);
    if (lag !== null && lag <= maxLag) return readAt;
  }
  return null;
}
