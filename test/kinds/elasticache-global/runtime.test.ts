import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../engine/sim/index.js';
import { handler } from '../../../functions/kinds/elasticache-global/handler.js';
import type {
  DatastoreOutputs,
  FailoverFacts,
  FailoverProgress,
  GlobalLagCheck,
} from '../../../functions/kinds/elasticache-global/types.js';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import { kindHarness, type KindHarness } from '../support.js';
import { GLOBAL_ID, globalPlanInput, PRIMARY_GROUP, RECOVERY_GROUP } from './support.js';

/**
 * The Global Datastore kind's Lambda (functions/kinds/elasticache-global/runtime.ts through its
 * handler) against the simulated AWS: the RPO gate, FailoverGlobalReplicationGroup, polling, the
 * write-once facts and the read-back.
 */

const KIND = 'elasticache-global';

const harnessFor = (scenario: Scenario = {}, change?: Parameters<typeof globalPlanInput>[0]): KindHarness =>
  kindHarness(handler, { plan: globalPlanInput(change), scenario });
const calls = (harness: KindHarness, operation: string) =>
  harness.cloud.calls.filter((call) => call.operation === operation);
const datastore = (harness: KindHarness) =>
  harness.cloud.snapshot().globalDatastores.find((candidate) => candidate.id === GLOBAL_ID);
const lagProfile = (lagSeconds: number): Scenario => ({
  globalDatastores: { [GLOBAL_ID]: { lag: [{ atSeconds: -600, lagSeconds }] } },
});

/** Repeats `action` until the kind says done (or it throws), moving the virtual clock by the wait it asks for. */
async function untilDone(harness: KindHarness, action: string, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  for (let looks = 0; !summary.done && looks < 200; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run(action);
  }
  return summary;
}

describe('elasticache-global runtime: gate', () => {
  it('passes a secondary of an available datastore within its lag threshold, changing nothing', async () => {
    // Arrange
    const harness = harnessFor(lagProfile(2));

    // Act
    const summary = await harness.run('gate');

    // Assert
    expect(summary).toMatchObject({ kind: KIND, action: 'gate', done: true, total: 1, maxLagSeconds: 2 });
    expect(await harness.gate<GlobalLagCheck[]>(KIND)).toEqual([
      expect.objectContaining({ decision: 'proceed', lagSeconds: 2, globalReplicationGroupId: GLOBAL_ID }),
    ]);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
  });

  it('waits while lag is high and fails with ReplicaLagExceededError after lagWaitSeconds when the policy is abort', async () => {
    // Arrange: maxLagSeconds 5, lagWaitSeconds 120 in the example plan.
    const harness = harnessFor(lagProfile(40));
    const first = await harness.run('gate');

    // Act
    let error: Error | undefined;
    try {
      await untilDone(harness, 'gate', first);
    } catch (caught) {
      error = caught as Error;
    }

    // Assert
    expect(first).toMatchObject({ done: false, waitSeconds: 20, maxLagSeconds: 40 });
    expect(error?.name).toBe('ReplicaLagExceededError');
    expect(error?.message).toContain(`${GLOBAL_ID} lag 40s is above 5s after waiting`);
    expect(error?.message).toContain('nothing was failed over');
    expect(harness.cloud.mutatingCalls()).toEqual([]);
  });

  it('passes over the threshold after lagWaitSeconds when the policy is promote, saying what may be lost', async () => {
    // Arrange
    const harness = harnessFor(lagProfile(40), (document) => {
      document.globalDatastores = (document.globalDatastores ?? []).map((item) => ({
        ...item,
        onLagExceeded: 'promote' as const,
      }));
    });

    // Act
    const passed = await untilDone(harness, 'gate', await harness.run('gate'));

    // Assert
    expect(passed).toMatchObject({ done: true, maxLagSeconds: 40 });
    expect(passed.message).toContain('1 over the lag threshold (onLagExceeded: promote)');
    expect(await harness.gate<GlobalLagCheck[]>(KIND)).toEqual([
      expect.objectContaining({
        promotedOverThreshold: true,
        message: expect.stringContaining(
          'failing over anyway (onLagExceeded: promote). Estimated data-loss window: about 40s',
        ),
      }),
    ]);
  });

  it.each([
    ['missing', { missing: true }, `global datastore ${GLOBAL_ID} not found`],
    [
      'without the recovery group as a member',
      { notMember: true },
      `${RECOVERY_GROUP} in us-west-2 is not a member`,
    ],
  ])('stops with PreflightFailedError when the datastore is %s', async (_case, behaviour, problem) => {
    // Arrange
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: behaviour } });

    // Act
    const error = await harness.fails('gate');

    // Assert
    expect(error.name).toBe('PreflightFailedError');
    expect(error.message).toContain(problem);
  });

  it('skips an optional datastore that cannot fail over, with a warning', async () => {
    // Arrange
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: { missing: true } } }, (document) => {
      document.globalDatastores = (document.globalDatastores ?? []).map((item) => ({
        ...item,
        optional: true,
      }));
      document.parameters = (document.parameters ?? []).map((parameter) => ({
        ...parameter,
        optional: true,
      }));
    });

    // Act
    const gate = await harness.run('gate');
    const started = await harness.run('start');

    // Assert
    expect(gate).toMatchObject({ done: true, message: expect.stringContaining('1 optional skipped') });
    expect(started.done).toBe(true);
    expect(await harness.progress<FailoverProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'skipped',
        message: expect.stringContaining('WARNING: skipped (optional)'),
      }),
    ]);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
  });

  it('waits for a datastore that is modifying, and passes once it is available again', async () => {
    // Arrange
    const harness = harnessFor({
      globalDatastores: { [GLOBAL_ID]: { status: 'modifying', statusUntilSeconds: 50 } },
    });

    // Act
    const first = await harness.run('gate');
    const passed = await untilDone(harness, 'gate', first);

    // Assert
    expect(first).toMatchObject({ done: false, message: expect.any(String) });
    expect(await harness.gate<GlobalLagCheck[]>(KIND)).toEqual([
      expect.objectContaining({ decision: 'proceed' }),
    ]);
    expect(passed.done).toBe(true);
  });
});

describe('elasticache-global runtime: start and check', () => {
  it('fails over once, polls until the recovery group is the primary of an available datastore, and records facts once', async () => {
    // Arrange
    const harness = harnessFor();

    // Act
    const started = await harness.run('start');
    const done = await untilDone(harness, 'check', started);

    // Assert
    expect(started).toMatchObject({ action: 'start', done: false, pending: 1, waitSeconds: 15 });
    expect(done).toMatchObject({ action: 'check', done: true, pending: 0 });
    const failovers = calls(harness, 'FailoverGlobalReplicationGroup');
    expect(failovers).toHaveLength(1);
    expect(failovers[0]?.input).toEqual({
      GlobalReplicationGroupId: GLOBAL_ID,
      PrimaryRegion: 'us-west-2',
      PrimaryReplicationGroupId: RECOVERY_GROUP,
    });
    expect(datastore(harness)).toMatchObject({
      status: 'available',
      primary: { replicationGroupId: RECOVERY_GROUP, region: 'us-west-2' },
    });
    expect(await harness.facts<FailoverFacts>(`${KIND}#before`, 0)).toMatchObject({
      previousPrimary: { replicationGroupId: PRIMARY_GROUP, region: 'us-east-1' },
      alreadyFailedOver: false,
    });
    expect(await harness.facts<DatastoreOutputs>(KIND, 0)).toMatchObject({
      replicationGroupId: RECOVERY_GROUP,
      endpoint: datastore(harness)?.recoveryEndpoint,
      port: '6379',
    });
  });

  it('looks sooner once the recovery group shows PRIMARY and only the datastore status is left', async () => {
    // Arrange: the roles swap at 70 % of a 100 s failover.
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: { durationSeconds: 100 } } });
    const started = await harness.run('start');

    // Act
    const waits: number[] = [];
    let summary = started;
    while (!summary.done && waits.length < 50) {
      waits.push(summary.waitSeconds);
      await harness.advance(summary.waitSeconds);
      summary = await harness.run('check');
    }

    // Assert: 15 s looks while SECONDARY, 5 s ones once PRIMARY, done within 5 s of the end.
    expect(waits.slice(0, 4)).toEqual([15, 15, 15, 15]);
    expect(waits).toContain(5);
    const failedOverAt = Date.parse(datastore(harness)?.failedOverAt ?? '');
    expect(Date.now() - failedOverAt).toBeLessThanOrEqual(5_000);
  });

  it('counts a datastore already failed over as done without calling FailoverGlobalReplicationGroup', async () => {
    // Arrange
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: { alreadyFailedOver: true } } });

    // Act
    const gate = await harness.run('gate');
    const started = await harness.run('start');

    // Assert
    expect(gate.done).toBe(true);
    expect(started).toMatchObject({ done: true, pending: 0 });
    expect(calls(harness, 'FailoverGlobalReplicationGroup')).toHaveLength(0);
    expect(await harness.progress<FailoverProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'failed-over', alreadyFailedOver: true }),
    ]);
    expect(await harness.facts<FailoverFacts>(`${KIND}#before`, 0)).toMatchObject({
      previousPrimary: null,
      alreadyFailedOver: true,
    });
  });

  it('fails with GlobalFailoverRefusedError carrying the service message when ElastiCache refuses', async () => {
    // Arrange
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: { refuseFailover: true } } });

    // Act
    const error = await harness.fails('start');

    // Assert
    expect(error.name).toBe('GlobalFailoverRefusedError');
    expect(error.message).toContain('InvalidGlobalReplicationGroupStateFault');
    expect(error.message).toContain('the Global datastore is not available or in primary-only state');
    expect(error.message).toContain('it was not failed over');
    expect(datastore(harness)?.primary.replicationGroupId).toBe(PRIMARY_GROUP);
  });

  it('does not ask again when a start is retried after a lost response, and finishes', async () => {
    // Arrange: ElastiCache accepts the failover, but the answer never arrives.
    const harness = harnessFor({
      faults: [
        {
          service: 'elasticache',
          operation: 'FailoverGlobalReplicationGroup',
          calls: 'all',
          error: 'timeoutAfterApply',
        },
      ],
    });
    const lost = await harness.fails('start');
    const asked = calls(harness, 'FailoverGlobalReplicationGroup').length;

    // Act
    const retried = await harness.run('start');
    const done = await untilDone(harness, 'check', retried);

    // Assert: the recorded request and the busy datastore say the failover is under way.
    expect(lost.name).toMatch(/Timeout/);
    expect(done.done).toBe(true);
    expect(calls(harness, 'FailoverGlobalReplicationGroup')).toHaveLength(asked);
    expect(await harness.facts<FailoverFacts>(`${KIND}#before`, 0)).toMatchObject({
      previousPrimary: { replicationGroupId: PRIMARY_GROUP },
    });
    expect(datastore(harness)?.primary.replicationGroupId).toBe(RECOVERY_GROUP);
  });

  it('changes nothing in a dry run and says what it would do', async () => {
    // Arrange
    const harness = harnessFor();

    // Act
    const started = await harness.run('start', { dryRun: true });

    // Assert
    expect(started.done).toBe(true);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
    expect(await harness.progress<FailoverProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('dry run: would call FailoverGlobalReplicationGroup'),
      }),
    ]);
    expect(await harness.facts(`${KIND}#before`, 0)).toBeUndefined();
  });

  it('fails with GlobalFailoverTimeoutError when the failover outlasts failoverTimeoutSeconds', async () => {
    // Arrange
    const harness = harnessFor(
      { globalDatastores: { [GLOBAL_ID]: { durationSeconds: 5_000 } } },
      (document) => {
        document.globalDatastores = (document.globalDatastores ?? []).map((item) => ({
          ...item,
          failoverTimeoutSeconds: 120,
        }));
      },
    );
    const started = await harness.run('start');

    // Act
    let error: Error | undefined;
    try {
      await untilDone(harness, 'check', started);
    } catch (caught) {
      error = caught as Error;
    }

    // Assert
    expect(error?.name).toBe('GlobalFailoverTimeoutError');
    expect(error?.message).toContain('failoverTimeoutSeconds 120');
  });
});

describe('elasticache-global runtime: read-back', () => {
  it('reads back a datastore not failed over as not done', async () => {
    // Arrange
    const harness = harnessFor();

    // Act
    await harness.run('read-back');

    // Assert
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: GLOBAL_ID, done: false, detail: `${RECOVERY_GROUP} is still SECONDARY (available)` },
    ]);
  });

  it('reads back a datastore failed over as done, and records its outputs for templates', async () => {
    // Arrange
    const harness = harnessFor({ globalDatastores: { [GLOBAL_ID]: { alreadyFailedOver: true } } });

    // Act
    await harness.run('read-back');

    // Assert
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: GLOBAL_ID, done: true, detail: `failed over: ${RECOVERY_GROUP} is the primary (available)` },
    ]);
    expect(await harness.facts<DatastoreOutputs>(KIND, 0)).toMatchObject({
      replicationGroupId: RECOVERY_GROUP,
    });
  });
});
