import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatReplay } from '../../../cli/format.js';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { parsePlan } from '../../../functions/common/plan.js';
import type { HookInput } from '../../../functions/kinds/custom-hook/types.js';
import { sampleEvent, scenario } from '../../workflow/support.js';

/**
 * Local replays of examples/custom-hook.plan.yaml: a blocking hook (warm-caches, one retry) and
 * a non-blocking one (status-page) run in Recover beside the promotion and the scaling, before
 * Route repoints the parameters.
 */

const FILE = 'examples/custom-hook.plan.yaml';
const plan = parsePlan(parseYaml(readFileSync(FILE, 'utf8')), FILE);
const alarm = sampleEvent('route53-health-alarm');

const hook = (result: ReplayResult, name: string) => result.cloud.hooks.find((found) => found.name === name);
const statesRun = (result: ReplayResult) => result.timeline.map((entry) => entry.state);
const lastNotice = (result: ReplayResult) => result.cloud.notifications.at(-1);

describe('replay of a plan with custom hooks', () => {
  it('invokes each hook exactly once, with the plan, the direction and the RPO gate, and succeeds', async () => {
    const result = await replay({ plan, event: alarm });

    expect(result.outcome).toBe('succeeded');
    expect(hook(result, 'warm-caches')?.invocations).toBe(1);
    expect(hook(result, 'status-page')?.invocations).toBe(1);
    const event = hook(result, 'warm-caches')?.lastEvent as HookInput;
    expect(event).toMatchObject({
      planName: 'shop-hooks',
      hook: 'warm-caches',
      direction: 'failover',
      phase: 'recover',
      dryRun: false,
      trigger: 'alarm',
      attempt: 1,
      gates: expect.arrayContaining([
        { kind: 'rds-replica', resources: 1, skipped: 0, maxLagSeconds: expect.any(Number) },
        { kind: 'auto-scaling-group', resources: 1, skipped: 0 },
      ]),
    });
    expect(event.executionId).toMatch(/^arn:aws:states:us-west-2:\d{12}:execution:/);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(1_024);
    expect(lastNotice(result)?.message).toContain('- hook warm-caches: invoked, succeeded (1 attempt)');
    expect(formatReplay(result)).toContain('  hook warm-caches: invoked 1 time (');
  });

  it('stops before Route when the blocking hook fails every attempt, and the failure notice names it', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('custom-hook/blocking-fails') });

    expect(result.outcome).toBe('failed');
    expect(hook(result, 'warm-caches')?.invocations).toBe(2);
    expect(statesRun(result)).not.toContain('Repoint Parameters');
    expect(result.cloud.parameters['/shop/active-region']?.value).toBe('us-east-1');
    const notice = lastNotice(result);
    expect(notice?.subject).toBe('Failover FAILED: shop-hooks at Recover');
    expect(notice?.message).toContain('Error: HookFailedError: 1 blocking hook failed');
    expect(notice?.message).toContain(
      '- hook warm-caches: FAILED (blocking, 2 attempts): function error (Unhandled)',
    );
  });

  it('goes on when the non-blocking hook fails, and the success notice says it failed', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('custom-hook/non-blocking-fails') });

    expect(result.outcome).toBe('succeeded');
    expect(hook(result, 'status-page')?.invocations).toBe(1);
    expect(result.cloud.parameters['/shop/active-region']?.value).toBe('us-west-2');
    const notice = lastNotice(result);
    expect(notice?.subject).toBe('Failover SUCCEEDED: shop-hooks us-east-1 -> us-west-2');
    expect(notice?.message).toContain(
      '- hook status-page: WARNING: FAILED (non-blocking: the failover went on; 1 attempt): function error (Unhandled): Sandbox.Timedout',
    );
  });

  it('invokes no hook in a dry-run drill, and says it would', async () => {
    // Arrange: the sample drill, for this plan, as a dry run.
    const drill = sampleEvent('gameday-drill') as { detail: Record<string, unknown> };
    const event = { ...drill, detail: { ...drill.detail, planName: 'shop-hooks', dryRun: true } };

    const result = await replay({ plan, event });

    expect(result.cloud.hooks.map((found) => found.invocations)).toEqual([0, 0]);
    expect(lastNotice(result)?.message).toContain(
      '- hook warm-caches: dry run: would invoke arn:aws:lambda:us-west-2:111111111111:function:shop-warm-caches',
    );
  });
});
