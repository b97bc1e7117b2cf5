import { describe, expect, it } from 'vitest';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import { handler } from '../../../functions/kinds/rds-replica/handler.js';
import type {
  DatabaseFacts,
  LagCheck,
  PromotionProgress,
} from '../../../functions/kinds/rds-replica/types.js';
import { REPLICA } from '../../sim/support.js';
import { kindHarness, type KindHarness } from '../support.js';

/**
 * The RDS read replica kind's Lambda (functions/kinds/rds-replica/runtime.ts through its handler)
 * against the simulated AWS: every database of the plan per invocation, progress and facts in
 * the failover record.
 */

const KIND = 'rds-replica';

const calls = (harness: KindHarness, operation: string) =>
  harness.cloud.calls.filter((call) => call.operation === operation);

/** Checks until the kind says done, moving the virtual clock by the wait it asks for. */
async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  // 300 s of promotion: 15 s looks while modifying, then a look a second through the reboot.
  for (let looks = 0; !summary.done && looks < 300; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  return summary;
}

describe('rds-replica runtime: gate', () => {
  it('passes every replica within its lag threshold and reports the largest lag', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: { lag: { '*': [{ atSeconds: -600, lagSeconds: 4 }] } },
    });

    // Act
    const summary = await harness.run('gate');

    // Assert
    expect(summary).toMatchObject({
      kind: KIND,
      action: 'gate',
      done: true,
      pending: 0,
      total: 1,
      maxLagSeconds: 4,
    });
    expect(await harness.gate<LagCheck[]>(KIND)).toEqual([
      expect.objectContaining({ decision: 'proceed', lagSeconds: 4, checks: 1 }),
    ]);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
  });

  it('asks to look again while lag is high, then passes without reading a replica that already passed', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: {
        lag: {
          '*': [
            { atSeconds: -600, lagSeconds: 90 },
            { atSeconds: 10, lagSeconds: 8 },
          ],
        },
      },
    });

    // Act
    const waiting = await harness.run('gate');
    let passed = waiting;
    let looks = 1;
    while (!passed.done && looks < 40) {
      await harness.advance(passed.waitSeconds);
      passed = await harness.run('gate');
      looks++;
    }
    const metricReads = calls(harness, 'GetMetricData').length;
    const again = await harness.run('gate');

    // Assert
    expect(waiting).toMatchObject({ done: false, pending: 1, waitSeconds: 20, maxLagSeconds: 90 });
    expect(looks).toBeGreaterThan(1);
    expect(passed).toMatchObject({ done: true, maxLagSeconds: 8 });
    expect(again.done).toBe(true);
    expect(calls(harness, 'GetMetricData')).toHaveLength(metricReads);
    expect(await harness.gate<LagCheck[]>(KIND)).toEqual([expect.objectContaining({ checks: looks })]);
  });

  it('fails with ReplicaLagExceededError once lagWaitSeconds have passed over the threshold', async () => {
    // Arrange: lagWaitSeconds is 300 in this plan.
    const harness = kindHarness(handler, {
      scenario: { lag: { '*': [{ atSeconds: -600, lagSeconds: 240 }] } },
    });
    let summary = await harness.run('gate');

    // Act
    let error: Error | undefined;
    for (let looks = 0; error === undefined && looks < 40; looks++) {
      await harness.advance(summary.waitSeconds);
      try {
        summary = await harness.run('gate');
      } catch (caught) {
        error = caught as Error;
      }
    }

    // Assert
    expect(error?.name).toBe('ReplicaLagExceededError');
    expect(error?.message).toContain('lag 240s is above 30s');
    expect(calls(harness, 'PromoteReadReplica')).toHaveLength(0);
  });
});

describe('rds-replica runtime: start and check', () => {
  it('promotes every replica once, polls until standalone and available, and records the endpoint', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const started = await harness.run('start');
    const done = await checkUntilDone(harness, started);

    // Assert
    expect(started).toMatchObject({ kind: KIND, action: 'start', done: false, pending: 1, waitSeconds: 15 });
    expect(done).toMatchObject({ action: 'check', done: true, pending: 0, total: 1 });
    expect(done.completedAt).toBeDefined();
    expect(calls(harness, 'PromoteReadReplica')).toHaveLength(1);
    const database = harness.cloud.snapshot().databases.find((db) => db.id === REPLICA);
    expect(database).toMatchObject({ isReplica: false, status: 'available' });
    expect(await harness.facts<DatabaseFacts>(KIND, 0)).toMatchObject({
      instanceId: REPLICA,
      endpoint: database?.endpoint,
    });
  });

  it('looks every second once RDS reboots the promoted instance, and sees it available within seconds', async () => {
    // Arrange: the simulated promotion is `modifying` for 210 s, then `rebooting` until 300 s.
    const harness = kindHarness(handler);
    const started = await harness.run('start');
    const waits: { status: string; waitSeconds: number }[] = [];

    // Act
    let summary = started;
    for (let looks = 0; !summary.done && looks < 300; looks++) {
      await harness.advance(summary.waitSeconds);
      summary = await harness.run('check');
      const [promotion] = (await harness.progress<PromotionProgress[]>(KIND)) ?? [];
      if (!summary.done && promotion !== undefined && 'instanceStatus' in promotion)
        waits.push({ status: promotion.instanceStatus, waitSeconds: summary.waitSeconds });
    }

    // Assert
    expect(
      new Set(waits.filter((look) => look.status === 'modifying').map((look) => look.waitSeconds)),
    ).toEqual(new Set([15]));
    expect(
      new Set(waits.filter((look) => look.status === 'rebooting').map((look) => look.waitSeconds)),
    ).toEqual(new Set([1]));
    const database = harness.cloud.snapshot().databases.find((db) => db.id === REPLICA);
    const seenLate = Date.parse(summary.completedAt ?? '') - Date.parse(database?.promotedAt ?? '');
    expect(seenLate).toBeGreaterThanOrEqual(0);
    expect(seenLate).toBeLessThan(2_000);
  });

  it('does not call PromoteReadReplica again when a start is retried after a lost response, and finishes', async () => {
    // Arrange: RDS applies the promotion, but the answer never arrives.
    const harness = kindHarness(handler, {
      scenario: {
        faults: [
          { service: 'rds', operation: 'PromoteReadReplica', calls: 'all', error: 'timeoutAfterApply' },
        ],
      },
    });
    const lost = await harness.fails('start');
    const promotionsBefore = calls(harness, 'PromoteReadReplica').length;

    // Act
    const retried = await harness.run('start');
    const done = await checkUntilDone(harness, retried);

    // Assert: RDS shows the accepted promotion as `modifying`; the retry waits for it.
    expect(lost.name).toMatch(/Timeout/);
    expect(retried.done).toBe(false);
    expect(done.done).toBe(true);
    expect(calls(harness, 'PromoteReadReplica')).toHaveLength(promotionsBefore);
    expect(await harness.progress<PromotionProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'promoted' }),
    ]);
  });

  it('waits while the replica is backing-up, and the check promotes it once RDS can', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: { promotion: { '*': { initialStatus: 'backing-up', backingUpUntilSeconds: 60 } } },
    });

    // Act
    const started = await harness.run('start');
    const waiting = await harness.progress<PromotionProgress[]>(KIND);
    const done = await checkUntilDone(harness, started);

    // Assert
    expect(started).toMatchObject({ done: false, waitSeconds: 30 });
    expect(waiting).toEqual([
      expect.objectContaining({ status: 'waiting-to-promote', instanceStatus: 'backing-up' }),
    ]);
    expect(done.done).toBe(true);
    const promotions = calls(harness, 'PromoteReadReplica');
    expect(promotions).toHaveLength(1);
    expect(promotions[0]!.time - harness.cloud.startTime.getTime()).toBeGreaterThanOrEqual(60_000);
  });

  it('counts a replica that a previous run promoted as done without calling PromoteReadReplica', async () => {
    // Arrange
    const harness = kindHarness(handler, { scenario: { promotion: { '*': { alreadyPromoted: true } } } });

    // Act
    const started = await harness.run('start');

    // Assert
    expect(started).toMatchObject({ done: true, pending: 0 });
    expect(calls(harness, 'PromoteReadReplica')).toHaveLength(0);
    expect(await harness.progress<PromotionProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'promoted', alreadyPromoted: true }),
    ]);
  });

  it('fails with PromotionFailedError, by name, when the instance fails during promotion', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: { promotion: { '*': { failAtSeconds: 30, failWith: 'failed' } } },
    });
    const started = await harness.run('start');
    await harness.advance(60);

    // Act
    const error = await harness.fails('check');

    // Assert
    expect(started.done).toBe(false);
    expect(error.name).toBe('PromotionFailedError');
    expect(error.message).toContain(`${REPLICA} went failed during promotion`);
  });

  it('changes nothing in a dry run and reports the replica as what it would promote', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('start', { dryRun: true });

    // Assert
    expect(summary.done).toBe(true);
    expect(harness.cloud.mutatingCalls()).toEqual([]);
    expect(await harness.progress<PromotionProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        dryRun: true,
        message: `dry run: would call PromoteReadReplica on ${REPLICA}`,
      }),
    ]);
  });
});

describe('rds-replica runtime: read-back', () => {
  it('records a replica not yet promoted as not done, reading RDS only', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ action: 'read-back', done: true, total: 1, pending: 1 });
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: REPLICA, done: false, detail: 'still a read replica (available)' },
    ]);
    expect(harness.cloud.mutatingCalls().filter((call) => call.service !== 'dynamodb')).toEqual([]);
  });

  it('reports a replica it cannot read as unknown and not done, without failing', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: {
        faults: [{ service: 'rds', operation: 'DescribeDBInstances', calls: 'all', error: 'accessDenied' }],
      },
    });

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ done: true, pending: 1 });
    const [replica] = (await harness.assessment<Assessed[]>(KIND)) ?? [];
    expect(replica).toMatchObject({ label: REPLICA, done: false });
    expect(replica?.detail).toMatch(/^unknown: AccessDenied/);
  });
});
