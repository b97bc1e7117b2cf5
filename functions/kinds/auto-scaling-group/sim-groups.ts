import type {
  AutoScalingGroup,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  Instance,
  SetDesiredCapacityCommandInput,
  SetDesiredCapacityCommandOutput,
  UpdateAutoScalingGroupCommandInput,
  UpdateAutoScalingGroupCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import * as z from 'zod';
import { hexDigest, uuidFrom } from '../../../engine/sim/ids.js';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { longAgo, secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';

/**
 * EC2 Auto Scaling: every plan group exists in the recovery region at pilot-light size (min 1,
 * desired 1, one InService instance). Raising the desired capacity launches `Pending`
 * instances that go `InService` after the scenario's start time, but never more InService
 * than `maxAchievableInService` (a capacity shortage: the rest stay Pending).
 */

/** The scenario's `groups` entry: how one group (or `"*"`) behaves. */
export const groupSchema = z.strictObject({
  /** From launch to InService. @default 90 */
  instanceStartSeconds: z.number().min(0).optional(),
  /** At most this many instances ever become InService (capacity shortage); the rest stay Pending. */
  maxAchievableInService: z.number().int().min(0).optional(),
  /** The group does not exist in the recovery region. */
  missing: z.boolean().optional(),
  /** MaxSize of the pilot-light group before the failover. @default the plan's max */
  max: z.number().int().min(1).optional(),
});
export type GroupBehaviour = z.output<typeof groupSchema>;

export const DEFAULT_INSTANCE_START_SECONDS = 90;

interface InstanceRecord {
  readonly id: string;
  readonly az: string;
  readonly launchedAt: number;
}

interface GroupRecord {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly behaviour: GroupBehaviour;
  min: number;
  desired: number;
  max: number;
  instances: InstanceRecord[];
}

export interface GroupSnapshot {
  readonly name: string;
  readonly region: string;
  readonly min: number;
  readonly desired: number;
  readonly max: number;
  readonly inService: number;
  readonly pending: number;
}

const validation = (message: string) => fail('ValidationError', 400, message);

export class SimulatedAutoScaling {
  private readonly groups: GroupRecord[] = [];
  private launched = 0;

  public constructor(private readonly world: SimWorld) {
    const { plan, scenario } = world;
    for (const group of plan.scalingGroups) {
      const behaviour = settingsFor(scenario.groups, group.name) ?? {};
      if (behaviour.missing) continue;
      const record: GroupRecord = {
        name: group.name,
        region: plan.recoveryRegion,
        arn: `arn:aws:autoscaling:${plan.recoveryRegion}:${world.accountId}:autoScalingGroup:${uuidFrom(group.name)}:autoScalingGroupName/${group.name}`,
        behaviour,
        min: 1,
        desired: 1,
        max: behaviour.max ?? group.max,
        instances: [],
      };
      this.launch(record, longAgo(world, 30).getTime());
      this.groups.push(record);
    }
    // The old region's group of the same tier (issue 10), serving at the plan's capacity.
    for (const group of plan.scalingGroups) {
      if (group.primaryGroup === undefined) continue;
      const name = group.primaryGroup;
      const record: GroupRecord = {
        name,
        region: plan.primaryRegion,
        arn: `arn:aws:autoscaling:${plan.primaryRegion}:${world.accountId}:autoScalingGroup:${uuidFrom(name)}:autoScalingGroupName/${name}`,
        behaviour: {},
        min: group.min,
        desired: group.desired,
        max: group.max,
        instances: [],
      };
      for (let i = 0; i < group.desired; i++) this.launch(record, longAgo(world, 30).getTime());
      this.groups.push(record);
    }
  }

  public readonly operations = {
    DescribeAutoScalingGroups: (input: DescribeAutoScalingGroupsCommandInput, call: CallContext) =>
      this.describe(input, call),
    UpdateAutoScalingGroup: (input: UpdateAutoScalingGroupCommandInput, call: CallContext) =>
      this.update(input, call),
    SetDesiredCapacity: (input: SetDesiredCapacityCommandInput, call: CallContext) =>
      this.setDesired(input, call),
  };

  public snapshot(now: number): GroupSnapshot[] {
    return this.groups.map((group) => {
      const states = this.lifecycle(group, now);
      return {
        name: group.name,
        region: group.region,
        min: group.min,
        desired: group.desired,
        max: group.max,
        inService: states.filter((state) => state === 'InService').length,
        pending: states.filter((state) => state === 'Pending').length,
      };
    });
  }

  private describe(
    input: DescribeAutoScalingGroupsCommandInput,
    call: CallContext,
  ): Omit<DescribeAutoScalingGroupsCommandOutput, '$metadata'> {
    // Unknown names are simply absent from the answer: DescribeAutoScalingGroups never says "not found".
    if (call.absent) return { AutoScalingGroups: [] };
    const names = input.AutoScalingGroupNames;
    const groups = this.groups.filter(
      (group) =>
        group.region === call.region &&
        (names === undefined || names.length === 0 || names.includes(group.name)),
    );
    return { AutoScalingGroups: groups.map((group) => this.shape(group, call.now)) };
  }

  private update(
    input: UpdateAutoScalingGroupCommandInput,
    call: CallContext,
  ): Omit<UpdateAutoScalingGroupCommandOutput, '$metadata'> {
    const group = this.find(call.region, input.AutoScalingGroupName);
    const min = input.MinSize ?? group.min;
    const max = input.MaxSize ?? group.max;
    if (min > max) throw validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
    // UpdateAutoScalingGroup docs: without DesiredCapacity, a new MinSize above (MaxSize below)
    // the current size moves the desired capacity to it.
    const desired = input.DesiredCapacity ?? Math.min(max, Math.max(min, group.desired));
    if (desired < min || desired > max) {
      throw validation(
        `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
      );
    }
    Object.assign(group, { min, max });
    this.resize(group, desired, call.now);
    return {};
  }

  private setDesired(
    input: SetDesiredCapacityCommandInput,
    call: CallContext,
  ): Omit<SetDesiredCapacityCommandOutput, '$metadata'> {
    const group = this.find(call.region, input.AutoScalingGroupName);
    const desired = required(input.DesiredCapacity, 'desiredCapacity');
    if (desired > group.max) {
      throw validation(
        `New SetDesiredCapacity value ${desired} is above max value ${group.max} for the AutoScalingGroup.`,
      );
    }
    if (desired < group.min) {
      throw validation(
        `New SetDesiredCapacity value ${desired} is below min value ${group.min} for the AutoScalingGroup.`,
      );
    }
    this.resize(group, desired, call.now);
    return {};
  }

  private find(region: string, name: string | undefined): GroupRecord {
    const group = this.groups.find((candidate) => candidate.region === region && candidate.name === name);
    if (!group)
      throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? ''} not found`);
    return group;
  }

  /** Launches or terminates instances to match `desired`; Pending ones go first, newest first. */
  private resize(group: GroupRecord, desired: number, now: number): void {
    group.desired = desired;
    while (group.instances.length < desired) this.launch(group, now);
    if (group.instances.length > desired) {
      const states = this.lifecycle(group, now);
      const order = group.instances
        .map((instance, index) => ({ instance, pending: states[index] === 'Pending' }))
        .sort(
          (a, b) => Number(b.pending) - Number(a.pending) || b.instance.launchedAt - a.instance.launchedAt,
        );
      const terminate = new Set(
        order.slice(0, group.instances.length - desired).map((entry) => entry.instance),
      );
      group.instances = group.instances.filter((instance) => !terminate.has(instance));
    }
  }

  private launch(group: GroupRecord, at: number): void {
    this.launched += 1;
    const zones = ['a', 'b', 'c'];
    group.instances.push({
      id: `i-${hexDigest(`${group.arn}:${this.launched}`, 17)}`,
      az: `${group.region}${zones[group.instances.length % zones.length]}`,
      launchedAt: at,
    });
  }

  /** Each instance's lifecycle state at `now`, in `group.instances` order. */
  private lifecycle(group: GroupRecord, now: number): ('Pending' | 'InService')[] {
    const startMs = secondsToMs(group.behaviour.instanceStartSeconds ?? DEFAULT_INSTANCE_START_SECONDS);
    const cap = group.behaviour.maxAchievableInService ?? Infinity;
    let inService = 0;
    return group.instances.map((instance) => {
      if (now >= instance.launchedAt + startMs && inService < cap) {
        inService += 1;
        return 'InService';
      }
      return 'Pending';
    });
  }

  /** The SDK `AutoScalingGroup` shape, after aws-fixtures/api/autoscaling-DescribeAutoScalingGroups-*. */
  private shape(group: GroupRecord, now: number): AutoScalingGroup {
    const launchTemplate = {
      LaunchTemplateId: `lt-${hexDigest(group.name, 17)}`,
      LaunchTemplateName: group.name,
      Version: '$Latest',
    };
    const states = this.lifecycle(group, now);
    const instances: Instance[] = group.instances.map((instance, index) => ({
      InstanceId: instance.id,
      InstanceType: 't3.medium',
      AvailabilityZone: instance.az,
      LifecycleState: states[index] ?? 'Pending',
      HealthStatus: 'Healthy',
      LaunchTemplate: launchTemplate,
      ProtectedFromScaleIn: false,
    }));
    return {
      AutoScalingGroupName: group.name,
      AutoScalingGroupARN: group.arn,
      LaunchTemplate: launchTemplate,
      MinSize: group.min,
      MaxSize: group.max,
      DesiredCapacity: group.desired,
      DefaultCooldown: 300,
      AvailabilityZones: ['a', 'b', 'c'].map((zone) => `${group.region}${zone}`),
      LoadBalancerNames: [],
      TargetGroupARNs: [
        `arn:aws:elasticloadbalancing:${group.region}:${this.world.accountId}:targetgroup/${group.name.slice(0, 24)}/${hexDigest(group.name, 16)}`,
      ],
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      Instances: instances,
      CreatedTime: longAgo(this.world, 90),
      SuspendedProcesses: [],
      VPCZoneIdentifier: ['a', 'b', 'c']
        .map((zone) => `subnet-${hexDigest(`${group.region}${zone}`, 17)}`)
        .join(','),
      EnabledMetrics: [],
      Tags: [],
      TerminationPolicies: ['Default'],
      NewInstancesProtectedFromScaleIn: false,
      ServiceLinkedRoleARN: `arn:aws:iam::${this.world.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      TrafficSources: [],
    };
  }
}
