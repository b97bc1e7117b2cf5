import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../../functions/common/plan.js';
import { globalDatabaseChecks } from '../../../functions/kinds/aurora-global/readiness.js';
import { handler } from '../../../functions/kinds/aurora-global/handler.js';
import type {
  GlobalCallFacts,
  GlobalFailoverProgress,
  GlobalLagCheck,
  GlobalWriterFacts,
} from '../../../functions/kinds/aurora-global/types.js';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { settle } from '../../sim/support.js';
import { EXECUTION_ID, kindHarness, planInput, type KindHarness } from '../support.js';

/**
 * The Aurora global database kind's Lambda (functions/kinds/aurora-global/runtime.ts through its
 * handler) against the simulated AWS: progress and write-once facts in the failover record, the
 * planned/unplanned call, idempotency.
 */

const KIND = 'aurora-global';
const RECOVERY_CLUSTER = 'orders-db-usw2';

const plan = (overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): PlanInput => ({
  ...structuredClone(planInput),
  databases: [],
  scalingGroups: [],
  parameters: [],
  auroraGlobalClusters: [
    {
      id: 'orders',
      globalCluster: 'orders-global-db',
      recoveryCluster: RECOVERY_CLUSTER,
      maxLagSeconds: 30,
      lagWaitSeconds: 60,
      ...overrides,
    },
  ],
  ...extra,
});

const harnessFor = (scenario: Scenario = {}, overrides: Record<string, unknown> = {}) =>
  kindHarness(handler, { plan: plan(overrides), scenario });

const calls = (harness: KindHarness, ...operations: string[]) =>
  harness.cloud.calls.filter((call) => operations.includes(call.operation));
const globalCalls = (harness: KindHarness) =>
  calls(harness, 'FailoverGlobalCluster', 'SwitchoverGlobalCluster');

/** Runs an action as the workflow does for a drill or a failback. */
const runAs = (
  harness: KindHarness,
  action: string,
  trigger: { triggerKind?: 'drill' | 'alarm'; direction?: 'failover' | 'failback' },
) => harness.invoke({ action, executionId: EXECUTION_ID, dryRun: false, ...trigger }) as Promise<KindSummary>;

async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  for (let looks = 0; !summary.done && looks < 100; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  return summary;
}

describe('aurora-global runtime: gate', () => {
  it('passes a secondary within its RPO lag threshold, reading AuroraGlobalDBRPOLag in seconds', async () => {
    const harness = harnessFor({ globalLag: { '*': [{ atSeconds: -600, lagSeconds: 2.5 }] } });

    const summary = await harness.run('gate');

    expect(summary).toMatchObject({ kind: KIND, done: true, maxLagSeconds: 2.5 });
    expect(await harness.gate<GlobalLagCheck[]>(KIND)).toEqual([
      expect.objectContaining({ decision: 'proceed', lagSeconds: 2.5, recoveryCluster: RECOVERY_CLUSTER }),
    ]);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
  });

  it('does not stop a drill on lag: a switchover synchronizes first', async () => {
    const harness = harnessFor({ globalLag: { '*': [{ atSeconds: -600, lagSeconds: 240 }] } });

    const summary = await runAs(harness, 'gate', { triggerKind: 'drill' });

    expect(summary).toMatchObject({ done: true, maxLagSeconds: 240 });
    expect((await harness.gate<GlobalLagCheck[]>(KIND))?.[0]?.message).toContain('loses no data');
  });

  it('stops with GlobalClusterNotFoundError naming the global cluster when it does not exist', async () => {
    const harness = harnessFor({ globalFailover: { '*': { missing: true } } });

    const error = await harness.fails('gate');

    expect(error.name).toBe('PreflightFailedError');
    expect(error.message).toContain('global cluster orders-global-db not found');
  });

  it('skips an optional global database whose recovery cluster is not a member, with a warning', async () => {
    const harness = harnessFor({ globalFailover: { '*': { detached: true } } }, { optional: true });

    const summary = await harness.run('gate');
    const started = await harness.run('start');

    expect(summary).toMatchObject({ done: true, message: expect.stringContaining('1 optional skipped') });
    expect(started.done).toBe(true);
    expect(await harness.progress<GlobalFailoverProgress[]>(KIND)).toEqual([
      { status: 'skipped', message: expect.stringContaining('WARNING: skipped (optional)') },
    ]);
    expect(globalCalls(harness)).toEqual([]);
  });
});

describe('aurora-global runtime: start and check', () => {
  it('fails over an alarm with AllowDataLoss, records the previous writer and the call once, then the writer endpoint', async () => {
    const harness = harnessFor();

    const started = await harness.run('start');
    const done = await checkUntilDone(harness, started);

    expect(done).toMatchObject({ done: true, message: '1 global clusters failed over' });
    expect(globalCalls(harness).map((call) => [call.operation, call.input])).toEqual([
      [
        'FailoverGlobalCluster',
        expect.objectContaining({ GlobalClusterIdentifier: 'orders-global-db', AllowDataLoss: true }),
      ],
    ]);
    expect(await harness.facts<GlobalCallFacts>(`${KIND}-call`, 0)).toEqual({
      globalCluster: 'orders-global-db',
      recoveryClusterArn: expect.stringMatching(/:cluster:orders-db-usw2$/),
      previousWriterArn: expect.stringMatching(
        /^arn:aws:rds:us-east-1:\d{12}:cluster:orders-db-usw2-primary$/,
      ),
      call: 'FailoverGlobalCluster',
      calledAt: expect.any(String),
    });
    expect(await harness.facts<GlobalWriterFacts>(KIND, 0)).toMatchObject({
      clusterId: RECOVERY_CLUSTER,
      writerEndpoint: expect.stringMatching(
        /^orders-db-usw2\.cluster-[a-z0-9]+\.us-west-2\.rds\.amazonaws\.com$/,
      ),
      port: '5432',
    });
  });

  it.each([
    ['a drill', { triggerKind: 'drill' as const }],
    ['a failback', { direction: 'failback' as const }],
  ])('switches over (no data loss) in %s', async (_case, trigger) => {
    const harness = harnessFor();

    await runAs(harness, 'start', trigger);

    expect(globalCalls(harness).map((call) => call.operation)).toEqual(['SwitchoverGlobalCluster']);
    expect(globalCalls(harness)[0]?.input).not.toHaveProperty('AllowDataLoss');
  });

  it('does not start another operation when the start step runs again, and keeps the first facts', async () => {
    const harness = harnessFor();
    await harness.run('start');
    const first = await harness.facts<GlobalCallFacts>(`${KIND}-call`, 0);
    await harness.advance(20);

    // Step Functions retries the Task (e.g. its response was lost): the record says under way.
    const again = await harness.run('start');

    expect(again).toMatchObject({ done: false });
    expect(globalCalls(harness)).toHaveLength(1);
    expect(await harness.facts<GlobalCallFacts>(`${KIND}-call`, 0)).toEqual(first);
  });

  it('follows an operation to the recovery cluster found under way instead of calling again after progress was lost', async () => {
    // Arrange: the first start called; a second execution-free start sees FailoverState pending.
    const harness = harnessFor();
    await harness.run('start');
    await harness.advance(2);
    const progressBefore = await harness.progress<GlobalFailoverProgress[]>(KIND);

    // Act: the same start with no recorded progress (as after the record's progress was overwritten).
    const { startGlobalFailover } = await import('../../../functions/kinds/aurora-global/failover.js');
    const item = harness.plan.auroraGlobalClusters[0];
    if (item === undefined) throw new Error('no item');
    const followed = await settle(
      harness.clock,
      startGlobalFailover({
        item,
        recoveryRegion: harness.plan.recoveryRegion,
        planned: false,
        dryRun: false,
        previous: { status: 'not-started' },
        recordCall: async (facts) => facts,
      }),
    );

    expect(progressBefore?.[0]).toMatchObject({ status: 'failing-over', call: 'FailoverGlobalCluster' });
    expect(followed).toMatchObject({ status: 'failing-over', failoverState: 'pending' });
    expect(followed.message).toContain('already under way');
    expect(globalCalls(harness)).toHaveLength(1);
  });

  it('records an already-failed-over cluster as done with call none, calling nothing', async () => {
    const harness = harnessFor({ globalFailover: { '*': { alreadyFailedOver: true } } });

    const summary = await harness.run('start');

    expect(summary).toMatchObject({ done: true });
    expect(globalCalls(harness)).toEqual([]);
    expect(await harness.progress<GlobalFailoverProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'failed-over', alreadyFailedOver: true }),
    ]);
    expect(await harness.facts<GlobalCallFacts>(`${KIND}-call`, 0)).toMatchObject({ call: 'none' });
  });

  it('in a dry run describes and says what it would call, changing and recording nothing', async () => {
    const harness = harnessFor();

    const summary = await harness.run('start', { dryRun: true });

    expect(summary.done).toBe(true);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
    expect((await harness.progress<GlobalFailoverProgress[]>(KIND))?.[0]).toMatchObject({
      dryRun: true,
      message: expect.stringContaining('dry run: would call FailoverGlobalCluster'),
    });
    expect(await harness.facts(`${KIND}-call`, 0)).toBeUndefined();
  });

  it.each(['InvalidGlobalClusterStateFault', 'InvalidDBClusterStateFault'] as const)(
    'fails with GlobalFailoverRefusedError when RDS answers %s',
    async (refusal) => {
      const harness = harnessFor({ globalFailover: { '*': { refuseWith: refusal } } });

      const error = await harness.fails('start');

      expect(error.name).toBe('GlobalFailoverRefusedError');
      expect(error.message).toContain(refusal);
      expect(globalCalls(harness)).toHaveLength(1);
    },
  );

  it('fails with GlobalFailoverTimeoutError when the recovery cluster is not the writer within failoverTimeoutSeconds', async () => {
    const harness = harnessFor(
      { globalFailover: { '*': { durationSeconds: 7_200 } } },
      { failoverTimeoutSeconds: 60 },
    );
    await harness.run('start');
    await harness.advance(61);

    const error = await harness.fails('check');

    expect(error.name).toBe('GlobalFailoverTimeoutError');
    expect(error.message).toContain('failoverTimeoutSeconds 60');
  });
});

describe('aurora-global runtime: read-back and readiness', () => {
  it('reads back a secondary with its writer and the operation under way, then the new writer', async () => {
    const harness = harnessFor();
    await harness.run('start');
    await harness.run('read-back');
    const during = await harness.assessment<Assessed[]>(KIND);
    await harness.advance(120);
    await harness.run('read-back');

    expect(during).toEqual([
      expect.objectContaining({ done: false, detail: expect.stringContaining('operation is under way') }),
    ]);
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      {
        label: 'orders-global-db/orders-db-usw2',
        done: true,
        detail: 'failed over: orders-db-usw2 is the writer',
      },
    ]);
  });

  it('reports ready: the global cluster exists, the member is a secondary, lag within the threshold', async () => {
    const harness = harnessFor();
    const item = harness.plan.auroraGlobalClusters[0];
    if (item === undefined) throw new Error('no item');
    await harness.advance(120);

    const checks = await settle(harness.clock, globalDatabaseChecks(item, harness.plan.recoveryRegion));

    expect(checks.map((check) => [check.check, check.status])).toEqual([
      ['global-cluster-exists', 'pass'],
      ['global-member-secondary', 'pass'],
      ['global-lag', 'pass'],
    ]);
  });

  it('reports not ready when the recovery cluster is already the writer, without reading lag', async () => {
    const harness = harnessFor({ globalFailover: { '*': { alreadyFailedOver: true } } });
    const item = harness.plan.auroraGlobalClusters[0];
    if (item === undefined) throw new Error('no item');

    const checks = await settle(harness.clock, globalDatabaseChecks(item, harness.plan.recoveryRegion));

    expect(checks.map((check) => [check.check, check.status])).toEqual([
      ['global-cluster-exists', 'pass'],
      ['global-member-secondary', 'fail'],
    ]);
  });
});
