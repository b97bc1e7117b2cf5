import { describe, expect, it } from 'vitest';
import { rememberOnce } from '../../../functions/common/failover-record.js';
import type { PlanInput } from '../../../functions/common/plan.js';
import { handler } from '../../../functions/kinds/custom-hook/handler.js';
import type { HookInput, HookProgress } from '../../../functions/kinds/custom-hook/types.js';
import type { Assessed } from '../../../functions/kinds/kind-step.js';
import { handler as replicaHandler } from '../../../functions/kinds/rds-replica/handler.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { EXECUTION_ID, kindHarness, planInput, type KindHarness } from '../support.js';

/**
 * The custom hook kind's Lambda (functions/kinds/custom-hook/runtime.ts through its handler)
 * against the simulated Lambda, where each hook function answers as the scenario says.
 */

const KIND = 'custom-hook';
const WARM = 'arn:aws:lambda:us-west-2:111111111111:function:shop-warm-caches';

const plan = (hooks: Partial<NonNullable<PlanInput['hooks']>[number]>[] = [{}]): PlanInput => ({
  ...structuredClone(planInput),
  hooks: hooks.map((hook, i) => ({
    name: i === 0 ? 'warm-caches' : `hook-${i}`,
    functionArn: WARM.replace('warm-caches', `hook-${i}`),
    ...hook,
  })),
});
const harnessFor = (scenario: Scenario = {}, hooks?: Parameters<typeof plan>[0]) =>
  kindHarness(handler, { plan: plan(hooks), scenario });
const invocations = (harness: KindHarness, name = 'warm-caches') =>
  harness.cloud.snapshot().hooks.find((hook) => hook.name === name)?.invocations;

describe('custom-hook runtime', () => {
  it('invokes the hook exactly once with the plan, direction, phase and the gates recorded before it', async () => {
    // Arrange: the replica's RPO gate ran first (as the Gate phase does), measuring its lag.
    const harness = harnessFor();
    await harness.runKind(replicaHandler, 'gate');

    // Act
    const summary = await harness.run('start');
    await harness.run('start');

    // Assert
    expect(summary).toMatchObject({ kind: KIND, action: 'start', done: true, total: 1, pending: 0 });
    expect(invocations(harness)).toBe(1);
    const event = harness.cloud.snapshot().hooks[0]?.lastEvent as HookInput;
    expect(event).toEqual({
      planName: 'shop-prod',
      hook: 'warm-caches',
      direction: 'failover',
      phase: 'recover',
      dryRun: false,
      trigger: 'alarm',
      executionId: EXECUTION_ID,
      attempt: 1,
      primaryRegion: 'us-east-1',
      recoveryRegion: 'us-west-2',
      gates: [{ kind: 'rds-replica', resources: 1, skipped: 0, maxLagSeconds: expect.any(Number) }],
    });
    expect(await harness.progress<HookProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        message: expect.stringMatching(/^invoked, succeeded \(1 attempt\)/),
      }),
    ]);
  });

  it('does not invoke in a dry run, and says it would', async () => {
    const harness = harnessFor();

    const summary = await harness.run('start', { dryRun: true });

    expect(summary.done).toBe(true);
    expect(invocations(harness)).toBe(0);
    expect(await harness.progress<HookProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'dry-run',
        message: `dry run: would invoke ${WARM.replace('warm-caches', 'hook-0')} (blocking, timeout 30s, 0 retries)`,
      }),
    ]);
  });

  it('does not invoke an attempt that an earlier run of the step claimed, and reports its outcome unknown', async () => {
    // Arrange: an earlier run claimed attempt 1 and died before it recorded what happened.
    const harness = harnessFor({}, [{ blocking: false }]);
    await harness.invoke({ action: 'read-back', executionId: EXECUTION_ID, dryRun: false });
    await harness.advance(0);
    const claimed = rememberOnce({ planName: 'shop-prod', executionId: EXECUTION_ID }, KIND, 0, {
      attempt: 1,
      claimedAt: '2026-11-24T09:01:00.000Z',
      token: 'earlier-run',
    });
    await harness.advance(1);
    await claimed;

    // Act
    const summary = await harness.run('start');

    // Assert
    expect(invocations(harness)).toBe(0);
    expect(summary.message).toContain('WARNING: 1 non-blocking failed');
    expect(await harness.progress<HookProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: [
          expect.objectContaining({
            outcome: 'unknown',
            detail: expect.stringContaining('not invoked again'),
          }),
        ],
      }),
    ]);
  });

  it('retries a failed attempt after a Wait, and stops the failover with HookFailedError when a blocking hook fails every attempt', async () => {
    const harness = harnessFor({ hooks: { 'warm-caches': { outcome: 'fail' } } }, [{ retries: 2 }]);

    const first = await harness.run('start');
    await harness.advance(first.waitSeconds);
    const second = await harness.run('check');
    await harness.advance(second.waitSeconds);
    const error = await harness.fails('check');

    expect(first).toMatchObject({ done: false, waitSeconds: 10 });
    expect(second).toMatchObject({ done: false, waitSeconds: 20 });
    expect(error.name).toBe('HookFailedError');
    expect(error.message).toContain(
      'warm-caches: FAILED (blocking, 3 attempts): function error (Unhandled): Error: hook warm-caches could not finish its work',
    );
    expect(invocations(harness)).toBe(3);
  });

  it('succeeds on a retry after a first failure, and invokes no more', async () => {
    const harness = harnessFor({ hooks: { 'warm-caches': { failTimes: 1 } } }, [{ retries: 3 }]);

    const first = await harness.run('start');
    await harness.advance(first.waitSeconds);
    const second = await harness.run('check');

    expect(second).toMatchObject({ done: true });
    expect(invocations(harness)).toBe(2);
    expect((await harness.progress<HookProgress[]>(KIND))?.[0]?.message).toMatch(
      /^invoked, succeeded \(2 attempts\)/,
    );
  });

  it('goes on after a non-blocking hook fails, with a warning for the notice', async () => {
    const harness = harnessFor({ hooks: { 'warm-caches': { outcome: 'timeout' } } }, [
      { blocking: false, timeoutSeconds: 10 },
    ]);

    const summary = await harness.run('start');

    expect(summary).toMatchObject({ done: true, pending: 0 });
    expect(summary.message).toBe('1 hooks done; WARNING: 1 non-blocking failed');
    expect((await harness.progress<HookProgress[]>(KIND))?.[0]?.message).toBe(
      'WARNING: FAILED (non-blocking: the failover went on; 1 attempt): function error (Unhandled): Sandbox.Timedout: RequestId: 00000001-0000-4000-a000-000000000000 Error: Task timed out after 10.00 seconds',
    );
  });

  it('reads back from the record whether each hook succeeded', async () => {
    const harness = harnessFor({ hooks: { 'hook-1': { outcome: 'fail' } } }, [{}, { blocking: false }]);
    await harness.run('start');

    await harness.run('read-back');

    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      expect.objectContaining({ label: 'warm-caches', done: true }),
      expect.objectContaining({
        label: 'hook-1',
        done: false,
        detail: expect.stringMatching(/^WARNING: FAILED/),
      }),
    ]);
  });
});
