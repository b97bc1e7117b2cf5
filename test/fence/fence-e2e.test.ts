import { describe, expect, it } from 'vitest';
import { onSimulatedCloud, runFenceRetries } from '../../engine/fence-retries.js';
import { createReplayCloud, replay } from '../../engine/runner.js';
import type { CloudSnapshot, Scenario, SimulatedCloud } from '../../engine/sim/index.js';
import { fencingKey, type FencingRecord } from '../../functions/common/fencing-record.js';
import type { Plan } from '../../functions/common/plan.js';
import { fencedExamplePlan, OLD_GROUP, OLD_PRIMARY } from '../fixtures/plans.js';
import { sampleEvent } from '../workflow/support.js';

/**
 * The fence of the old region end to end (issue 10), with the REAL kinds on the simulated AWS: a
 * failover of the example plan with `primary` and `primaryGroup`, then the scheduled retry
 * (engine/fence-retries.ts, which calls the kinds' own `fence` through their runtimes) on the
 * same cloud every few minutes, as the construct's schedule runs it.
 */

const MINUTE = 60_000;
/** The primary region does not answer for the first 20 minutes of the failover's clock. */
const OUTAGE_SECONDS = 1_200;
const alarm = sampleEvent('route53-health-alarm');
const KINDS = ['rds-replica', 'auto-scaling-group'];

async function failover(scenario: Scenario) {
  const plan = fencedExamplePlan();
  const cloud = createReplayCloud(plan, alarm, scenario);
  const result = await replay({ plan, event: alarm, cloud, scenario });
  const start = Date.parse(result.startedAt);
  const end = Date.parse(result.endedAt);
  return { plan, cloud, result, start, end };
}

/** Each fencing kind's record in the simulated lock table, by kind. */
function records(cloud: SimulatedCloud, plan: Plan): Record<string, FencingRecord | undefined> {
  const items = cloud.snapshot().tables[cloud.lockTableName] ?? [];
  return Object.fromEntries(
    KINDS.map((kind) => {
      const item = items.find((candidate) => candidate.planName === fencingKey(plan.name, kind));
      return [
        kind,
        typeof item?.fencing === 'string' ? (JSON.parse(item.fencing) as FencingRecord) : undefined,
      ];
    }),
  );
}

/** Each kind's single resource as `status/attempts`. */
const statuses = (cloud: SimulatedCloud, plan: Plan) =>
  KINDS.map((kind) => {
    const [resource] = records(cloud, plan)[kind]?.resources ?? [];
    return `${resource?.status}/${resource?.attempts}`;
  });

/** The simulated AWS as it is at virtual time `atMs` (statuses that change with time: the stop). */
const cloudAt = (plan: Plan, cloud: SimulatedCloud, atMs: number): Promise<CloudSnapshot> =>
  onSimulatedCloud(plan, cloud, atMs, () => Promise.resolve(cloud.snapshot()));

const oldPrimary = (snapshot: CloudSnapshot, plan: Plan) =>
  snapshot.databases.find((db) => db.id === OLD_PRIMARY && db.region === plan.primaryRegion);
const oldGroup = (snapshot: CloudSnapshot, plan: Plan) =>
  snapshot.groups.find((group) => group.name === OLD_GROUP && group.region === plan.primaryRegion);

/** Runs the retry at `at`, and what it did to the cloud: its new calls and notices. */
async function retryAt(plan: Plan, cloud: SimulatedCloud, at: number) {
  const calls = cloud.calls.length;
  const notices = cloud.notifications().length;
  const [result] = await runFenceRetries({ plan, cloud, at: [at] });
  return {
    result: result!,
    calls: cloud.calls.slice(calls),
    notices: cloud.notifications().slice(notices),
  };
}

/** Calls that only read the fencing records (what a run with nothing pending may do). */
const onlyRecordReads = (calls: SimulatedCloud['calls']) =>
  calls.every((call) => call.operation === 'GetItem' && !call.mutating);

describe('fence end to end: the real kinds, the scheduled retry, the simulated AWS', () => {
  it('leaves both pending while the primary region is down, retries every 5 minutes, fences once it is back', async () => {
    // Arrange: the failover while the primary region does not answer.
    const { plan, cloud, result, start, end } = await failover({
      regionOutages: [{ region: 'us-east-1', untilSeconds: OUTAGE_SECONDS }],
    });
    const success = cloud.notifications().at(-1)?.message ?? '';

    // Act: the schedule's runs at +5 and +10 minutes (still down), +20 (back), then +25 and +30.
    const down = [];
    for (const after of [5, 10]) {
      const run = await retryAt(plan, cloud, end + after * MINUTE);
      down.push({ ...run, statuses: statuses(cloud, plan) });
    }
    const back = await retryAt(plan, cloud, end + 20 * MINUTE);
    const fenced = records(cloud, plan);
    const later = [
      await retryAt(plan, cloud, end + 25 * MINUTE),
      await retryAt(plan, cloud, end + 30 * MINUTE),
    ];
    const stopped = await cloudAt(plan, cloud, end + 30 * MINUTE);

    // Assert: the failover itself succeeded and says nothing is fenced yet.
    expect(result.outcome).toBe('succeeded');
    expect(end + 10 * MINUTE).toBeLessThan(start + OUTAGE_SECONDS * 1000);
    expect(end + 20 * MINUTE).toBeGreaterThan(start + OUTAGE_SECONDS * 1000);
    expect(success).toMatch(
      /- old primary shop-db: NOT fenced yet \(retried every 5 minutes\): not reachable in us-east-1: TimeoutError/,
    );
    expect(success).toMatch(
      /- old group shop-app-use1: NOT fenced yet \(retried every 5 minutes\): not reachable in us-east-1: TimeoutError/,
    );
    expect(statuses(cloud, plan).length).toBe(2);

    // +5, +10: still pending, each attempt counted, one notice each, every call into the old region failed.
    expect(down.map((run) => run.statuses)).toEqual([
      ['pending/2', 'pending/2'],
      ['pending/3', 'pending/3'],
    ]);
    for (const run of down) {
      expect(run.notices).toHaveLength(1);
      expect(run.notices[0]?.subject).toBe('Failover shop-prod: 2 NOT fenced yet, 0 fenced now');
      expect(run.notices[0]?.message).toContain(
        `rds-replica ${OLD_PRIMARY}: NOT fenced yet (${run.statuses[0]!.split('/')[1]} attempts, retried every 5 minutes): not reachable in us-east-1`,
      );
      const oldRegion = run.calls.filter((call) => call.region === plan.primaryRegion);
      expect(oldRegion.length).toBeGreaterThan(0);
      expect(oldRegion.every((call) => call.outcome !== 'ok')).toBe(true);
    }

    // +20: the region is back: fenced, with one notice saying so.
    expect(back.result.attempts.map((attempt) => attempt.fencedNow.length)).toEqual([1, 1]);
    expect(back.notices.map((notice) => notice.subject)).toEqual([
      'Failover shop-prod: old region fenced (2 fenced now)',
    ]);
    expect(back.notices[0]?.message).toContain('Nothing is left to fence: the retry stops here.');
    const stop = back.calls.filter((call) => call.operation === 'StopDBInstance');
    expect(stop).toEqual([expect.objectContaining({ region: plan.primaryRegion, outcome: 'ok' })]);
    const snapshot = (stop[0]?.input as { DBSnapshotIdentifier: string }).DBSnapshotIdentifier;
    expect(snapshot).toMatch(/^shop-db-final-\d{12}$/);
    expect(fenced['rds-replica']?.resources).toEqual([
      expect.objectContaining({
        label: OLD_PRIMARY,
        status: 'fenced',
        attempts: 4,
        facts: expect.objectContaining({ finalSnapshot: snapshot }),
      }),
    ]);
    expect(fenced['auto-scaling-group']?.resources).toEqual([
      expect.objectContaining({
        label: OLD_GROUP,
        status: 'fenced',
        attempts: 4,
        facts: { previous: { min: 3, desired: 6, max: 12 } },
      }),
    ]);

    // In the simulated AWS: the old primary stopped with its final snapshot, the old group at 0.
    expect(oldPrimary(stopped, plan)).toMatchObject({ status: 'stopped', finalSnapshot: snapshot });
    expect(stopped.endState).toContain(`db snapshot ${snapshot} (us-east-1) of ${OLD_PRIMARY}: available`);
    expect(oldGroup(stopped, plan)).toMatchObject({ min: 0, desired: 0, inService: 0 });

    // Later runs: nothing pending, so no notice and no call but reading the records.
    for (const run of later) {
      expect(run.result.attempts).toEqual([]);
      expect(run.result.notice).toBeUndefined();
      expect(run.notices).toEqual([]);
      expect(onlyRecordReads(run.calls)).toBe(true);
    }
    expect(records(cloud, plan)).toEqual(fenced);
  });

  it('fences at once when the primary region answers, and the retry then does nothing', async () => {
    // Arrange
    const { plan, cloud, result, end } = await failover({});
    const success = cloud.notifications().at(-1)?.message ?? '';
    const fenced = records(cloud, plan);

    // Act
    const run = await retryAt(plan, cloud, end + 5 * MINUTE);
    const after = await cloudAt(plan, cloud, end + 5 * MINUTE);

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(success).toMatch(
      /- old primary shop-db: fenced: stopping after final snapshot shop-db-final-\d{12}/,
    );
    expect(success).toContain(`- old group ${OLD_GROUP}: fenced: scaled to 0 (was min 3 desired 6 max 12)`);
    expect(statuses(cloud, plan)).toEqual(['fenced/1', 'fenced/1']);
    expect(run.result.attempts).toEqual([]);
    expect(run.notices).toEqual([]);
    expect(onlyRecordReads(run.calls)).toBe(true);
    expect(run.calls.length).toBeGreaterThan(0);
    expect(records(cloud, plan)).toEqual(fenced);
    expect(oldPrimary(after, plan)?.status).toBe('stopped');
    expect(oldGroup(after, plan)).toMatchObject({ min: 0, desired: 0 });
  });
});
