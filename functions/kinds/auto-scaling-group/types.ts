import type { ScalingGroupPlan } from './definition.js';

/** The shapes the Auto Scaling group kind keeps in the failover record. */

export interface GroupCapacity {
  readonly min: number;
  readonly desired: number;
  readonly max: number;
}

export interface Scaling {
  readonly status: 'scaling' | 'ready';
  readonly groupName: string;
  readonly previous: GroupCapacity;
  readonly target: GroupCapacity;
  /** Instances InService and Healthy at the last look. */
  readonly inService: number;
  /** Instances InService and Healthy when the group was scaled (absent in records kept before it was). */
  readonly inServiceAtStart?: number;
  /** How many InService instances count as ready (minHealthyPercent of target desired). */
  readonly required: number;
  readonly startedAt: string;
  readonly readyAt?: string;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

export interface ScaleGroupInput {
  readonly group: ScalingGroupPlan;
  readonly recoveryRegion: string;
  readonly dryRun: boolean;
}

export interface CheckGroupCapacityInput {
  readonly group: ScalingGroupPlan;
  readonly recoveryRegion: string;
  readonly scaling: Scaling;
}

/** Recorded once per group, before its first change: what failback restores. */
export interface GroupFacts {
  readonly previous: GroupCapacity;
}

/** An optional group the preflight found unable to fail over: never scaled, a warning in the notice. */
export interface SkippedGroup {
  readonly status: 'skipped';
  readonly groupName: string;
  readonly message: string;
}

/** What the record holds per group once Scale ran. */
export type GroupProgress = Scaling | SkippedGroup;

/** The preflight's look at one group (the gate record). */
export interface GroupPreflight {
  readonly groupName: string;
  readonly skipped: boolean;
  readonly message: string;
}
