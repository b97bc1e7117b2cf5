import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { createSimulatedCloud, parseScenario, type Scenario } from '../../../engine/sim/index.js';
import { parsePlan, type Plan } from '../../../functions/common/plan.js';

/**
 * The Aurora global database example (examples/aurora-global.plan.yaml) replayed through the
 * workflow on the simulated AWS: an alarm fails over with data loss allowed, a drill switches
 * over; one test per scenario in events/scenarios/aurora-global/.
 */

const PLAN_FILE = 'examples/aurora-global.plan.yaml';
const document = parseYaml(readFileSync(PLAN_FILE, 'utf8')) as Record<string, unknown>;
const plan = parsePlan(document, PLAN_FILE);
const alarm: unknown = JSON.parse(readFileSync('events/route53-health-alarm.json', 'utf8'));
const drill: unknown = JSON.parse(readFileSync('events/aurora-global-drill.json', 'utf8'));
const scenario = (name: string): Scenario =>
  parseScenario(JSON.parse(readFileSync(`events/scenarios/aurora-global/${name}.json`, 'utf8')));

const GLOBAL_CALLS = ['FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

/** Replays with a cloud built beforehand, to read every call's input afterwards. */
async function run(
  event: unknown,
  options: { scenario?: Scenario; plan?: Plan } = {},
): Promise<{ result: ReplayResult; calls: { operation: string; input: unknown; outcome: string }[] }> {
  const runPlan = options.plan ?? plan;
  const start = { startTime: '2026-11-24T09:00:00.000Z' };
  const cloud = createSimulatedCloud(runPlan, { ...options.scenario, ...start });
  const result = await replay({ plan: runPlan, event, scenario: options.scenario, cloud });
  const calls = cloud.calls
    .filter((call) => GLOBAL_CALLS.includes(call.operation))
    .map(({ operation, input, outcome }) => ({ operation, input, outcome }));
  return { result, calls };
}

const globalDatabase = (result: ReplayResult) => result.cloud.globalDatabases[0];
const subjects = (result: ReplayResult) => result.cloud.notifications.map((message) => message.subject);

describe('a replay of the Aurora global database example', () => {
  it('fails over on an alarm with FailoverGlobalCluster and AllowDataLoss, and points the parameters at the new writer', async () => {
    const { result, calls } = await run(alarm);

    expect(result.outcome).toBe('succeeded');
    expect(calls).toEqual([
      {
        operation: 'FailoverGlobalCluster',
        input: {
          GlobalClusterIdentifier: 'orders-global-db',
          TargetDbClusterIdentifier: expect.stringMatching(
            /^arn:aws:rds:us-west-2:\d{12}:cluster:orders-db-usw2$/,
          ),
          AllowDataLoss: true,
        },
        outcome: 'ok',
      },
    ]);
    expect(globalDatabase(result)).toMatchObject({
      writerRegion: 'us-west-2',
      writer: 'orders-db-usw2',
      failoverState: null,
    });
    expect(result.cloud.parameters['/orders/db/host']?.value).toBe(globalDatabase(result)?.writerEndpoint);
    expect(result.cloud.parameters['/orders/db/host']?.value).toContain('.us-west-2.rds.amazonaws.com');
  });

  it('switches over on a drill with SwitchoverGlobalCluster (no data loss), never FailoverGlobalCluster', async () => {
    const { result, calls } = await run(drill);

    expect(result.outcome).toBe('succeeded');
    expect(calls.map((call) => call.operation)).toEqual(['SwitchoverGlobalCluster']);
    expect(calls[0]?.input).not.toHaveProperty('AllowDataLoss');
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-west-2' });
  });

  it('aborts at the gate when the RPO lag stays over its threshold (policy abort): no call, and a failure notice', async () => {
    const { result, calls } = await run(alarm, { scenario: scenario('lag-too-high') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('ReplicaLagExceededError');
    expect(result.error?.cause).toContain('orders-db-usw2 lag 240s is above 30s');
    expect(result.error?.cause).toContain('nothing was failed over');
    expect(result.mutatingCalls).toBe(0);
    expect(calls).toEqual([]);
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-east-1', calls: [] });
    expect(subjects(result)).toContainEqual(expect.stringContaining('FAILED'));
  });

  it('fails over anyway after the lag wait when the policy is promote, saying what may be lost', async () => {
    const promote = parsePlan({
      ...document,
      auroraGlobalClusters: [
        { ...(document.auroraGlobalClusters as Record<string, unknown>[])[0], onLagExceeded: 'promote' },
      ],
    });

    const { result, calls } = await run(alarm, { scenario: scenario('lag-too-high'), plan: promote });

    expect(result.outcome).toBe('succeeded');
    expect(calls.map((call) => call.operation)).toEqual(['FailoverGlobalCluster']);
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-west-2' });
    const body = result.cloud.notifications.find((message) =>
      message.subject?.includes('SUCCEEDED'),
    )?.message;
    expect(body).toContain(
      'WARNING: orders-db-usw2 lag 240s is above 30s after 120s; failing over anyway (onLagExceeded: promote). Estimated data-loss window: about 240s of writes',
    );
    expect(body).toContain('RPO estimate (replica lag at promotion): 240s');
    // The gate waited lagWaitSeconds (120 s) past the confirm window before failing over.
    const calledAt = Date.parse(globalDatabase(result)?.calls[0]?.at ?? '');
    expect(calledAt - Date.parse('2026-11-24T09:00:00Z')).toBeGreaterThanOrEqual(180_000);
  });

  it('fails clearly when RDS refuses the failover (InvalidGlobalClusterStateFault): one attempt, not retried, notified', async () => {
    const { result, calls } = await run(alarm, { scenario: scenario('service-refuses') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('GlobalFailoverRefusedError');
    expect(result.error?.cause).toContain('InvalidGlobalClusterStateFault');
    expect(calls).toEqual([
      expect.objectContaining({
        operation: 'FailoverGlobalCluster',
        outcome: 'InvalidGlobalClusterStateFault',
      }),
    ]);
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-east-1' });
    expect(subjects(result)).toContainEqual(expect.stringContaining('FAILED'));
    // The parameters were never repointed (the route phase did not run).
    expect(result.cloud.parameters['/orders/db/host']?.value).toContain('.us-east-1.rds.amazonaws.com');
  });

  it('treats a recovery cluster that is already the writer as failed over: succeeds with no call', async () => {
    const { result, calls } = await run(alarm, { scenario: scenario('already-failed-over') });

    expect(result.outcome).toBe('succeeded');
    expect(calls).toEqual([]);
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-west-2', calls: [] });
    expect(result.cloud.parameters['/orders/db/host']?.value).toBe(globalDatabase(result)?.writerEndpoint);
  });

  it('fails when the failover is cancelled and the old writer stays, saying so', async () => {
    const { result, calls } = await run(alarm, { scenario: scenario('failover-cancelled') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('GlobalFailoverRefusedError');
    expect(result.error?.cause).toContain('was cancelled');
    expect(calls).toHaveLength(1);
    expect(globalDatabase(result)).toMatchObject({ writerRegion: 'us-east-1', failoverState: null });
  });

  it('polls sooner while the failover is under way than while RDS is verifying (pending)', async () => {
    const start = { startTime: '2026-11-24T09:00:00.000Z' };
    const cloud = createSimulatedCloud(plan, start);
    await replay({ plan, event: alarm, cloud });

    // The checks' DescribeGlobalClusters after the call: 15 s after it (pending for 10 s), then every 5 s.
    const calledAt = cloud.calls.find((call) => call.operation === 'FailoverGlobalCluster')?.time ?? 0;
    const looks = cloud.calls
      .filter((call) => call.operation === 'DescribeGlobalClusters' && call.time > calledAt)
      .map((call) => call.time);
    const gaps = [looks[0] ?? 0, ...looks.slice(1)].map((at, i) =>
      Math.round((at - (i === 0 ? calledAt : (looks[i - 1] ?? 0))) / 1000),
    );
    expect(gaps[0]).toBe(15);
    expect(gaps.length).toBeGreaterThan(2);
    expect(gaps.slice(1).every((gap) => gap === 5)).toBe(true);
  });
});
