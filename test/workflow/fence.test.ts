import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import { createReplayCloud, replay, type ReplayResult } from '../../engine/runner.js';
import type { CloudSnapshot, Scenario, SimulatedCloud } from '../../engine/sim/index.js';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { fencingKey, type FencingRecord } from '../../functions/common/fencing-record.js';
import type { Plan } from '../../functions/common/plan.js';
import { autoScalingGroupRuntime } from '../../functions/kinds/auto-scaling-group/runtime.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { rdsReplicaRuntime } from '../../functions/kinds/rds-replica/runtime.js';
import { examplePlan, fencedExamplePlan, OLD_GROUP, OLD_PRIMARY } from '../fixtures/plans.js';
import { settle } from '../sim/support.js';
import { sampleEvent } from './support.js';

/**
 * The fence of the old region (issue 10), replayed: after Route, the old primary is stopped after
 * a final snapshot and the old region's group scaled to zero, outside the RTO; a primary region
 * that does not answer leaves both pending, and the kinds' fence (what the scheduled retry calls
 * every 5 minutes) fences them once the region is back. The example plan with `primary` and
 * `primaryGroup` (a separate fixture: the example plan itself names neither).
 */

const PRIMARY = OLD_PRIMARY;
const OUTAGE_SECONDS = 1_200;
const alarm = sampleEvent('route53-health-alarm');
const fencedPlan = fencedExamplePlan;

async function replayOn(plan: Plan, scenario: Scenario = {}) {
  const cloud = createReplayCloud(plan, alarm, scenario);
  const result = await replay({ plan, event: alarm, cloud, scenario });
  return { cloud, result };
}

/** The fencing record of a kind, from the simulated lock table. */
function fencing(result: Pick<ReplayResult, 'cloud'>, plan: Plan, kind: string): FencingRecord | undefined {
  const item = Object.values(result.cloud.tables)
    .flat()
    .find((candidate) => candidate.planName === fencingKey(plan.name, kind));
  return typeof item?.fencing === 'string' ? (JSON.parse(item.fencing) as FencingRecord) : undefined;
}

const notice = (result: ReplayResult) => result.cloud.notifications.at(-1)?.message ?? '';
const oldPrimary = (cloud: CloudSnapshot, plan: Plan) =>
  cloud.databases.find((db) => db.id === PRIMARY && db.region === plan.primaryRegion);
const oldGroup = (cloud: CloudSnapshot, plan: Plan) =>
  cloud.groups.find((group) => group.name === OLD_GROUP && group.region === plan.primaryRegion);

/**
 * Runs both kinds' `fence` (what the scheduled retry calls) against the same simulated cloud at a
 * virtual time, in the failover execution's scope; the cloud as it is then.
 */
async function fenceAt(cloud: SimulatedCloud, plan: Plan, result: ReplayResult, atMs: number) {
  const clock = FakeTimers.install({ now: atMs, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const saved = { plan: process.env.FAILOVER_PLAN, table: process.env.FAILOVER_LOCK_TABLE };
  setClientInterceptor(cloud.interceptor);
  process.env.FAILOVER_PLAN = JSON.stringify(plan);
  process.env.FAILOVER_LOCK_TABLE = cloud.lockTableName;
  const context: KindContext = {
    plan,
    scope: { planName: plan.name, executionId: result.executionArn },
    dryRun: false,
    planned: false,
    direction: 'failover',
  };
  try {
    const summaries = await settle(
      clock,
      Promise.all([rdsReplicaRuntime.fence!(context), autoScalingGroupRuntime.fence!(context)]),
    );
    return { summaries, cloud: cloud.snapshot() };
  } finally {
    setClientInterceptor(undefined);
    clock.uninstall();
    process.env.FAILOVER_PLAN = saved.plan;
    process.env.FAILOVER_LOCK_TABLE = saved.table;
  }
}

describe('fence of the old region, replayed', () => {
  it('stops the old primary after a final snapshot and scales the old group to zero, after Route', async () => {
    // Arrange
    const plan = fencedPlan();

    // Act
    const { cloud, result } = await replayOn(plan);

    // Assert
    expect(result.outcome).toBe('succeeded');
    const states = result.timeline.map((entry) => entry.state);
    expect(states.indexOf('Fence Old Region')).toBeGreaterThan(states.indexOf('Parameters Repointed'));
    expect(states.indexOf('Fence Old Region')).toBeLessThan(states.indexOf('Notify Succeeded'));
    const stop = cloud.calls.find((call) => call.operation === 'StopDBInstance');
    expect(stop).toMatchObject({ region: plan.primaryRegion, outcome: 'ok' });
    expect(stop?.input).toMatchObject({
      DBInstanceIdentifier: PRIMARY,
      DBSnapshotIdentifier: expect.stringMatching(/^shop-db-final-\d{12}$/),
    });
    const snapshot = (stop?.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier;
    expect(oldPrimary(result.cloud, plan)).toMatchObject({ status: 'stopping', finalSnapshot: snapshot });
    expect(oldGroup(result.cloud, plan)).toMatchObject({ min: 0, desired: 0, max: 12, inService: 0 });
    expect(fencing(result, plan, 'rds-replica')?.resources).toEqual([
      expect.objectContaining({
        label: PRIMARY,
        status: 'fenced',
        attempts: 1,
        facts: expect.objectContaining({ finalSnapshot: snapshot }),
      }),
    ]);
    expect(fencing(result, plan, 'auto-scaling-group')?.resources).toEqual([
      expect.objectContaining({
        label: OLD_GROUP,
        status: 'fenced',
        attempts: 1,
        facts: { previous: { min: 3, desired: 6, max: 12 } },
      }),
    ]);
    expect(notice(result)).toContain(
      `- old primary ${PRIMARY}: fenced: stopping after final snapshot ${snapshot}`,
    );
    expect(notice(result)).toContain(
      `- old group ${OLD_GROUP}: fenced: scaled to 0 (was min 3 desired 6 max 12)`,
    );
  });

  it('adds nothing to the RTO: the same RTO as the plan without anything to fence', async () => {
    // Act
    const fenced = await replayOn(fencedPlan());
    const unfenced = await replayOn(examplePlan());

    // Assert
    expect(fenced.result.rtoSeconds).not.toBeNull();
    expect(fenced.result.rtoSeconds).toBe(unfenced.result.rtoSeconds);
    expect(unfenced.result.timeline.map((entry) => entry.state)).not.toContain('Fence Old Region');
  });

  it('changes nothing in the old region on a dry run and says what it would fence', async () => {
    // Arrange
    const drill = sampleEvent('gameday-drill') as { detail: Record<string, unknown> };
    const plan = fencedPlan();
    const event = { ...drill, detail: { ...drill.detail, dryRun: true } };
    const cloud = createReplayCloud(plan, event);

    // Act
    const result = await replay({ plan, event, cloud });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(cloud.mutatingCalls()).toEqual([]);
    expect(oldPrimary(result.cloud, plan)?.status).toBe('available');
    expect(fencing(result, plan, 'rds-replica')).toBeUndefined();
    expect(notice(result)).toContain(`would stop it after final snapshot shop-db-final-`);
    expect(notice(result)).toContain(`${OLD_GROUP}: would scale it to 0 (now min 3 desired 6 max 12)`);
  });

  it('leaves fencing pending while the primary region is down, then fences once it is back', async () => {
    // Arrange
    const plan = fencedPlan();
    const scenario: Scenario = {
      regionOutages: [{ region: plan.primaryRegion, untilSeconds: OUTAGE_SECONDS }],
    };

    // Act
    const { cloud, result } = await replayOn(plan, scenario);
    const start = Date.parse(result.startedAt);
    const end = Date.parse(result.endedAt);
    const retries = [];
    for (const at of [end + 300_000, end + 600_000, start + (OUTAGE_SECONDS + 60) * 1000])
      retries.push(await fenceAt(cloud, plan, result, at));
    const records = retries.map((retry) => fencing(retry, plan, 'rds-replica'));
    const last = retries.at(-1)!.cloud;

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(end + 600_000).toBeLessThan(start + OUTAGE_SECONDS * 1000);
    expect(notice(result)).toMatch(
      new RegExp(
        `- old primary ${PRIMARY}: NOT fenced yet \\(retried every 5 minutes\\): not reachable in us-east-1: TimeoutError`,
      ),
    );
    expect(notice(result)).toContain(`- old group ${OLD_GROUP}: NOT fenced yet (retried every 5 minutes)`);
    expect(records.map((record) => record?.resources[0]?.status)).toEqual(['pending', 'pending', 'fenced']);
    expect(records.map((record) => record?.resources[0]?.attempts)).toEqual([2, 3, 4]);
    expect(retries.map(({ summaries }) => summaries.map((summary) => summary.pending))).toEqual([
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    expect(oldPrimary(last, plan)?.status).toBe('stopping');
    expect(oldGroup(last, plan)).toMatchObject({ min: 0, desired: 0 });
    expect(fencing(retries.at(-1)!, plan, 'auto-scaling-group')?.resources[0]).toMatchObject({
      status: 'fenced',
      attempts: 4,
      facts: { previous: { min: 3, desired: 6, max: 12 } },
    });
  });
});
