import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { autoScalingClient } from '../../../functions/common/clients/autoscaling.js';
import {
  failure,
  GROUP,
  RECOVERY,
  settle,
  simulate,
  teardown,
  type InstalledClock,
} from '../../sim/support.js';

afterEach(teardown);

async function describeGroup(clock: InstalledClock): Promise<AutoScalingGroup> {
  const output = await settle(
    clock,
    autoScalingClient(RECOVERY).send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
    ),
  );
  const group = output.AutoScalingGroups?.[0];
  if (!group) throw new Error(`no group ${GROUP}`);
  return group;
}

const count = (group: AutoScalingGroup, state: string) =>
  (group.Instances ?? []).filter((instance) => instance.LifecycleState === state).length;

const scaleTo = (clock: InstalledClock, desired: number, min = 3, max = 12) =>
  settle(
    clock,
    autoScalingClient(RECOVERY).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        MinSize: min,
        MaxSize: max,
        DesiredCapacity: desired,
      }),
    ),
  );

describe('simulated Auto Scaling', () => {
  it('starts a plan group at pilot-light size with one healthy InService instance', async () => {
    const { clock } = simulate();

    const group = await describeGroup(clock);

    expect(group).toMatchObject({ MinSize: 1, DesiredCapacity: 1, MaxSize: 12 });
    expect(group.Instances).toHaveLength(1);
    expect(group.Instances?.[0]).toMatchObject({ LifecycleState: 'InService', HealthStatus: 'Healthy' });
    expect(group.Instances?.[0]?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
  });

  it('launches new instances Pending and puts them InService after the start time', async () => {
    const { clock } = simulate({ groups: { [GROUP]: { instanceStartSeconds: 90 } } });
    await scaleTo(clock, 6);

    const launched = await describeGroup(clock);
    await clock.tickAsync(90_000);
    const started = await describeGroup(clock);

    expect(count(launched, 'Pending')).toBe(5);
    expect(count(launched, 'InService')).toBe(1);
    expect(count(started, 'InService')).toBe(6);
    expect(started.DesiredCapacity).toBe(6);
  });

  it('stops at maxAchievableInService and leaves the rest Pending', async () => {
    const { clock, cloud } = simulate({ groups: { '*': { maxAchievableInService: 4 } } });
    await scaleTo(clock, 6);

    await clock.tickAsync(3_600_000);
    const group = await describeGroup(clock);

    expect(count(group, 'InService')).toBe(4);
    expect(count(group, 'Pending')).toBe(2);
    expect(cloud.snapshot().groups[0]).toMatchObject({ desired: 6, inService: 4, pending: 2 });
  });

  it('leaves unknown group names out of DescribeAutoScalingGroups instead of failing', async () => {
    const { clock } = simulate();

    const output = await settle(
      clock,
      autoScalingClient(RECOVERY).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['no-such-group', GROUP] }),
      ),
    );

    expect(output.AutoScalingGroups?.map((group) => group.AutoScalingGroupName)).toEqual([GROUP]);
  });

  it.each([
    {
      case: 'desired above max',
      input: { MinSize: 1, MaxSize: 4, DesiredCapacity: 6 },
      message: /Desired capacity:6/,
    },
    { case: 'min above max', input: { MinSize: 5, MaxSize: 4 }, message: /min bound, 5/ },
  ])('rejects UpdateAutoScalingGroup with $case as a ValidationError', async ({ input, message }) => {
    const { clock } = simulate();

    const error = await failure(
      clock,
      autoScalingClient(RECOVERY).send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, ...input }),
      ),
    );

    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(message);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('rejects SetDesiredCapacity above the group maximum', async () => {
    const { clock } = simulate();

    const error = await failure(
      clock,
      autoScalingClient(RECOVERY).send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 20 }),
      ),
    );

    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'New SetDesiredCapacity value 20 is above max value 12 for the AutoScalingGroup.',
    );
  });

  it('raises the desired capacity to a new MinSize given without DesiredCapacity', async () => {
    const { clock } = simulate();

    await settle(
      clock,
      autoScalingClient(RECOVERY).send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 3 }),
      ),
    );
    const group = await describeGroup(clock);

    expect(group.DesiredCapacity).toBe(3);
    expect(group.Instances).toHaveLength(3);
  });

  it('removes Pending instances first when scaling down', async () => {
    const { clock } = simulate();
    await scaleTo(clock, 3);
    await clock.tickAsync(120_000);
    await scaleTo(clock, 6);

    await scaleTo(clock, 3);
    const group = await describeGroup(clock);

    expect(group.Instances).toHaveLength(3);
    expect(count(group, 'InService')).toBe(3);
  });
});
