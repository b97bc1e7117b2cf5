import { describe, expect, it } from 'vitest';
import { replay, type ReplayResult } from '../../engine/runner.js';
import type { PromotionProgress } from '../../functions/kinds/rds-replica/types.js';
import { OUTCOMES } from '../../functions/common/vocabulary.js';
import { examplePlan, sampleEvent, scenario } from './support.js';

const plan = examplePlan();
const alarm = sampleEvent('route53-health-alarm');
const REPLICA = 'shop-db-replica';
const GROUP = 'shop-app-usw2';

const database = (result: ReplayResult) => result.cloud.databases.find((db) => db.id === REPLICA)!;
const group = (result: ReplayResult) => result.cloud.groups.find((candidate) => candidate.name === GROUP)!;
const subjects = (result: ReplayResult) => result.cloud.notifications.map((message) => message.subject ?? '');
const statesRun = (result: ReplayResult) => result.timeline.map((entry) => entry.state);
const runsOf = (result: ReplayResult, state: string) =>
  result.timeline.find((entry) => entry.state === state)?.runs ?? 0;

/** What the failover record (in the simulated lock table) holds for one kind. */
function recorded<T>(result: ReplayResult, kind: string, attribute: string): T | undefined {
  const items = Object.values(result.cloud.tables).flat();
  const item = items.find((candidate) => String(candidate.planName).endsWith(`#${kind}`));
  const value = item?.[attribute];
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}

describe('replay of a Route 53 health-check alarm on a healthy recovery region', () => {
  it('ends in a succeeded failover with the replica promoted, the group at desired and parameters repointed', async () => {
    const result = await replay({ plan, event: alarm });

    expect(result.outcome).toBe('succeeded');
    expect(database(result)).toMatchObject({ status: 'available', isReplica: false, source: null });
    expect(group(result)).toMatchObject({ min: 3, desired: 6, max: 12, inService: 6, pending: 0 });
    expect(result.cloud.parameters['/shop/db/host']?.value).toBe(database(result).endpoint);
    expect(result.cloud.parameters['/shop/active-region']?.value).toBe('us-west-2');
    expect(subjects(result)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
  });

  it('waits the confirm window in simulated time and polls promotion in Wait states', async () => {
    const result = await replay({ plan, event: alarm });

    const confirm = result.timeline.find((entry) => entry.state === 'Wait Confirm Window')!;
    expect(confirm.end - confirm.start).toBe(60);
    const polls = result.timeline.find((entry) => entry.state === 'Check Promotions')!;
    expect(polls.runs).toBeGreaterThan(5);
    expect(result.rtoSeconds).toBeGreaterThanOrEqual(result.criticalPathSeconds);
    expect(result.rtoSeconds! / result.criticalPathSeconds).toBeLessThanOrEqual(1.1);
  });

  it('states RTO and RPO against the objectives in the success message', async () => {
    const result = await replay({ plan, event: alarm });

    const body = result.cloud.notifications.at(-1)!.message;
    expect(body).toContain(`RTO achieved: ${Math.round(result.rtoSeconds!)}s (objective 900s)`);
    expect(body).toMatch(/RPO estimate \(replica lag at promotion\): \d+s \(objective 60s\)/);
    expect(body).toContain('repointed shop-db.');
  });
});

describe('replay scenarios', () => {
  it('aborts with no mutating call when the alarm recovers during the confirm window', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('alarm-recovers-during-confirm') });

    expect(result.outcome).toBe('aborted');
    expect(result.mutatingCalls).toBe(0);
    expect(database(result).isReplica).toBe(true);
    expect(subjects(result)).toEqual(['Failover ABORTED: shop-prod, alarm recovered']);
    expect(result.cloud.notifications[0]!.message).toContain('returned to OK within the 60s confirm window');
  });

  it('fails at the RPO gate with nothing promoted when lag stays too high', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('lag-too-high') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('ReplicaLagExceededError');
    expect(result.mutatingCalls).toBe(0);
    expect(database(result).isReplica).toBe(true);
    expect(group(result).desired).toBe(1);
    const failed = result.cloud.notifications.at(-1)!;
    expect(failed.subject).toBe('Failover FAILED: shop-prod at Gate');
    expect(failed.message).toContain('lag 240s is above 30s');
    expect(failed.message).toMatch(/Not done:\n- replica shop-db-replica: still a read replica/);
    expect(statesRun(result)).not.toContain('Promote Replicas');
  });

  it('waits for lag to fall under the threshold, then completes', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('lag-recovering') });

    expect(result.outcome).toBe('succeeded');
    const lagChecks = result.timeline.find((entry) => entry.state === 'Check Replica Lag')!;
    expect(lagChecks.runs).toBeGreaterThan(1);
    expect(database(result).isReplica).toBe(false);
    expect(result.rtoSeconds! / result.criticalPathSeconds).toBeLessThanOrEqual(1.1);
  });

  it('reports the failed step and what was and was not done when promotion fails', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('promotion-fails') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('PromotionFailedError');
    expect(database(result).status).toBe('failed');
    expect(result.cloud.parameters['/shop/db/host']?.value).toContain('us-east-1');
    const failed = result.cloud.notifications.at(-1)!;
    expect(failed.subject).toBe('Failover FAILED: shop-prod at Recover');
    expect(failed.message).toContain(
      'Error: PromotionFailedError: shop-db-replica went failed during promotion',
    );
    expect(failed.message).toMatch(
      /Done \(read back from AWS\):\n- group shop-app-usw2: desired 6 \(plan 6\), 6 InService/,
    );
    expect(failed.message).toMatch(/- parameter \/shop\/db\/host: not repointed/);
  });

  it('fails with GroupCapacityTimeoutError when the group cannot reach capacity', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('group-cannot-reach-capacity') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('GroupCapacityTimeoutError');
    expect(group(result)).toMatchObject({ desired: 6, inService: 2 });
    expect(result.cloud.parameters['/shop/active-region']?.value).toBe('us-east-1');
    expect(result.cloud.notifications.at(-1)!.message).toContain('has 2 of 6 required instances InService');
  });

  it('waits while the replica is backing-up and promotes it once it is available', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('replica-backing-up') });

    expect(result.outcome).toBe('succeeded');
    // Promote Replicas finds it backing-up; the checks try again until RDS accepts the promotion.
    expect(runsOf(result, 'Promote Replicas')).toBe(1);
    expect(runsOf(result, 'Check Promotions')).toBeGreaterThan(1);
    expect(database(result).isReplica).toBe(false);
    expect(result.rtoSeconds! / result.criticalPathSeconds).toBeLessThanOrEqual(1.1);
  });

  it('does not call PromoteReadReplica for a replica that a previous run already promoted', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('already-promoted') });

    expect(result.outcome).toBe('succeeded');
    expect(recorded<PromotionProgress[]>(result, 'rds-replica', 'progress')).toEqual([
      expect.objectContaining({ status: 'promoted', alreadyPromoted: true }),
    ]);
    // The start finds it promoted: no polling loop.
    expect(result.output).toMatchObject({
      recover: expect.arrayContaining([
        expect.objectContaining({ kind: 'rds-replica', action: 'start', done: true }),
      ]),
    });
    expect(statesRun(result)).not.toContain('Check Promotions');
    expect(statesRun(result)).not.toContain('Wait For Promotions');
  });

  it('keeps the capacity from before the failover when a retried scaling step runs again', async () => {
    // Arrange: Auto Scaling applies the update, but every SDK attempt of the first call times out,
    // so the step fails and the definition's retry runs it again on a group already scaled.
    const lostResponse = {
      faults: [
        {
          service: 'autoscaling' as const,
          operation: 'UpdateAutoScalingGroup',
          calls: [1, 2, 3],
          error: 'timeoutAfterApply' as const,
        },
      ],
    };

    // Act
    const result = await replay({ plan, event: alarm, scenario: lostResponse });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(result.timeline.find((entry) => entry.state === 'Scale Recovery Groups')?.retries).toBeGreaterThan(
      0,
    );
    expect(recorded<{ previous: unknown }[]>(result, 'auto-scaling-group', 'progress')).toEqual([
      expect.objectContaining({
        previous: { min: 1, desired: 1, max: 12 },
        target: { min: 3, desired: 6, max: 12 },
      }),
    ]);
  });

  it('says a parameter repointed by a retried step was repointed, from its value before the failover', async () => {
    // Arrange: SSM applies the first write, but its answer never arrives; the step is retried.
    const lostResponse = {
      faults: [
        {
          service: 'ssm' as const,
          operation: 'PutParameter',
          calls: [1, 2, 3],
          error: 'timeoutAfterApply' as const,
        },
      ],
    };

    // Act
    const result = await replay({ plan, event: alarm, scenario: lostResponse });

    // Assert
    expect(result.outcome).toBe('succeeded');
    const body = result.cloud.notifications.at(-1)!.message;
    expect(body).toMatch(
      /- parameter \/shop\/db\/host: repointed shop-db\.\S+us-east-1\S* -> shop-db-replica\./,
    );
    expect(body).not.toMatch(/: already shop-db-replica/);
  });

  it('absorbs API throttling with retries and completes', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('api-throttling') });

    expect(result.outcome).toBe('succeeded');
    expect(database(result).isReplica).toBe(false);
    expect(group(result).desired).toBe(6);
  });
});

describe('replay outcomes', () => {
  it.each([
    ['alarm-recovers-during-confirm', 'aborted'],
    ['lag-too-high', 'failed'],
    ['promotion-fails', 'failed'],
    ['already-promoted', 'succeeded'],
  ] as const)('ends the %s scenario with an outcome of the one vocabulary: %s', async (name, outcome) => {
    const result = await replay({ plan, event: alarm, scenario: scenario(name) });

    expect(OUTCOMES).toContain(result.outcome);
    expect(result.outcome).toBe(outcome);
  });
});

describe('replay of other triggers', () => {
  it.each(['alb-5xx-alarm', 'composite-alarm'])('fails over on the %s sample', async (name) => {
    const result = await replay({ plan, event: sampleEvent(name) });

    expect(result.outcome).toBe('succeeded');
    expect(database(result).isReplica).toBe(false);
  });

  it('runs a live game-day drill without a confirm window', async () => {
    const result = await replay({ plan, event: sampleEvent('gameday-drill') });

    expect(result.outcome).toBe('succeeded');
    expect(statesRun(result)).not.toContain('Wait Confirm Window');
    expect(result.cloud.notifications[0]!.message).toContain('drill requested by sre-oncall@example.com');
  });

  it('changes nothing on a dry-run drill and says so', async () => {
    const drill = sampleEvent('gameday-drill') as { detail: Record<string, unknown> };
    const result = await replay({ plan, event: { ...drill, detail: { ...drill.detail, dryRun: true } } });

    expect(result.outcome).toBe('succeeded');
    expect(result.mutatingCalls).toBe(0);
    expect(database(result).isReplica).toBe(true);
    expect(result.cloud.notifications.at(-1)!.message).toContain('DRY RUN: nothing was changed');
  });
});
