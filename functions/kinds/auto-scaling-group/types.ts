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

/**
 * What the prewarm did to one group, and its undo (the record's `prewarm` part). `raised`: the
 * prewarm set the plan's capacity; `already-there`: the group was at it already (nothing to undo);
 * `failed`: it could not be raised (the failover's own Start tries again); `undone`: scaled back to
 * `previous`; `kept`: not scaled back, `message` says why (someone changed it since, or the
 * failover's Start took it over).
 */
export interface GroupPrewarm {
  readonly status: 'raised' | 'already-there' | 'failed' | 'undone' | 'kept';
  readonly groupName: string;
  /** The capacity recorded before the prewarm (the group's write-once facts). */
  readonly previous?: GroupCapacity;
  readonly target?: GroupCapacity;
  readonly startedAt: string;
  readonly raisedAt?: string;
  readonly undoneAt?: string;
  readonly message: string;
}
