import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/kinds/dns-flag/handler.js';
import type { FlagFacts, FlagProgress } from '../../../functions/kinds/dns-flag/types.js';
import type { Assessed, KindSummary } from '../../../functions/kinds/kind-step.js';
import { EXECUTION_ID, kindHarness, type KindHarness } from '../support.js';
import { ALARM_NAME, flagPlan, NAMESPACE } from './support.js';

/**
 * The DNS flag kind's Lambda (functions/kinds/dns-flag/runtime.ts through its handler) against the
 * simulated AWS: the flag's metric and alarm in us-west-2 (the alarm evaluates at the end of each
 * 60 s period) and the Route 53 health check following it after its delay. The scenario starts at
 * 09:00:00, so a value published now is evaluated at 09:01:00.
 */

const KIND = 'dns-flag';

const puts = (harness: KindHarness) =>
  harness.cloud.calls.filter((call) => call.operation === 'PutMetricData');
const flag = (harness: KindHarness) => harness.cloud.snapshot().dnsFlags[0];

async function checkUntilDone(harness: KindHarness, first: KindSummary): Promise<KindSummary> {
  let summary = first;
  for (let looks = 0; !summary.done && looks < 100; looks++) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  return summary;
}

describe('dns-flag runtime: start and check', () => {
  it('publishes 1, waits for the alarm, then counts the health check delay before calling the flag routed', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan() });

    // Act
    const started = await harness.run('start');
    const done = await checkUntilDone(harness, started);

    // Assert
    expect(started).toMatchObject({ kind: KIND, action: 'start', done: false, total: 1, pending: 1 });
    expect(done).toMatchObject({ action: 'check', done: true, pending: 0 });
    const [progress] = (await harness.progress<FlagProgress[]>(KIND)) ?? [];
    expect(progress).toMatchObject({
      status: 'routed',
      value: 1,
      target: 'ALARM',
      alarmBefore: 'OK',
      publishes: 1,
    });
    // The alarm evaluated the period at its end (09:01:00); Route 53 follows 60 s later.
    expect(progress?.alarmAt).toBe('2026-01-01T00:01:00.000Z');
    expect(progress?.routedAt).toBe('2026-01-01T00:02:00.000Z');
    expect(done.completedAt).toBe('2026-01-01T00:02:00.000Z');
    expect(flag(harness)).toMatchObject({
      alarmState: 'ALARM',
      healthCheck: 'Unhealthy',
      answering: 'SECONDARY',
    });
    expect(puts(harness)).toHaveLength(1);
    expect(puts(harness)[0]).toMatchObject({ region: 'us-west-2' });
  });

  it('waits exactly the health check delay that remains, in one look', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan({ healthCheckDelaySeconds: 90 }) });
    await harness.run('start');
    await harness.advance(61);

    // Act
    const routing = await harness.run('check');

    // Assert
    expect(routing).toMatchObject({ done: false, waitSeconds: 89 });
    expect((await harness.progress<FlagProgress[]>(KIND))?.[0]?.status).toBe('routing');
    expect(flag(harness)).toMatchObject({ alarmState: 'ALARM', answering: 'PRIMARY' });
  });

  it('publishes the metric the alarm watches: the plan namespace, the plan and flag dimensions', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan() });

    // Act
    await harness.run('start');

    // Assert
    expect(puts(harness)[0]?.input).toMatchObject({
      Namespace: NAMESPACE,
      MetricData: [
        {
          MetricName: 'PrimaryFailedOver',
          Dimensions: [
            { Name: 'Plan', Value: 'shop-prod' },
            { Name: 'Flag', Value: 'shop' },
          ],
          Value: 1,
        },
      ],
    });
  });

  it('records when the flag was flipped once: a retried start neither publishes again nor rewrites the facts', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan() });
    await harness.run('start');
    const facts = await harness.facts<FlagFacts>(KIND, 0);
    await harness.advance(30);

    // Act
    await harness.run('start');

    // Assert
    expect(facts).toEqual({
      flippedAt: expect.stringMatching(/^2026-01-01T00:00:00\.\d{3}Z$/) as string,
      value: 1,
      alarmBefore: 'OK',
    });
    expect(await harness.facts<FlagFacts>(KIND, 0)).toEqual(facts);
    expect(puts(harness)).toHaveLength(1);
  });

  it('counts an already flipped flag as routed at once (idempotent): publishing 1 again changes nothing', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      plan: flagPlan(),
      scenario: { dnsFlags: { shop: { initialState: 'ALARM' } } },
    });

    // Act
    const started = await harness.run('start');

    // Assert
    expect(started).toMatchObject({ done: true, pending: 0 });
    expect(started.completedAt).toMatch(/^2026-01-01T00:00:00\.\d{3}Z$/);
    expect((await harness.progress<FlagProgress[]>(KIND))?.[0]).toMatchObject({
      status: 'routed',
      alarmBefore: 'ALARM',
    });
    expect(flag(harness)).toMatchObject({ alarmState: 'ALARM', answering: 'SECONDARY' });
  });

  it('publishes again only when the alarm has not followed a full period after the last publish', async () => {
    // Arrange: CloudWatch evaluates each period 100 s after it ends, so the flag needs longer.
    const harness = kindHarness(handler, {
      plan: flagPlan(),
      scenario: { dnsFlags: { shop: { evaluationLagSeconds: 100 } } },
    });

    // Act
    const done = await checkUntilDone(harness, await harness.run('start'));

    // Assert
    expect(done.done).toBe(true);
    expect(puts(harness).length).toBeGreaterThan(1);
    expect(puts(harness).length).toBeLessThanOrEqual(4);
    expect(flag(harness)).toMatchObject({ alarmState: 'ALARM', answering: 'SECONDARY' });
  });

  it('fails with DnsFlagTimeoutError, naming the alarm, when the alarm never follows within the timeout', async () => {
    // Arrange: the alarm evaluates 20 minutes late, past the flag's 300 s timeout.
    const harness = kindHarness(handler, {
      plan: flagPlan({ flipTimeoutSeconds: 300 }),
      scenario: { dnsFlags: { shop: { evaluationLagSeconds: 600 } } },
    });
    let summary = await harness.run('start');
    while (!summary.done && harness.elapsedSeconds() < 280) {
      await harness.advance(summary.waitSeconds);
      summary = await harness.run('check');
    }
    await harness.advance(60);

    // Act
    const error = await harness.fails('check');

    // Assert
    expect(error.name).toBe('DnsFlagTimeoutError');
    expect(error.message).toContain(
      `alarm ${ALARM_NAME} is still OK 300s after 1 was published in us-west-2`,
    );
    expect(flag(harness)).toMatchObject({ answering: 'PRIMARY' });
  });

  it('fails back with 0: the alarm returns to OK and Route 53 answers with the PRIMARY record again', async () => {
    // Arrange: the flag is flipped (traffic on the recovery region).
    const harness = kindHarness(handler, {
      plan: flagPlan(),
      scenario: { dnsFlags: { shop: { initialState: 'ALARM' } } },
    });
    const input = (action: string) => ({
      action,
      executionId: EXECUTION_ID,
      dryRun: false,
      direction: 'failback',
    });

    // Act
    let summary = (await harness.invoke(input('start'))) as KindSummary;
    for (let looks = 0; !summary.done && looks < 20; looks++) {
      await harness.advance(summary.waitSeconds);
      summary = (await harness.invoke(input('check'))) as KindSummary;
    }

    // Assert
    expect(summary.done).toBe(true);
    expect(puts(harness)[0]?.input).toMatchObject({ MetricData: [expect.objectContaining({ Value: 0 })] });
    expect((await harness.progress<FlagProgress[]>(KIND))?.[0]).toMatchObject({ target: 'OK', value: 0 });
    expect(flag(harness)).toMatchObject({ alarmState: 'OK', healthCheck: 'Healthy', answering: 'PRIMARY' });
  });

  it('publishes nothing in a dry run and says what it would publish', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan() });

    // Act
    const summary = await harness.run('start', { dryRun: true });

    // Assert
    expect(summary).toMatchObject({ done: true });
    expect(puts(harness)).toHaveLength(0);
    expect((await harness.progress<FlagProgress[]>(KIND))?.[0]?.message).toBe(
      `would publish ${NAMESPACE} PrimaryFailedOver{Plan=shop-prod,Flag=shop} = 1 in us-west-2; alarm ${ALARM_NAME} is OK now ` +
        '(Route 53 answers with the PRIMARY record); it would reach ALARM within 60s, then 60s for the health check',
    );
    expect(await harness.facts(KIND, 0)).toBeUndefined();
  });
});

describe('dns-flag runtime: an alarm deleted during the flip', () => {
  it('fails at the next look with DnsFlagAlarmNotFoundError instead of waiting out the timeout', async () => {
    // Arrange: the alarm answers the gate and the start, then is gone (DescribeAlarms leaves it out).
    const harness = kindHarness(handler, {
      plan: flagPlan(),
      scenario: {
        faults: [{ service: 'cloudwatch', operation: 'DescribeAlarms', from: 2, error: 'notFound' }],
      },
    });
    await harness.run('start');
    await harness.advance(15);

    // Act
    const error = await harness.fails('check');

    // Assert
    expect(error.name).toBe('DnsFlagAlarmNotFoundError');
    expect(error.message).toBe(
      `DNS flag shop: alarm ${ALARM_NAME} is no longer in us-west-2; 1 was published, Route 53 cannot follow it`,
    );
  });
});

describe('dns-flag runtime: gate and read-back', () => {
  it('passes the gate when the alarm exists and watches the flag metric', async () => {
    // Arrange
    const harness = kindHarness(handler, { plan: flagPlan() });

    // Act
    const gate = await harness.run('gate');

    // Assert
    expect(gate).toMatchObject({ action: 'gate', done: true, total: 1 });
    expect(await harness.gate(KIND)).toEqual([
      { skipped: false, message: `alarm ${ALARM_NAME} is OK in us-west-2` },
    ]);
  });

  it('refuses at the gate, changing nothing, when the alarm is missing', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      plan: flagPlan(),
      scenario: { dnsFlags: { shop: { missing: true } } },
    });

    // Act
    const error = await harness.fails('gate');

    // Assert
    expect(error.name).toBe('PreflightFailedError');
    expect(error.message).toContain(`alarm ${ALARM_NAME} not found in us-west-2`);
    expect(harness.cloud.mutatingCalls()).toHaveLength(0);
  });

  it('reads back a flipped flag as done and an unflipped one as not', async () => {
    // Arrange
    const flipped = kindHarness(handler, {
      plan: flagPlan(),
      scenario: { dnsFlags: { shop: { initialState: 'ALARM' } } },
    });

    // Act
    await flipped.run('read-back');
    const assessed = await flipped.assessment<Assessed[]>(KIND);

    // Assert
    expect(assessed).toEqual([
      {
        label: 'shop.example.com',
        done: true,
        detail: expect.stringContaining(`alarm ${ALARM_NAME} is ALARM since`) as string,
      },
    ]);
    expect(assessed?.[0]?.detail).toContain('Route 53 answers with the SECONDARY (recovery) record');
  });
});
