import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeProgress } from '../../../functions/common/failover-record.js';
import type { PlanInput } from '../../../functions/common/plan.js';
import { handler as postgres } from '../../../functions/kinds/postgres-replica/handler.js';
import { handler as proxies } from '../../../functions/kinds/proxy-switch/handler.js';
import type {
  CommandFacts,
  CommandGateLook,
  CommandProgress,
} from '../../../functions/kinds/run-command-runtime.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { settle } from '../../sim/support.js';
import { EXECUTION_ID, kindHarness, type KindHarness, type KindLambda } from '../support.js';

/**
 * The runtime the Run Command kinds share (functions/kinds/run-command-runtime.ts), through the
 * postgres-replica and proxy-switch handlers against the simulated AWS and its server models,
 * with the Linode example plan.
 */

const PG_NODE = 'mi-0a1b2c3d4e5f60002';
const plan = (change: (document: Record<string, unknown>) => void = () => undefined): PlanInput => {
  const document = parseYaml(readFileSync('examples/linode-stack.plan.yaml', 'utf8')) as Record<
    string,
    unknown
  >;
  change(document);
  return document as PlanInput;
};
const harnessOf = (handler: KindLambda, scenario: Scenario = {}, planInput = plan()) =>
  kindHarness(handler, { plan: planInput, scenario });
const commands = (harness: KindHarness) =>
  harness.cloud.snapshot().postgresReplicas.commands.map((c) => c.document);

/** Runs start, then check until done (each look after the wait the summary asks for). */
async function failOver(harness: KindHarness): Promise<void> {
  let summary = await harness.run('start');
  for (let looks = 0; !summary.done && looks < 20; looks += 1) {
    await harness.advance(summary.waitSeconds);
    summary = await harness.run('check');
  }
  expect(summary.done).toBe(true);
}

describe('a Run Command kind: start and check', () => {
  it('sends the change once, keeps its CommandId as write-once facts, then checks until writable', async () => {
    const harness = harnessOf(postgres);

    await failOver(harness);
    const facts = await harness.facts<CommandFacts>('postgres-replica', 0);
    const progress = await harness.progress<CommandProgress[]>('postgres-replica');

    expect(commands(harness).filter((document) => document === 'promote')).toHaveLength(1);
    expect(facts).toMatchObject({ node: PG_NODE, document: 'promote' });
    expect(progress?.[0]).toMatchObject({ status: 'done', startFacts: { promoted: true, timeline: 2 } });
    expect(progress?.[0]?.checkFacts).toMatchObject({ writable: true });
    expect(harness.cloud.snapshot().postgresReplicas.servers.main).toMatchObject({
      inRecovery: false,
      timeline: 2,
    });
  });

  it('keeps the first CommandId when a start is retried after its progress was lost (the document is idempotent)', async () => {
    const harness = harnessOf(postgres);
    await harness.run('start');
    const first = await harness.facts<CommandFacts>('postgres-replica', 0);
    // The first start's SendCommand went through, but its progress never reached the record.
    await settle(
      harness.clock,
      writeProgress({ planName: 'linode-stack', executionId: EXECUTION_ID }, 'postgres-replica', [
        { status: 'not-started', message: '' },
      ]),
    );

    await harness.run('start');
    const progress = await harness.progress<CommandProgress[]>('postgres-replica');

    expect(commands(harness).filter((document) => document === 'promote')).toHaveLength(2);
    expect(await harness.facts<CommandFacts>('postgres-replica', 0)).toEqual(first);
    expect(progress?.[0]).toMatchObject({ status: 'starting', commandId: first?.commandId });
    await failOver(harness);
    expect(harness.cloud.snapshot().postgresReplicas.servers.main).toMatchObject({ timeline: 2 });
  });

  it('changes nothing in a dry run: no change document is sent', async () => {
    const harness = harnessOf(postgres);

    const summary = await harness.run('start', { dryRun: true });
    const progress = await harness.progress<CommandProgress[]>('postgres-replica');

    expect(summary.done).toBe(true);
    expect(progress?.[0]?.message).toBe(`dry run: would send promote to ${PG_NODE}`);
    expect(commands(harness)).toEqual([]);
    expect(harness.cloud.snapshot().postgresReplicas.servers.main).toMatchObject({
      inRecovery: true,
      timeline: 1,
    });
  });
});

describe('a Run Command kind: the gate', () => {
  it('waits for the lag, then proceeds over the threshold when the plan says onLagExceeded: promote', async () => {
    const harness = harnessOf(
      postgres,
      { nodes: { [PG_NODE]: { lagSeconds: 45 } } },
      plan((document) => {
        (document.postgresReplicas as Record<string, unknown>[])[0] = {
          ...(document.postgresReplicas as Record<string, unknown>[])[0],
          onLagExceeded: 'promote',
          lagWaitSeconds: 20,
        };
      }),
    );

    let summary = await harness.run('gate');
    for (let looks = 0; !summary.done && looks < 20; looks += 1) {
      await harness.advance(summary.waitSeconds);
      summary = await harness.run('gate');
    }
    const looks = await harness.gate<CommandGateLook[]>('postgres-replica');

    expect(summary).toMatchObject({ done: true, maxLagSeconds: 45 });
    expect(summary.message).toContain('1 over the lag threshold (onLagExceeded: promote)');
    expect(looks?.[0]).toMatchObject({ decision: 'proceed', overThreshold: true, lagSeconds: 45 });
  });

  it('skips an optional proxy whose node is offline, and the switch leaves it alone', async () => {
    const offline = 'mi-0a1b2c3d4e5f60006';
    const harness = harnessOf(
      proxies,
      { nodes: { [offline]: { offline: true } } },
      plan((document) => {
        const items = document.proxySwitches as Record<string, unknown>[];
        items[1] = { ...items[1], optional: true };
      }),
    );

    let summary = await harness.run('gate');
    for (let looks = 0; !summary.done && looks < 10; looks += 1) {
      await harness.advance(summary.waitSeconds);
      summary = await harness.run('gate');
    }
    await failOver(harness);
    const snapshot = harness.cloud.snapshot().proxySwitches;

    expect(summary.message).toContain('1 optional skipped');
    expect(snapshot.proxies).toMatchObject({
      app: { active: 'recovery' },
      edge: { active: 'primary', switches: 0 },
    });
    expect(snapshot.commands.filter((command) => command.node === offline)).toEqual([]);
  });

  it('stops with NodeOfflineError, sending nothing, when a required node is offline', async () => {
    const harness = harnessOf(postgres, { nodes: { [PG_NODE]: { offline: true } } });

    const error = await harness.fails('gate');

    expect(error.name).toBe('NodeOfflineError');
    expect(error.message).toBe(
      `main on ${PG_NODE}: node ${PG_NODE} is ConnectionLost in SSM, not Online: commands cannot reach it`,
    );
    expect(commands(harness)).toEqual([]);
  });
});
