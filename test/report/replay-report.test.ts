import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile, readJsonFile } from '../../engine/files.js';
import { replay, type ReplayResult } from '../../engine/runner.js';
import { loadScenario } from '../../engine/sim/index.js';
import {
  buildFailoverReport,
  recordFromReplay,
  renderMarkdown,
  runRecordFromTables,
  writeReport,
  type FailoverReport,
} from '../../engine/report/index.js';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { mermaidBlocks, parseGantt } from './support/mermaid-gantt.js';

const plan = await loadPlanFile(EXAMPLE_PLAN_FILE);

async function replayOf(scenario?: string): Promise<ReplayResult> {
  return replay({
    plan,
    event: await readJsonFile('events/route53-health-alarm.json', 'event'),
    scenario: scenario === undefined ? undefined : await loadScenario(`events/scenarios/${scenario}.json`),
  });
}

/** What the replay's own timeline says a row took, in seconds (tenths, as the timeline keeps them). */
const rowSeconds = (row: ReplayResult['timeline'][number]): number =>
  Math.round((row.end - row.start) * 10) / 10;

describe('the report of a succeeded replay', () => {
  let result: ReplayResult;
  let report: FailoverReport;
  let markdown: string;

  beforeAll(async () => {
    result = await replayOf();
    report = buildFailoverReport(recordFromReplay(result), plan);
    markdown = renderMarkdown(report);
  });

  it('has a Mermaid gantt that Mermaid parses: one task per phase, no Choice or Pass state of its own', async () => {
    const [block, ...others] = mermaidBlocks(markdown);

    const gantt = await parseGantt(block ?? '');

    expect(others).toEqual([]);
    expect(gantt.diagramType).toBe('gantt');
    const phases = gantt.tasks.filter((task) => task.section === 'Phases');
    expect(phases.map((task) => task.name)).toEqual(report.timeline.map((phase) => phase.title));
    expect(report.timeline.map((phase) => phase.id)).toEqual([
      'detect',
      'decide',
      'confirm',
      'start',
      'gate',
      'recover',
      'route',
      'notify',
    ]);
    const choices = ['Lock Acquired?', 'Needs Confirmation?', 'Outage Confirmed?', 'All Replicas Promoted?'];
    expect(gantt.tasks.filter((task) => choices.some((name) => task.name.startsWith(name)))).toEqual([]);
  });

  it('draws every phase for as long as it took, spanning every state of the replay it folds in', async () => {
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');
    const origin = Date.parse(result.startedAt);

    for (const [i, phase] of report.timeline.entries()) {
      const task = gantt.tasks.find((candidate) => candidate.id === `p${i + 1}`);
      expect((task?.endMs ?? 0) - (task?.startMs ?? 0)).toBe(Math.round(phase.durationSeconds * 1000));
    }
    for (const row of result.timeline) {
      const phase = report.timeline.find((candidate) =>
        candidate.states.some((state) => state.state === row.state),
      );
      expect(phase, row.state).toBeDefined();
      expect(origin + Math.round(row.start * 1000)).toBeGreaterThanOrEqual(
        Date.parse(phase?.startedAt ?? ''),
      );
      expect(origin + Math.round(row.end * 1000)).toBeLessThanOrEqual(Date.parse(phase?.endedAt ?? ''));
    }
  });

  it("reports the RTO from the outage: the replay's RTO from the alarm plus the 180 s the alarm took to fire", () => {
    expect(report.detection).toMatchObject({
      source: 'reason-datapoints',
      outageStartedAt: '2026-11-24T08:57:00.000Z',
      seconds: 180,
    });
    expect(report.rto.basis).toBe('outage');
    expect(report.rto.achievedSeconds).toBeCloseTo((result.rtoSeconds ?? NaN) + 180, 5);
    expect(report.rto.objectiveSeconds).toBe(plan.objectives.rtoSeconds);
    expect(report.rto.met).toBe(true);
    expect(markdown).toContain(
      `| RTO achieved | ${report.rto.achievedSeconds} s (outage → last resource failed over) against objective 900 s: met |`,
    );
  });

  it('ends the RTO when the last resource of the recover and route phases was done, and starts it at the outage', () => {
    const state = recordFromReplay(result).state;
    const last = [...(state?.recover ?? []), ...(state?.route ?? [])]
      .map((summary) => summary.completedAt ?? '')
      .sort()
      .at(-1);

    expect(report.rto.to).toBe(last);
    expect(report.rto.from).toBe(state?.trigger?.outageStartedAt);
    expect(report.rto.parts?.map((part) => part.part)).toEqual([
      'detection',
      'decision',
      'aws-work',
      'routing',
    ]);
    expect(report.rto.parts?.[0]?.seconds).toBe(180);
  });

  it('estimates the RPO as the replica lag the gate accepted, from the rds-replica gate record', () => {
    const record = runRecordFromTables(result.cloud.tables, result.executionName);
    const looks = record?.kinds.find((kind) => kind.kind === 'rds-replica')?.gate as
      readonly { lagSeconds: number }[] | undefined;

    expect(looks?.map((look) => look.lagSeconds)).toEqual([1]);
    expect(report.rpo.databases.map((db) => db.replica)).toEqual(['shop-db-replica']);
    expect(report.rpo.estimateSeconds).toBe(1);
    expect(report.rpo.met).toBe(true);
    expect(markdown).toContain(
      '| RPO estimate | 1 s (highest replica lag at promotion) against objective 60 s: met |',
    );
  });

  it('lists every step in the table with the duration of its timeline row', () => {
    const rows = markdown.split('\n').filter((line) => /^\| \d+ \| /.test(line));

    expect(rows).toHaveLength(result.timeline.length);
    rows.forEach((line, i) => {
      const row = result.timeline[i];
      const cells = line.split(' | ');
      expect(cells[1]).toBe(row?.state);
      expect(cells[4]).toBe(`${row === undefined ? NaN : rowSeconds(row)} s`);
      expect(cells[5]).toBe(row?.outcome);
    });
  });

  it('says what each resource did, from the failover record', () => {
    expect(report.resources?.map((resource) => [resource.noun, resource.label, resource.status])).toEqual([
      ['replica', 'shop-db-replica', 'promoted'],
      ['group', 'shop-app-usw2', 'ready'],
      ['parameter', '/shop/db/host', 'repointed'],
      ['parameter', '/shop/db/port', 'already'],
      ['parameter', '/shop/active-region', 'repointed'],
    ]);
    expect(markdown).toContain(
      '| replica | shop-db-replica | promoted | shop-db-replica is standalone and available |',
    );
    expect(markdown).toContain('| group | shop-app-usw2 | ready | shop-app-usw2 has 6/6 InService |');
    expect(markdown).toContain(
      '| parameter | /shop/active-region | repointed | repointed us-east-1 -> us-west-2 |',
    );
  });

  it('groups the gantt into the phases and, per phase, a row per kind and per resource', async () => {
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');

    const sectionsOf = (name: string) =>
      gantt.tasks.filter((task) => task.name === name).map((task) => task.section);
    expect(sectionsOf('RDS read replicas')).toEqual(['Gate (read-only checks)', 'Recover']);
    expect(sectionsOf('shop-db-replica')).toEqual(['Recover']);
    expect(sectionsOf('shop-app-usw2')).toEqual(['Recover']);
    expect(sectionsOf('SSM parameters')).toContain('Route');
    expect(sectionsOf('/shop/active-region')).toEqual(['Route']);
  });

  it('draws each resource from its own start to its own end, as the failover record keeps them', async () => {
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');
    const record = runRecordFromTables(result.cloud.tables, result.executionName);
    const promotion = record?.kinds.find((kind) => kind.kind === 'rds-replica')?.progress?.[0] as
      { startedAt: string; promotedAt: string } | undefined;

    const task = gantt.tasks.find((candidate) => candidate.name === 'shop-db-replica');
    const phases = gantt.tasks.find((candidate) => candidate.id === 'p1');

    // Mermaid reads the times in the viewer's zone: compare durations and offsets, not instants.
    expect((task?.endMs ?? 0) - (task?.startMs ?? 0)).toBe(
      Date.parse(promotion?.promotedAt ?? '') - Date.parse(promotion?.startedAt ?? ''),
    );
    expect((task?.startMs ?? 0) - (phases?.startMs ?? 0)).toBe(
      Date.parse(promotion?.startedAt ?? '') - Date.parse(report.timeline[0]?.startedAt ?? ''),
    );
  });

  it('folds a polling loop into its phase, with its run count', () => {
    const polls = result.timeline.find((row) => row.state === 'Wait For Promotions');
    const recover = report.timeline.find((phase) => phase.id === 'recover');

    expect(polls?.runs).toBeGreaterThan(10);
    expect(recover?.states).toContainEqual({ state: 'Wait For Promotions', runs: polls?.runs });
    expect(markdown).toContain(`Wait For Promotions x${polls?.runs}`);
  });

  it('writes the Markdown and a JSON sibling holding the same facts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-report-'));

    const written = await writeReport(report, dir);

    expect(written.markdownPath).toBe(join(dir, `${result.executionName}.md`));
    expect(written.htmlPath).toBe(join(dir, `${result.executionName}.html`));
    expect(readFileSync(written.markdownPath, 'utf8')).toBe(markdown);
    expect(readFileSync(written.htmlPath, 'utf8')).toContain('<h2 id="rto">RTO from the outage</h2>');
    const facts = JSON.parse(readFileSync(written.jsonPath, 'utf8')) as FailoverReport;
    expect(facts).toEqual(JSON.parse(JSON.stringify(report)));
    expect(facts.steps.map((step) => step.durationSeconds)).toEqual(result.timeline.map(rowSeconds));
  });
});

describe('the report of a failed replay', () => {
  it('marks the failed phase crit, names the trigger and plan, says the gate ran, and measures no RTO', async () => {
    const event = await readJsonFile('events/route53-health-alarm.json', 'event');
    const result = await replayOf('lag-too-high');
    const report = buildFailoverReport(recordFromReplay(result, { input: event }), plan);
    const rendered = renderMarkdown(report);

    const gantt = await parseGantt(mermaidBlocks(rendered)[0] ?? '');

    const crit = gantt.tasks
      .filter((task) => task.crit && task.section === 'Phases')
      .map((task) => task.name);
    expect(crit).toEqual(['Gate (read-only checks)', 'Notify and release']);
    expect(report.outcome).toBe('failed');
    expect(report.error?.error).toBe('ReplicaLagExceededError');
    expect(report.rto.achievedSeconds).toBeNull();
    expect(rendered).toContain('against objective 900 s: not measured (not reached: the run ended failed');
    // The failed run keeps no state: the trigger comes from the execution's input.
    expect(report.trigger).toMatchObject({ kind: 'alarm', alarmName: 'shop-primary-health' });
    expect(rendered).toContain('| Plan | shop-prod (us-east-1 → us-west-2) |');
    expect(rendered).toContain('| Trigger | alarm shop-primary-health at 2026-11-24T09:00:00.000Z');
    expect(report.gateRan).toBe(true);
    expect(rendered).toContain('The gate ran (read-only checks before any change).');
  });

  it('says the gate did not run when the run ended before it', async () => {
    const result = await replayOf('alarm-recovers-during-confirm');

    const report = buildFailoverReport(recordFromReplay(result), plan);

    expect(report.gateRan).toBe(false);
    expect(renderMarkdown(report)).toContain('The run did not reach the replica lag gate: no lag was read.');
  });

  it('says what the read-back found for each resource after a failure, and that nothing was promoted', async () => {
    const result = await replayOf('promotion-fails');

    const report = buildFailoverReport(recordFromReplay(result), plan);

    expect(report.resources?.map((resource) => [resource.label, resource.status, resource.detail])).toEqual([
      ['shop-db-replica', 'not-done', 'still a read replica (failed)'],
      ['shop-app-usw2', 'done', 'desired 6 (plan 6), 6 InService'],
      ['/shop/db/host', 'not-done', expect.stringMatching(/^not repointed: holds shop-db\./)],
      ['/shop/db/port', 'not-done', 'not repointed: holds 5432'],
      ['/shop/active-region', 'not-done', 'not repointed: holds us-east-1'],
    ]);
    expect(renderMarkdown(report)).toContain(
      '| replica | shop-db-replica | not-done | still a read replica (failed) |',
    );
  });

  it('reads a saved result without its cloud without inventing what the resources did', async () => {
    const result = await replayOf();
    const saved = Object.fromEntries(Object.entries(result).filter(([key]) => key !== 'cloud'));

    const report = buildFailoverReport(recordFromReplay(saved as unknown as ReplayResult), plan);

    expect(report.resources).toBeNull();
    expect(report.phases.map((phase) => [phase.phase, phase.kind, phase.done])).toEqual([
      ['gate', 'rds-replica', true],
      ['gate', 'auto-scaling-group', true],
      ['gate', 'ssm-parameter', true],
      ['recover', 'rds-replica', true],
      ['recover', 'auto-scaling-group', true],
      ['route', 'ssm-parameter', true],
    ]);
    expect(report.rpo.estimateSeconds).toBe(1);
    expect(renderMarkdown(report)).toContain('| recover | auto-scaling-group | yes | 0 of 1 |');
  });

  it('takes the objectives from the plan it was run with when the failed run left no state', async () => {
    const result = await replayOf('alarm-recovers-during-confirm');

    const report = buildFailoverReport(recordFromReplay(result), plan);

    expect(result.output).toBeNull();
    expect(report.outcome).toBe('aborted');
    expect(report.plan?.name).toBe('shop-prod');
    expect(report.rto.objectiveSeconds).toBe(900);
    expect(report.rpo).toMatchObject({
      estimateSeconds: null,
      objectiveSeconds: 60,
      met: null,
      databases: [],
    });
  });
});
