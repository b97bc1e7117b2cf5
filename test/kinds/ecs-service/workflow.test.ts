import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatReplay } from '../../../cli/format.js';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { parsePlan } from '../../../functions/common/plan.js';
import { sampleEvent, scenario } from '../../workflow/support.js';

/**
 * Local replays of examples/ecs-service.plan.yaml: the storefront (6 tasks) and an optional
 * worker (2 tasks) scale up in Recover beside the replica's promotion.
 */

const FILE = 'examples/ecs-service.plan.yaml';
const plan = parsePlan(parseYaml(readFileSync(FILE, 'utf8')), FILE);
const alarm = sampleEvent('route53-health-alarm');

const service = (result: ReplayResult, label: string) =>
  result.cloud.ecsServices.find((found) => found.service === label);

describe('replay of a plan with ECS services', () => {
  it('ends with every service running the plan count, and polls closer once the tasks are placed', async () => {
    const result = await replay({ plan, event: alarm });

    expect(result.outcome).toBe('succeeded');
    expect(service(result, 'shop-usw2/storefront')).toMatchObject({
      status: 'ACTIVE',
      desired: 6,
      running: 6,
    });
    expect(service(result, 'shop-usw2/order-worker')).toMatchObject({ desired: 2, running: 2 });
    const scaled = result.timeline.find((entry) => entry.state === 'ECS Services Scaled');
    const started = result.timeline.find((entry) => entry.state === 'Scale ECS Services');
    expect(formatReplay(result)).toContain(
      '  ECS service shop-usw2/storefront (us-west-2): ACTIVE, desired 6, 6 running, 0 pending',
    );
    // 45 s from placement to RUNNING: steady within 50 s of the raise, not a 15 s poll later.
    expect((scaled?.end ?? Infinity) - (started?.start ?? 0)).toBeLessThanOrEqual(50);
  });

  it('fails with EcsServiceTimeoutError, quoting the placement event, when the capacity is missing', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('ecs-service/capacity-missing') });

    expect(result.outcome).toBe('failed');
    const notice = result.cloud.notifications.at(-1);
    expect(notice?.subject).toBe('Failover FAILED: shop-ecs at Recover');
    expect(notice?.message).toContain('Error: EcsServiceTimeoutError: shop-usw2/storefront has 2/6 running');
    expect(notice?.message).toContain('was unable to place a task');
    expect(notice?.message).toContain('- service shop-usw2/storefront: desired 6 (plan 6), 2 running');
  });

  it('sends no UpdateService and scales nothing down when the services already run enough tasks', async () => {
    const result = await replay({ plan, event: alarm, scenario: scenario('ecs-service/already-scaled') });

    expect(result.outcome).toBe('succeeded');
    // The changes are the promotion and the two parameters; no UpdateService.
    expect(result.mutatingCalls).toBe(3);
    expect(service(result, 'shop-usw2/storefront')).toMatchObject({ desired: 8, running: 8 });
  });
});
