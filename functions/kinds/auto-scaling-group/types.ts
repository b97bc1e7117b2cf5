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
