import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  SetInstanceHealthCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScalingGroupPlan } from '../../functions/common/plan.js';
import { describeGroups } from '../../functions/kinds/auto-scaling-group/autoscaling.js';
import { checkGroupCapacity } from '../../functions/kinds/auto-scaling-group/check-capacity.js';
import { prewarmGroups, unwarmGroups } from '../../functions/kinds/auto-scaling-group/prewarm.js';
import { scaleGroup } from '../../functions/kinds/auto-scaling-group/scale-group.js';
import type { GroupCapacity, Scaling } from '../../functions/kinds/auto-scaling-group/types.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import {
  arrange,
  contractPlan,
  createRecordTable,
  motoEndpoint,
  newExecution,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * scaleGroup and checkGroupCapacity over HTTP against moto. moto launches a group's instances
 * InService and Healthy the moment its desired capacity rises; AWS takes tens of seconds
 * (Pending → InService after health checks).
 */

const LAUNCH_CONFIGURATION = 'contract-scaling-lc';
const PLAN_CAPACITY: GroupCapacity = { min: 3, desired: 6, max: 12 };
let created = 0;

function groupPlan(name: string, capacity: GroupCapacity = PLAN_CAPACITY): ScalingGroupPlan {
  const plan = contractPlan((document) => {
    document.scalingGroups = [{ name, ...capacity }];
  });
  const group = plan.scalingGroups[0];
  if (group === undefined) throw new Error('the contract plan has no scaling group');
  return group;
}

async function createGroup(capacity: GroupCapacity): Promise<string> {
  created += 1;
  const name = `contract-app-usw2-${created}`;
  await arrange.autoScaling(RECOVERY).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchConfigurationName: LAUNCH_CONFIGURATION,
      MinSize: capacity.min,
      DesiredCapacity: capacity.desired,
      MaxSize: capacity.max,
      AvailabilityZones: [`${RECOVERY}a`],
    }),
  );
  return name;
}

async function readGroup(name: string): Promise<AutoScalingGroup> {
  const { AutoScalingGroups } = await arrange
    .autoScaling(RECOVERY)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = AutoScalingGroups?.[0];
  if (group === undefined) throw new Error(`group ${name} is missing`);
  return group;
}

const capacityOf = (group: AutoScalingGroup): GroupCapacity => ({
  min: group.MinSize ?? -1,
  desired: group.DesiredCapacity ?? -1,
  max: group.MaxSize ?? -1,
});

const updateCalls = (): number =>
  stepCalls.filter((call) => call.command === 'UpdateAutoScalingGroupCommand').length;
const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  await arrange.autoScaling(RECOVERY).send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: LAUNCH_CONFIGURATION,
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
    }),
  );
});

describe('scaleGroup', () => {
  it('raises min, desired and max to the plan and reports the group as scaling', async () => {
    // Arrange
    const name = await createGroup({ min: 1, desired: 1, max: 2 });

    // Act
    const scaling = await scaleGroup({ group: groupPlan(name), recoveryRegion: RECOVERY, dryRun: false });

    // Assert: the step judged readiness on the group as it was before the update.
    expect(scaling).toMatchObject({
      status: 'scaling',
      previous: { min: 1, desired: 1, max: 2 },
      target: PLAN_CAPACITY,
      inService: 1,
      required: 6,
    });
    expect(capacityOf(await readGroup(name))).toEqual(PLAN_CAPACITY);
  });

  it('is ready at once, without UpdateAutoScalingGroup, when the group already has the plan capacity InService', async () => {
    // Arrange
    const name = await createGroup(PLAN_CAPACITY);
    const callsBefore = updateCalls();

    // Act
    const scaling = await scaleGroup({ group: groupPlan(name), recoveryRegion: RECOVERY, dryRun: false });

    // Assert
    expect(updateCalls()).toBe(callsBefore);
    expect(scaling).toMatchObject({ status: 'ready', inService: 6, required: 6 });
  });

  it('never lowers a capacity that someone raised by hand during the incident', async () => {
    // Arrange
    const name = await createGroup({ min: 2, desired: 8, max: 10 });

    // Act
    const scaling = await scaleGroup({ group: groupPlan(name), recoveryRegion: RECOVERY, dryRun: false });

    // Assert
    expect(scaling.target).toEqual({ min: 3, desired: 8, max: 12 });
    expect(capacityOf(await readGroup(name))).toEqual({ min: 3, desired: 8, max: 12 });
  });

  it('in a dry run reports the change and leaves the group as it is', async () => {
    // Arrange
    const name = await createGroup({ min: 1, desired: 1, max: 2 });
    const callsBefore = updateCalls();

    // Act
    const scaling = await scaleGroup({ group: groupPlan(name), recoveryRegion: RECOVERY, dryRun: true });

    // Assert
    expect(updateCalls()).toBe(callsBefore);
    expect(scaling.message).toContain('dry run: would set');
    expect(capacityOf(await readGroup(name))).toEqual({ min: 1, desired: 1, max: 2 });
  });

  it('fails with ScalingGroupNotFoundError for a group that DescribeAutoScalingGroups leaves out', async () => {
    // Act
    const error = await rejectionOf(
      scaleGroup({ group: groupPlan('contract-app-missing'), recoveryRegion: RECOVERY, dryRun: false }),
    );

    // Assert
    expect(error.name).toBe('ScalingGroupNotFoundError');
  });
});

describe('checkGroupCapacity', () => {
  /** A group scaled to the plan by the step itself, and the step's output. */
  async function scaledGroup(): Promise<{ name: string; scaling: Scaling }> {
    const name = await createGroup({ min: 1, desired: 1, max: 2 });
    const scaling = await scaleGroup({ group: groupPlan(name), recoveryRegion: RECOVERY, dryRun: false });
    return { name, scaling };
  }

  it('reports the group ready once enough instances are InService and Healthy', async () => {
    // Arrange
    const { name, scaling } = await scaledGroup();

    // Act
    const checked = await checkGroupCapacity({ group: groupPlan(name), recoveryRegion: RECOVERY, scaling });

    // Assert
    expect(checked).toMatchObject({ status: 'ready', inService: 6, required: 6 });
    expect(checked.readyAt).toEqual(expect.any(String));
  });

  it('keeps polling while an instance is not Healthy', async () => {
    // Arrange: moto keeps an Unhealthy instance as it is; AWS would replace it.
    const { name, scaling } = await scaledGroup();
    const instance = (await readGroup(name)).Instances?.[0]?.InstanceId ?? '';
    await arrange
      .autoScaling(RECOVERY)
      .send(new SetInstanceHealthCommand({ InstanceId: instance, HealthStatus: 'Unhealthy' }));

    // Act
    const checked = await checkGroupCapacity({ group: groupPlan(name), recoveryRegion: RECOVERY, scaling });

    // Assert
    expect(checked).toMatchObject({ status: 'scaling', inService: 5, required: 6 });
  });

  it('fails with GroupCapacityTimeoutError when too few are ready after capacityTimeoutSeconds', async () => {
    // Arrange
    const { name, scaling } = await scaledGroup();
    const instance = (await readGroup(name)).Instances?.[0]?.InstanceId ?? '';
    await arrange
      .autoScaling(RECOVERY)
      .send(new SetInstanceHealthCommand({ InstanceId: instance, HealthStatus: 'Unhealthy' }));

    // Act
    const error = await rejectionOf(
      checkGroupCapacity({
        group: groupPlan(name),
        recoveryRegion: RECOVERY,
        scaling: { ...scaling, startedAt: minutesAgo(16) },
      }),
    );

    // Assert
    expect(error.name).toBe('GroupCapacityTimeoutError');
    expect(error.message).toContain('5 of 6 required instances InService');
  });
});

describe('Auto Scaling errors as the SDK reads them from moto', () => {
  it('answers UpdateAutoScalingGroup of an unknown group with ValidationError (400), as AWS does', async () => {
    // Act
    const error = await rejectionOf(
      arrange
        .autoScaling(RECOVERY)
        .send(
          new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'contract-app-missing', MinSize: 1 }),
        ),
    );

    // Assert
    expect(error.name).toBe('ValidationError');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('prewarmGroups and unwarmGroups', () => {
  beforeAll(async () => {
    await createRecordTable('contract-scaling-record');
  });

  it('raises a group to the plan, then scales it back to the capacity recorded before', async () => {
    // Arrange
    const name = await createGroup({ min: 1, desired: 1, max: 2 });
    const context: KindContext = {
      plan: contractPlan((document) => {
        document.scalingGroups = [{ name, ...PLAN_CAPACITY }];
      }),
      scope: newExecution(),
      dryRun: false,
      planned: false,
      direction: 'failover',
    };

    // Act
    const prewarmed = await prewarmGroups(context);
    const raised = capacityOf(await readGroup(name));
    const undone = await unwarmGroups(context);

    // Assert
    expect(prewarmed.message).toBe("1 of 1 groups raised to the plan's capacity");
    expect(raised).toEqual(PLAN_CAPACITY);
    expect(undone.message).toBe('1 of 1 groups back to their capacity before the prewarm');
    expect(capacityOf(await readGroup(name))).toEqual({ min: 1, desired: 1, max: 2 });
  });
});

describe('the scaling steps over HTTP', () => {
  it('sent DescribeAutoScalingGroups and UpdateAutoScalingGroup to the moto server only', () => {
    expectStepCommandsSentToMoto('scaling', motoEndpoint());
  });
});

describe('describeGroups', () => {
  it('describes every named group in as few calls as the API allows, leaving unknown names out', async () => {
    // Arrange
    const names = [
      await createGroup({ min: 1, desired: 1, max: 2 }),
      await createGroup({ min: 0, desired: 0, max: 2 }),
    ];

    // Act
    const described = await describeGroups(RECOVERY, [...names, 'contract-app-missing']);

    // Assert
    expect([...described.keys()].sort()).toEqual([...names].sort());
    expect(described.get(names[0] ?? '')?.DesiredCapacity).toBe(1);
  });
});
