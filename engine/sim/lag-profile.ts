import * as z from 'zod';
import type { MetricQuery, MetricSample } from './kind-model.js';

/**
 * Replication lag over virtual time, for the kinds whose resources publish a lag metric (RDS
 * ReplicaLag, ElastiCache GlobalDatastoreReplicationLag): a scenario's step profile, the samples
 * CloudWatch serves from it, and when a value under a threshold can first be read.
 *
 * Both services publish once a minute: a sample is taken at each minute boundary and becomes
 * readable one minute later, so a profile change at second 120 is first seen at 180.
 */

/** One step of a lag profile. */
export const lagStepSchema = z.strictObject({
  /** Seconds since the scenario start from which this value holds (negative: before the start). */
  atSeconds: z.number(),
  /** Lag in seconds; `null` publishes no datapoint (replication broken or metric missing). */
  lagSeconds: z.number().min(0).nullable(),
});
export const lagProfileSchema = z.array(lagStepSchema).min(1);
export type LagProfile = z.output<typeof lagProfileSchema>;

const SAMPLE_MS = 60_000;
const METRIC_PERIOD_SECONDS = 60;
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
 * When a datapoint at or under `maxLag` can first be read (seconds from the scenario start): the
 * newest readable sample at second R (a minute boundary) is the one taken at R - 60. Null when
 * that never happens.
 */
export function lagObservableAt(profile: LagProfile, maxLag: number): number | null {
  const lastStep = Math.max(0, ...profile.map((step) => step.atSeconds));
  for (let readAt = 0; readAt <= lastStep + 2 * METRIC_PERIOD_SECONDS; readAt += METRIC_PERIOD_SECONDS) {
    const lag = lagAt(profile, readAt - METRIC_PERIOD_SECONDS);
    if (lag !== null && lag <= maxLag) return readAt;
  }
  return null;
}

/**
 * The samples of `profile` published in the query's [from, to) and readable at its `now`, at the
 * minute boundaries where `publishing(at)` holds (e.g. only while a replica replicates).
 */
export function lagSamples(
  startMs: number,
  profile: LagProfile,
  query: Pick<MetricQuery, 'from' | 'to' | 'now'>,
  publishing: (at: number) => boolean,
): MetricSample[] {
  const samples: MetricSample[] = [];
  const first = Math.ceil(query.from / SAMPLE_MS) * SAMPLE_MS;
  for (
    let at = first;
    at < query.to && at + SAMPLE_MS <= query.now && samples.length < MAX_SAMPLES;
    at += SAMPLE_MS
  ) {
    if (!publishing(at)) continue;
    const value = lagAt(profile, (at - startMs) / 1000);
    if (value !== null) samples.push({ at, value });
  }
  return samples;
}
