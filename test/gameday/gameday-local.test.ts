import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillEvent, gamedayExecutionName } from '../../cli/gameday-command.js';
import { runLocalDrill } from '../../cli/local-drill.js';
import { createSimulatedCloud, MUTATING_OPERATIONS } from '../../engine/sim/index.js';
import type { FailoverReport } from '../../engine/report/index.js';
import { EXAMPLE_PLAN_FILE, examplePlan } from '../fixtures/plans.js';
import { NOW, runCli } from './support/cli.js';

const plan = examplePlan();
const reportDir = () => mkdtempSync(join(tmpdir(), 'failover-gameday-'));

/** The parts of the simulated cloud a failover changes. */
const resources = (snapshot: ReturnType<ReturnType<typeof createSimulatedCloud>['snapshot']>) => ({
  databases: snapshot.databases,
  groups: snapshot.groups,
  parameters: snapshot.parameters,
});

describe('failover gameday --local --dry-run', () => {
  it('completes, prints progress step by step and writes the Markdown and JSON report', async () => {
    const dir = reportDir();

    const { code, out, err } = await runCli([
      'gameday',
      '--local',
      '--dry-run',
      '--plan',
      EXAMPLE_PLAN_FILE,
      '--report-dir',
      dir,
    ]);

    const name = gamedayExecutionName(plan, NOW, true);
    expect(code).toBe(0);
    expect(name).toBe('gameday-shop-prod-20261124T090000Z-dry-run');
    expect(out).toContain(
      `Game day ${name}: dry-run drill of plan shop-prod on the simulated AWS (local engine)`,
    );
    expect(out).toMatch(/\+00:00\.\d {2}✓ Validate Trigger/);
    expect(out).toMatch(/✓ Promote Replicas/);
    expect(out).toMatch(/✓ Repoint Parameters/);
    expect(out).toContain(
      'Would do (dry run: nothing was changed):\n  replica shop-db-replica: dry run: would call PromoteReadReplica on shop-db-replica',
    );
    expect(out).toContain('  parameter /shop/active-region: would repoint us-east-1 -> us-west-2');
    expect(out).toContain('RTO: not measured (a dry run changes nothing: there is no RTO to measure)');
    expect(out).toContain('AWS calls: ');
    expect(out).toContain(' (0 mutating)');
    expect(out).toContain(
      `Report: ${join(dir, `${name}.html`)} (Markdown: ${join(dir, `${name}.md`)}, facts: ${join(dir, `${name}.json`)})`,
    );
    expect(err).toBe('failover succeeded (dry run)');
    const markdown = readFileSync(join(dir, `${name}.md`), 'utf8');
    expect(markdown).toContain('| Outcome | succeeded (dry run: nothing was changed) |');
    expect(markdown).toContain('```mermaid\ngantt');
    expect(markdown).toContain('## What the dry run would have done');
    expect(markdown).toContain('- parameter /shop/active-region: would repoint us-east-1 -> us-west-2');
    expect(markdown).toContain('No RTO: a dry run changes nothing: there is no RTO to measure.');
    const html = readFileSync(join(dir, `${name}.html`), 'utf8');
    expect(html).toContain('<h2 id="would-do">What the dry run would have done</h2>');
    expect(html).toContain('<li>parameter /shop/active-region: would repoint us-east-1 -&gt; us-west-2</li>');
    const facts = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as FailoverReport;
    expect(facts).toMatchObject({
      outcome: 'succeeded',
      dryRun: true,
      source: 'local',
      local: { mutatingCalls: 0 },
    });
    expect(facts.trigger).toMatchObject({
      kind: 'drill',
      requestedBy: 'sre-oncall',
      reason: 'game day (dry run)',
    });
  });

  it('mutates nothing in the simulated cloud: no mutating call, the same resources as before', async () => {
    const event = drillEvent(plan, { requestedBy: 'sre-oncall', dryRun: true, time: NOW });
    const before = resources(createSimulatedCloud(plan).snapshot());

    const { result, cloud } = await runLocalDrill(plan, event);

    expect(result.outcome).toBe('succeeded');
    expect(cloud.mutatingCalls()).toEqual([]);
    expect(cloud.calls.filter((call) => MUTATING_OPERATIONS.has(call.operation))).toEqual([]);
    expect(cloud.calls.length).toBeGreaterThan(0);
    expect(resources(cloud.snapshot())).toEqual(before);
    expect(result.cloud.databases.find((db) => db.id === 'shop-db-replica')).toMatchObject({
      isReplica: true,
    });
  });

  it('does change the simulated cloud when the drill is not a dry run (the assertion above can fail)', async () => {
    const event = drillEvent(plan, { requestedBy: 'sre-oncall', dryRun: false, time: NOW });
    const before = resources(createSimulatedCloud(plan).snapshot());

    const { result, cloud } = await runLocalDrill(plan, event);

    expect(result.outcome).toBe('succeeded');
    expect(cloud.mutatingCalls().map((call) => call.operation)).toEqual(
      expect.arrayContaining(['PromoteReadReplica', 'UpdateAutoScalingGroup', 'PutParameter']),
    );
    expect(resources(cloud.snapshot())).not.toEqual(before);
  });
});

describe('failover gameday --local', () => {
  it('runs a live drill on the simulated AWS without asking for the plan name', async () => {
    const dir = reportDir();

    const { code, out } = await runCli([
      'gameday',
      '--local',
      '--plan',
      EXAMPLE_PLAN_FILE,
      '--report-dir',
      dir,
      '--reason',
      'Q4 rehearsal',
    ]);

    expect(code).toBe(0);
    expect(out).toMatch(/Wait For Promotions x\d+/);
    expect(out).toMatch(/RTO achieved: \d+(\.\d)?s against objective 900s \(met\)/);
    expect(out).toContain('replica shop-db-replica: promoted: shop-db-replica is standalone and available');
    const facts = JSON.parse(
      readFileSync(join(dir, `${gamedayExecutionName(plan, NOW, false)}.json`), 'utf8'),
    ) as FailoverReport;
    expect(facts.trigger?.reason).toBe('Q4 rehearsal');
    expect(facts.local?.mutatingCalls).toBeGreaterThan(0);
  });

  it('exits 1 and reports the failure when a scenario breaks the failover', async () => {
    const dir = reportDir();

    const { code, err } = await runCli([
      'gameday',
      '--local',
      '--plan',
      EXAMPLE_PLAN_FILE,
      '--scenario',
      'events/scenarios/lag-too-high.json',
      '--report-dir',
      dir,
    ]);

    expect(code).toBe(1);
    expect(err).toMatch(/^failover failed: ReplicaLagExceededError: shop-db-replica lag 240s is above 30s/);
  });

  it.each([
    ['no plan', ['gameday', '--local'], /^bad input: gameday needs --plan <file>$/],
    [
      'a scenario on a live run',
      ['gameday', '--plan', EXAMPLE_PLAN_FILE, '--scenario', 'x.json'],
      /use it with --local/,
    ],
    [
      'a state machine on a local run',
      ['gameday', '--local', '--plan', EXAMPLE_PLAN_FILE, '--region', 'us-west-2'],
      /are for live game days/,
    ],
    [
      'a positional argument',
      ['gameday', 'now', '--plan', EXAMPLE_PLAN_FILE],
      /takes no positional arguments/,
    ],
    ['an unknown option', ['gameday', '--plan', EXAMPLE_PLAN_FILE, '--force'], /Unknown option '--force'/],
    [
      'a missing plan file',
      ['gameday', '--local', '--plan', 'nope.yaml'],
      /^bad input: cannot read plan nope\.yaml: no such file$/,
    ],
    [
      'a scenario naming a group the plan does not have',
      [
        'gameday',
        '--local',
        '--plan',
        EXAMPLE_PLAN_FILE,
        '--scenario',
        'test/gameday/fixtures/unknown-group.scenario.json',
      ],
      /^bad input: scenario is invalid \(1 problem\): - groups\.nope: the plan has no scaling group "nope"/,
    ],
  ])('exits 2 with a one-line reason for %s', async (_what, argv, reason) => {
    const { code, err } = await runCli(argv);

    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(reason);
  });
});
