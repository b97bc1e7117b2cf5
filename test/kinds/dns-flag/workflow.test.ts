import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  createSimulatedCloud,
  parseScenario,
  type Scenario,
  type SimulatedCloud,
} from '../../../engine/sim/index.js';
import { buildFailoverReport, recordFromReplay } from '../../../engine/report/index.js';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { parsePlan } from '../../../functions/common/plan.js';

/**
 * Whole failovers of examples/dns-flag.plan.yaml (the example plan plus the DNS flag `shop`)
 * replayed on the simulated AWS: the workflow's Route phase flips the flag once the replica is
 * promoted and the group scaled, and the report counts Route 53's delay in the RTO.
 */

const PLAN_FILE = 'examples/dns-flag.plan.yaml';
const plan = parsePlan(parseYaml(readFileSync(PLAN_FILE, 'utf8')), PLAN_FILE);
const alarm = JSON.parse(readFileSync('events/route53-health-alarm.json', 'utf8')) as unknown;
const drill = JSON.parse(readFileSync('events/gameday-drill.json', 'utf8')) as {
  detail: Record<string, unknown>;
};

const flag = (result: ReplayResult) => result.cloud.dnsFlags[0];
const puts = (cloud: SimulatedCloud) => cloud.calls.filter((call) => call.operation === 'PutMetricData');
/** A scenario of events/scenarios/dns-flag/. */
const scenarioFile = (name: string): Scenario =>
  JSON.parse(readFileSync(`events/scenarios/dns-flag/${name}.json`, 'utf8')) as Scenario;

/** Replays the alarm on a cloud built from the scenario; returns both (the cloud keeps every call). */
async function run(scenario: Scenario = {}, event: unknown = alarm) {
  const cloud = createSimulatedCloud(plan, parseScenario(scenario));
  const result = await replay({ plan, event, cloud });
  return { result, cloud };
}

describe('a failover with a DNS flag', () => {
  it('flips the flag after the recover phase: the alarm is in ALARM and Route 53 answers with the SECONDARY record', async () => {
    // Act
    const { result } = await run();

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(flag(result)).toEqual({
      id: 'shop',
      alarmName: 'shop-prod-dns-flag-shop',
      alarmState: 'ALARM',
      lastValue: 1,
      publishes: 1,
      healthCheck: 'Unhealthy',
      answering: 'SECONDARY',
    });
    const flipped = result.timeline.find((entry) => entry.state === 'Flip DNS Flags')!;
    const promoted = result.timeline.find((entry) => entry.state === 'Replicas Promoted')!;
    expect(flipped.start).toBeGreaterThanOrEqual(promoted.end);
    expect(result.rtoSeconds).toBeGreaterThanOrEqual(result.criticalPathSeconds);
    // Confirm 60 s + promotion 300 s, then the flag: Route 53's 60 s after the Recover phase.
    expect(result.criticalPathSeconds).toBe(420);
  });

  it("counts Route 53's delay in the RTO's routing part: from the last recovered resource to the health check's reaction", async () => {
    // Act
    const { result } = await run();
    const report = buildFailoverReport(recordFromReplay(result, { input: alarm }), plan);

    // Assert
    const routing = report.rto.parts?.find((part) => part.part === 'routing');
    // The alarm follows at the end of the period holding the value (under 60 s), then 60 s for Route 53.
    expect(routing?.seconds).toBeGreaterThanOrEqual(60);
    expect(routing?.seconds).toBeLessThanOrEqual(125);
    expect(routing?.title).toContain('DNS flags');
    expect(report.endState?.lines).toContain(
      'DNS flag shop.example.com: alarm shop-prod-dns-flag-shop ALARM, health check Unhealthy: Route 53 answers with the SECONDARY record',
    );
  });

  it('succeeds once, publishing nothing new, when the flag is already flipped', async () => {
    // Act
    const { result, cloud } = await run(scenarioFile('already-flipped'));

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(puts(cloud)).toHaveLength(1);
    expect(result.timeline.find((entry) => entry.state === 'Check DNS Flags')).toBeUndefined();
    expect(flag(result)).toMatchObject({ alarmState: 'ALARM', answering: 'SECONDARY' });
  });

  it('rides out PutMetricData throttling (the SDK and the workflow retry it)', async () => {
    // Act
    const { result, cloud } = await run(scenarioFile('put-metric-throttled'));

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(puts(cloud).length).toBeGreaterThan(3);
    expect(flag(result)).toMatchObject({ alarmState: 'ALARM', answering: 'SECONDARY' });
  });

  it('fails and notifies, reading back the flag as not flipped, when CloudWatch refuses PutMetricData', async () => {
    // Act
    const { result } = await run(scenarioFile('put-metric-refused'));

    // Assert
    expect(result.outcome).toBe('failed');
    expect(result.error?.cause).toContain('PutMetricData');
    expect(flag(result)).toMatchObject({ alarmState: 'OK', lastValue: null, answering: 'PRIMARY' });
    const failed = result.cloud.notifications.at(-1)!;
    expect(failed.subject).toContain('FAILED');
    expect(failed.message).toContain('shop.example.com');
    // The database was still promoted: the notice says what was and was not done.
    expect(result.cloud.databases.find((db) => db.id === 'shop-db-replica')).toMatchObject({
      isReplica: false,
    });
  });

  it("ends on the plan's count of Route 53's delay: a slower Route 53 still answers PRIMARY when the run ends", async () => {
    // Act
    const { result, cloud } = await run(scenarioFile('slow-route53'));

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(flag(result)).toMatchObject({ alarmState: 'ALARM', healthCheck: 'Healthy', answering: 'PRIMARY' });
    expect(puts(cloud)).toHaveLength(1);
  });

  it('refuses at the gate, changing nothing, when the flag alarm does not exist', async () => {
    // Act
    const { result } = await run({ dnsFlags: { shop: { missing: true } } });

    // Assert
    expect(result.outcome).toBe('failed');
    expect(result.mutatingCalls).toBe(0);
    expect(result.cloud.notifications.at(-1)?.message).toContain(
      'alarm shop-prod-dns-flag-shop not found in us-west-2',
    );
  });

  it('says in a dry run what it would publish, and publishes nothing', async () => {
    // Act
    const event = { ...drill, detail: { ...drill.detail, dryRun: true } };
    const { result, cloud } = await run({}, event);
    const report = buildFailoverReport(recordFromReplay(result, { input: event }), plan);

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(puts(cloud)).toHaveLength(0);
    expect(report.wouldDo).toContainEqual(
      expect.stringContaining(
        'would publish FailoverOrchestrator/DnsFlags PrimaryFailedOver{Plan=shop-prod,Flag=shop} = 1',
      ),
    );
    expect(flag(result)).toMatchObject({ alarmState: 'OK', answering: 'PRIMARY' });
  });
});
