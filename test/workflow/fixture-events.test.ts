import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../functions/common/plan.js';
import { replay } from '../../engine/runner.js';
import { examplePlan, fixtureEvent, sampleEvent } from './support.js';

const plan = examplePlan();
const fixtures = readdirSync('test/fixtures/aws/events').filter((file) => file.endsWith('.json'));
const alarmFixtures = fixtures.filter((file) => file.startsWith('cloudwatch-alarm-state-change'));

describe('real documented AWS events replayed against the example plan', () => {
  it('finds the documented events beside the repo', () => {
    expect(fixtures.length).toBeGreaterThan(15);
    expect(alarmFixtures).toHaveLength(4);
  });

  it.each(fixtures)('ignores %s with a clear message and zero mutating calls', async (file) => {
    const result = await replay({ plan, event: fixtureEvent(file) });

    expect(result.outcome).toBe('ignored');
    expect(result.mutatingCalls).toBe(0);
    expect(result.cloud.notifications).toEqual([]);
    expect(result.summary).toMatch(/^event ignored: .*nothing to do$/);
  });

  it('names the alarm that is not a trigger of the plan', async () => {
    const result = await replay({
      plan,
      event: fixtureEvent('cloudwatch-alarm-state-change_single-metric_OK-to-ALARM.json'),
    });

    expect(result.summary).toBe(
      'event ignored: alarm "ServerCpuTooHigh" is not a trigger of plan shop-prod: nothing to do',
    );
  });

  it('ignores a plan alarm that entered OK', async () => {
    const result = await replay({ plan, event: sampleEvent('route53-health-ok') });

    expect(result.outcome).toBe('ignored');
    expect(result.summary).toContain('entered OK, not ALARM');
    expect(result.mutatingCalls).toBe(0);
  });
});

describe('real documented CloudWatch alarm events against a plan that watches them', () => {
  it.each(alarmFixtures)('fails over on %s', async (file) => {
    const event = fixtureEvent(file) as { account: string; detail: { alarmName: string } };
    const watching = parsePlan({
      ...structuredClone(plan),
      triggers: {
        ...plan.triggers,
        alarms: [{ name: event.detail.alarmName, region: 'us-east-1' }],
        // The documented samples come from another account than the simulated one.
        accounts: [event.account],
      },
    });

    const result = await replay({ plan: watching, event });

    expect(result.outcome).toBe('succeeded');
    expect(result.cloud.databases.find((db) => db.id === 'shop-db-replica')?.isReplica).toBe(false);
  });
});
