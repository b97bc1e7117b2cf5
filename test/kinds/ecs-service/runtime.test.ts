import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../../functions/common/plan.js';
import { handler } from '../../../functions/kinds/ecs-service/handler.js';
import type { ServiceFacts, ServiceProgress } from '../../../functions/kinds/ecs-service/types.js';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ecsClient } from '../../../functions/common/clients/ecs.js';
import { settle } from '../../sim/support.js';
import { kindHarness, planInput, type KindHarness } from '../support.js';

/**
 * The ECS service kind's Lambda (functions/kinds/ecs-service/runtime.ts through its handler)
 * against the simulated ECS. Each service runs one task (pilot light); the plan asks for 6.
 */

const KIND = 'ecs-service';
const SERVICE = 'shop-usw2/storefront';

const plan = (
  services: PlanInput['ecsServices'] = [{ cluster: 'shop-usw2', service: 'storefront', desiredCount: 6 }],
) => ({
  ...structuredClone(planInput),
  ecsServices: services,
});
const harnessFor = (scenario: Scenario = {}, services?: PlanInput['ecsServices']) =>
  kindHarness(handler, { plan: plan(services), scenario });
const updates = (harness: KindHarness) =>
  harness.cloud.calls.filter((call) => call.operation === 'UpdateService' && call.outcome === 'ok');
const service = (harness: KindHarness, label = SERVICE) =>
  harness.cloud.snapshot().ecsServices.find((found) => found.service === label);

async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary[]> {
  const looks = [first];
  while (!(looks.at(-1) as KindSummary).done && looks.length < 200) {
    await harness.advance((looks.at(-1) as KindSummary).waitSeconds);
    looks.push(await harness.run('check'));
  }
  return looks;
}

describe('ecs-service runtime: gate', () => {
  it('passes a service that is ACTIVE in the recovery region', async () => {
    const harness = harnessFor();

    const summary = await harness.run('gate');

    expect(summary).toMatchObject({ action: 'gate', done: true, total: 1, pending: 0 });
  });

  it.each([
    [
      'missing',
      { missing: true },
      /service shop-usw2\/storefront not found in us-west-2 \(cluster shop-usw2 not found\)/,
    ],
    ['draining', { draining: true }, /service shop-usw2\/storefront is DRAINING/],
  ])(
    'stops the failover with PreflightFailedError when the service is %s',
    async (_case, behaviour, message) => {
      const harness = harnessFor({ ecs: { [SERVICE]: behaviour } });

      const error = await harness.fails('gate');

      expect(error.name).toBe('PreflightFailedError');
      expect(error.message).toMatch(message);
      expect(error.message).toContain('nothing was changed');
    },
  );

  it('skips an optional missing service with a warning, and the start leaves it alone', async () => {
    // Arrange: the worker is optional and absent; the storefront is there.
    const harness = harnessFor({ ecs: { 'shop-usw2/order-worker': { missing: true } } }, [
      { cluster: 'shop-usw2', service: 'storefront', desiredCount: 6 },
      { cluster: 'shop-usw2', service: 'order-worker', desiredCount: 2, optional: true },
    ]);

    // Act
    const gate = await harness.run('gate');
    await harness.run('start');

    // Assert
    expect(gate.message).toContain('1 optional skipped');
    const progress = (await harness.progress<ServiceProgress[]>(KIND)) ?? [];
    expect(progress[1]).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/^WARNING: skipped/),
    });
    expect(updates(harness).map((call) => (call.input as { service: string }).service)).toEqual([
      'storefront',
    ]);
  });
});

describe('ecs-service runtime: start and check', () => {
  it('raises the desired count, records the count before once, and polls until the tasks run steady', async () => {
    const harness = harnessFor();

    const looks = await checkUntilDone(harness, await harness.run('start'));

    expect(looks[0]).toMatchObject({ action: 'start', done: false, waitSeconds: 15 });
    expect(looks.at(-1)).toMatchObject({ action: 'check', done: true, pending: 0 });
    expect(service(harness)).toMatchObject({ desired: 6, running: 6, pending: 0 });
    expect(updates(harness)).toHaveLength(1);
    expect(await harness.facts<ServiceFacts>(KIND, 0)).toEqual({
      previousDesired: 1,
      raisedTo: 6,
      raisedBy: 'start',
    });
    expect(await harness.progress<ServiceProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'steady', previousDesired: 1, desired: 6, running: 6 }),
    ]);
  });

  it('looks again sooner once the missing tasks are placed and starting', async () => {
    // Tasks take 45 s from placement to RUNNING: the first look (after 15 s) sees them PENDING.
    const harness = harnessFor();

    const looks = await checkUntilDone(harness, await harness.run('start'));

    expect(looks.slice(1, -1).map((look) => look.waitSeconds)).toEqual(looks.slice(1, -1).map(() => 5));
    expect(looks.length).toBeGreaterThan(3);
  });

  it('never lowers a desired count that is already above the plan, and sends no UpdateService', async () => {
    const harness = harnessFor({ ecs: { [SERVICE]: { initialDesired: 8 } } });

    const started = await harness.run('start');

    expect(started).toMatchObject({ done: true, pending: 0 });
    expect(updates(harness)).toEqual([]);
    expect(service(harness)).toMatchObject({ desired: 8, running: 8 });
    expect(await harness.facts<ServiceFacts>(KIND, 0)).toEqual({
      previousDesired: 8,
      raisedTo: null,
      raisedBy: 'start',
    });
  });

  it('keeps the count from before the failover when a start is retried after ECS applied its update', async () => {
    // Arrange: ECS applies the update, but no answer arrives (every SDK attempt).
    const harness = harnessFor({
      faults: [{ service: 'ecs', operation: 'UpdateService', calls: 'all', error: 'timeoutAfterApply' }],
    });
    const lost = await harness.fails('start');

    // Act
    await harness.run('start');

    // Assert
    expect(lost.name).toBe('TimeoutError');
    expect(service(harness)).toMatchObject({ desired: 6 });
    expect(await harness.facts<ServiceFacts>(KIND, 0)).toEqual({
      previousDesired: 1,
      raisedTo: 6,
      raisedBy: 'start',
    });
    expect(await harness.progress<ServiceProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'scaling', previousDesired: 1, desired: 6 }),
    ]);
  });

  it.each([
    ['capacity is missing', { maxPlacedTasks: 2 }, /2\/6 running, 0 pending.*unable to place a task/],
    [
      'the tasks stop before they run',
      { tasksFailToStart: true },
      /1\/6 running, 5 pending.*stopped before reaching RUNNING/,
    ],
  ])(
    'fails with EcsServiceTimeoutError, quoting the service event, when %s',
    async (_case, behaviour, message) => {
      const harness = harnessFor({ ecs: { [SERVICE]: behaviour } });
      await harness.run('start');
      await harness.advance(901);

      const error = await harness.fails('check');

      expect(error.name).toBe('EcsServiceTimeoutError');
      expect(error.message).toMatch(message);
      expect(error.message).toContain('steadyTimeoutSeconds 900');
    },
  );

  it('changes nothing in a dry run and says what it would do', async () => {
    const harness = harnessFor();

    const summary = await harness.run('start', { dryRun: true });

    expect(summary).toMatchObject({ done: true });
    expect(updates(harness)).toEqual([]);
    expect(await harness.facts(KIND, 0)).toBeUndefined();
    expect(await harness.progress<ServiceProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        message: 'dry run: would raise shop-usw2/storefront from 1 to 6 desired tasks',
      }),
    ]);
  });

  it('reads back the desired and running counts against the plan', async () => {
    const harness = harnessFor();
    await checkUntilDone(harness, await harness.run('start'));

    await harness.run('read-back');

    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: SERVICE, done: true, detail: 'desired 6 (plan 6), 6 running' },
    ]);
  });
});

describe('ecs-service runtime: prewarm and unwarm', () => {
  it('prewarms by raising the count and recording it once, so the later start sends no second update', async () => {
    const harness = harnessFor();

    const prewarmed = await harness.run('prewarm');
    await harness.advance(60);
    const looks = await checkUntilDone(harness, await harness.run('start'));

    expect(prewarmed).toMatchObject({ action: 'prewarm', done: true, waitSeconds: 0 });
    expect(prewarmed.message).toContain('prewarm: shop-usw2/storefront raised from 1 to 6 desired');
    expect(updates(harness)).toHaveLength(1);
    expect(await harness.facts<ServiceFacts>(KIND, 0)).toEqual({
      previousDesired: 1,
      raisedTo: 6,
      raisedBy: 'prewarm',
    });
    // The tasks started during the prewarm: the start finds them running.
    expect(looks).toHaveLength(1);
    expect(looks[0]).toMatchObject({ action: 'start', done: true });
  });

  it('unwarms a prewarmed service back to its recorded count, once', async () => {
    const harness = harnessFor();
    await harness.run('prewarm');

    const first = await harness.run('unwarm');
    const second = await harness.run('unwarm');

    expect(first.message).toBe('shop-usw2/storefront set back from 6 to 1 desired tasks');
    expect(second.message).toBe('shop-usw2/storefront is at its recorded 1 desired tasks');
    expect(updates(harness).map((call) => (call.input as { desiredCount: number }).desiredCount)).toEqual([
      6, 1,
    ]);
    expect(service(harness)).toMatchObject({ desired: 1, running: 1 });
  });

  it('keeps the raise when the failover went on (its start ran after the prewarm)', async () => {
    const harness = harnessFor();
    await harness.run('prewarm');
    await harness.run('start');

    const kept = await harness.run('unwarm');

    expect(kept.message).toBe('shop-usw2/storefront kept: the failover scaled it');
    expect(service(harness)).toMatchObject({ desired: 6 });
    expect(updates(harness)).toHaveLength(1);
  });

  it('sets back nothing that no prewarm raised', async () => {
    const harness = harnessFor({ ecs: { [SERVICE]: { initialDesired: 8 } } });
    await harness.run('prewarm');

    const summary = await harness.run('unwarm');

    expect(summary.message).toBe('shop-usw2/storefront was not raised by a prewarm: unchanged');
    expect(updates(harness)).toEqual([]);
  });

  it('leaves a count someone changed after the prewarm as it is', async () => {
    // Arrange: after the prewarm, someone sets 9 tasks by hand.
    const harness = harnessFor();
    await harness.run('prewarm');
    await settle(
      harness.clock,
      ecsClient('us-west-2').send(
        new UpdateServiceCommand({ cluster: 'shop-usw2', service: 'storefront', desiredCount: 9 }),
      ),
    );

    // Act
    const summary = await harness.run('unwarm');

    // Assert
    expect(summary.message).toBe(
      "shop-usw2/storefront has 9 desired tasks, not the prewarm's 6: left as it is",
    );
    expect(service(harness)).toMatchObject({ desired: 9 });
  });

  it('prewarms nothing in a dry run', async () => {
    const harness = harnessFor();

    const summary = await harness.run('prewarm', { dryRun: true });

    expect(summary.message).toBe(
      'prewarm: dry run: would raise shop-usw2/storefront from 1 to 6 desired tasks',
    );
    expect(updates(harness)).toEqual([]);
    expect(await harness.facts(KIND, 0)).toBeUndefined();
  });

  it('leaves a missing service for the gate to judge', async () => {
    const harness = harnessFor({ ecs: { [SERVICE]: { missing: true } } });

    const summary = await harness.run('prewarm');

    expect(summary).toMatchObject({ done: true });
    expect(summary.message).toMatch(/^shop-usw2\/storefront not prewarmed: ECS service .* not found/);
  });
});
