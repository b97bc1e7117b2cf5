import { describe, expect, it } from 'vitest';
import { createSimulatedCloud, type SimulatedCloud } from '../../engine/sim/index.js';
import { runFenceRetries } from '../../engine/fence-retries.js';
import {
  fencingKey,
  readFencing,
  writeFencing,
  type FencedResource,
  type FencingRecord,
} from '../../functions/common/fencing-record.js';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { nowIso } from '../../functions/common/step-handler.js';
import type { KindContext, KindRuntime } from '../../functions/kinds/kind-step.js';

const START = Date.parse('2026-12-06T10:00:00Z');
const MINUTE = 60_000;
const FAILOVER = 'arn:aws:states:us-west-2:111111111111:execution:failover-shop-prod:replay-1';

const plan: Plan = parsePlan({
  name: 'shop-prod',
  primaryRegion: 'us-east-1',
  recoveryRegion: 'us-west-2',
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
  triggers: { alarms: [{ name: 'shop-primary-health', region: 'us-east-1' }] },
  databases: [{ id: 'main', replica: 'shop-db-replica', primary: 'shop-db', maxLagSeconds: 30 }],
  scalingGroups: [{ name: 'shop-app-usw2', min: 1, desired: 2, max: 4, primaryGroup: 'shop-app-use1' }],
  parameters: [],
  notifications: { topicArn: 'arn:aws:sns:us-west-2:111111111111:shop-failover' },
});

const pending = (label: string, detail: string): FencedResource => ({
  label,
  status: 'pending',
  attempts: 1,
  lastAttemptAt: new Date(START).toISOString(),
  detail,
});

/** Seeds a fencing record in the simulated lock table, as the failover's Fence step leaves it. */
function seed(
  cloud: SimulatedCloud,
  kind: string,
  resources: FencedResource[],
  state: 'open' | 'closed' = 'open',
) {
  const record: FencingRecord = {
    planName: plan.name,
    kind,
    failoverExecution: FAILOVER,
    state,
    resources,
    updatedAt: new Date(START).toISOString(),
  };
  cloud.dynamoDb.seed(plan.recoveryRegion, cloud.lockTableName, {
    planName: { S: fencingKey(plan.name, kind) },
    fencing: { S: JSON.stringify(record) },
  });
}

const unused = () => Promise.reject(new Error('not used by the retry'));

/**
 * A kind's fence as the fence helper's kinds do it: the old region answers from `upFromMs` on;
 * before, every pending resource stays pending with the timeout as its reason. Records which
 * contexts it was called with.
 */
function fakeFence(kind: string, upFromMs: number, calls: KindContext[]): KindRuntime {
  return {
    kind,
    start: unused,
    check: unused,
    readBack: unused,
    fence: async (context) => {
      calls.push(context);
      const record = await readFencing(context.plan.recoveryRegion, context.plan.name, kind);
      if (record === undefined) throw new Error('no record');
      const at = nowIso();
      const up = Date.now() >= upFromMs;
      await writeFencing(context.plan.recoveryRegion, {
        ...record,
        resources: record.resources.map((resource) =>
          resource.status !== 'pending'
            ? resource
            : up
              ? {
                  ...resource,
                  status: 'fenced',
                  attempts: resource.attempts + 1,
                  lastAttemptAt: at,
                  fencedAt: at,
                  detail: 'stopped',
                }
              : {
                  ...resource,
                  attempts: resource.attempts + 1,
                  lastAttemptAt: at,
                  detail: 'TimeoutError: us-east-1 did not answer in 2 s',
                },
        ),
      });
      return { kind, action: 'fence', done: up, waitSeconds: 0, total: 1, pending: up ? 0 : 1, message: '' };
    },
  };
}

const recordOf = (cloud: SimulatedCloud, kind: string): FencingRecord => {
  const item = cloud
    .snapshot()
    .tables[cloud.lockTableName]?.find((candidate) => candidate.planName === fencingKey(plan.name, kind));
  return JSON.parse(String(item?.fencing)) as FencingRecord;
};

describe('the scheduled fence retry (engine/fence-retries.ts on the simulated AWS)', () => {
  it('retries while the old region is down, counts each attempt, one notice each, then fences once it is back', async () => {
    const cloud = createSimulatedCloud(plan, { startTime: new Date(START).toISOString() });
    seed(cloud, 'rds-replica', [pending('shop-db', 'TimeoutError: us-east-1 did not answer in 2 s')]);
    seed(cloud, 'auto-scaling-group', [
      {
        label: 'shop-app-use1',
        status: 'fenced',
        attempts: 1,
        fencedAt: new Date(START).toISOString(),
        detail: 'min 0, desired 0',
        facts: { desired: 4 },
      },
    ]);
    const calls: KindContext[] = [];
    const runtimes = {
      'rds-replica': fakeFence('rds-replica', START + 12 * MINUTE, calls),
      'auto-scaling-group': fakeFence('auto-scaling-group', START, calls),
    };

    const results = await runFenceRetries({
      plan,
      cloud,
      runtimes,
      at: [START + 5 * MINUTE, START + 10 * MINUTE, START + 15 * MINUTE, START + 20 * MINUTE],
    });

    // Only the kind with something pending is fenced again, on the failover's execution.
    expect(calls.map((context) => context.plan.name)).toEqual(['shop-prod', 'shop-prod', 'shop-prod']);
    expect(calls[0]?.scope).toEqual({ planName: 'shop-prod', executionId: FAILOVER });
    expect(calls[0]?.direction).toBe('failover');
    expect(calls[0]?.dryRun).toBe(false);
    expect(results.map((result) => result.attempts.map((attempt) => attempt.stillPending.length))).toEqual([
      [1],
      [1],
      [0],
      [],
    ]);
    expect(results[0]?.attempts[0]?.stillPending[0]?.attempts).toBe(2);
    expect(results[1]?.attempts[0]?.stillPending[0]?.attempts).toBe(3);
    expect(results[2]?.attempts[0]?.fencedNow.map((resource) => resource.label)).toEqual(['shop-db']);
    // One notice per attempt, none once nothing pends.
    const notices = cloud.notifications();
    expect(notices).toHaveLength(3);
    expect(notices.map((notice) => notice.subject)).toEqual([
      'Failover shop-prod: 1 NOT fenced yet, 0 fenced now',
      'Failover shop-prod: 1 NOT fenced yet, 0 fenced now',
      'Failover shop-prod: old region fenced (1 fenced now)',
    ]);
    expect(notices[1]?.message).toContain(
      'rds-replica shop-db: NOT fenced yet (3 attempts, retried every 5 minutes): TimeoutError: us-east-1 did not answer in 2 s',
    );
    expect(notices[2]?.message).toContain('rds-replica shop-db: fenced now: stopped');
    // Sent by the run at +15 min, within its simulated second of API calls.
    expect(Date.parse(notices[2]?.time ?? '') - (START + 15 * MINUTE)).toBeLessThan(1_000);
    const record = recordOf(cloud, 'rds-replica');
    expect(record.resources[0]).toMatchObject({
      status: 'fenced',
      attempts: 4,
      fencedAt: '2026-12-06T10:15:00.080Z',
    });
    // The fenced kind's record was never rewritten.
    expect(recordOf(cloud, 'auto-scaling-group').updatedAt).toBe(new Date(START).toISOString());
  });

  it('counts the attempt and keeps the error line when the fence itself fails, keeping the facts', async () => {
    const cloud = createSimulatedCloud(plan, { startTime: new Date(START).toISOString() });
    seed(cloud, 'auto-scaling-group', [
      { ...pending('shop-app-use1', 'TimeoutError'), facts: { min: 2, desired: 4 } },
    ]);
    const failing: KindRuntime = {
      kind: 'auto-scaling-group',
      start: unused,
      check: unused,
      readBack: unused,
      fence: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    };
    const [result] = await runFenceRetries({
      plan,
      cloud,
      runtimes: { 'auto-scaling-group': failing },
      at: [START + 5 * MINUTE],
    });
    expect(result?.attempts[0]?.error).toBe('ThrottlingException: Rate exceeded');
    expect(recordOf(cloud, 'auto-scaling-group').resources[0]).toEqual({
      label: 'shop-app-use1',
      status: 'pending',
      attempts: 2,
      // When the attempt started: after the record was read (one simulated call).
      lastAttemptAt: new Date(START + 5 * MINUTE + 40).toISOString(),
      detail: 'fence retry failed: ThrottlingException: Rate exceeded',
      facts: { min: 2, desired: 4 },
    });
    expect(cloud.notifications()[0]?.message).toContain(
      'auto-scaling-group: the fence failed: ThrottlingException: Rate exceeded',
    );
  });

  it('does nothing (no call that changes anything, no notice) without records, or when the record is closed', async () => {
    const cloud = createSimulatedCloud(plan, { startTime: new Date(START).toISOString() });
    const calls: KindContext[] = [];
    const runtimes = { 'rds-replica': fakeFence('rds-replica', START, calls) };
    const [none] = await runFenceRetries({ plan, cloud, runtimes, at: [START + MINUTE] });
    seed(cloud, 'rds-replica', [pending('shop-db', 'TimeoutError')], 'closed');
    const [closed] = await runFenceRetries({ plan, cloud, runtimes, at: [START + 6 * MINUTE] });
    expect([none?.attempts, closed?.attempts]).toEqual([[], []]);
    expect(calls).toEqual([]);
    expect(cloud.notifications()).toEqual([]);
    expect(cloud.mutatingCalls()).toEqual([]);
  });
});
