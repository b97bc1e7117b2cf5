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

  it('has a Mermaid gantt that Mermaid parses, one task per timeline row', async () => {
    const [block, ...others] = mermaidBlocks(markdown);

    const gantt = await parseGantt(block ?? '');

    expect(others).toEqual([]);
    expect(gantt.diagramType).toBe('gantt');
    expect(gantt.tasks).toHaveLength(result.timeline.length);
  });

  it('draws every step for as long as the replay says it took, at its offset from the start', async () => {
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');
    const byId = new Map(gantt.tasks.map((task) => [task.id, task]));
    const origin = Math.min(...gantt.tasks.map((task) => task.startMs));

    result.timeline.forEach((row, i) => {
      const task = byId.get(`s${i + 1}`);
      expect(task, `${row.state} ${row.item ?? ''}`).toBeDefined();
      expect((task?.endMs ?? 0) - (task?.startMs ?? 0)).toBe(Math.round(rowSeconds(row) * 1000));
      expect((task?.startMs ?? 0) - origin).toBe(Math.round(row.start * 1000));
      expect(task?.name).toContain(row.state.replace(/[:;#]/g, ' ').trim());
    });
  });

  it('reports the RTO the replay measured, against the plan objective', () => {
    expect(report.rto.achievedSeconds).toBe(result.rtoSeconds);
    expect(report.rto.objectiveSeconds).toBe(plan.objectives.rtoSeconds);
    expect(report.rto.met).toBe(true);
    expect(markdown).toContain(
      `| RTO achieved | ${result.rtoSeconds} s (trigger → last resource failed over) against objective 900 s: met |`,
    );
  });

  it('ends the RTO when the last resource of the recover and route phases was done', () => {
    const state = recordFromReplay(result).state;
    const last = [...(state?.recover ?? []), ...(state?.route ?? [])]
      .map((summary) => summary.completedAt ?? '')
      .sort()
      .at(-1);

    expect(report.rto.to).toBe(last);
    expect(report.rto.from).toBe(state?.trigger?.triggeredAt);
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

  it('groups the gantt into the workflow and a section per resource kind', async () => {
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');

    const sectionOf = (name: string) => gantt.tasks.find((task) => task.name.startsWith(name))?.section;
    expect(sectionOf('Acquire Lock')).toBe('Workflow');
    expect(sectionOf('Recover')).toBe('Workflow');
    expect(sectionOf('Check Promotions')).toBe('RDS read replicas');
    expect(sectionOf('Check Group Capacities')).toBe('Auto Scaling groups');
    expect(sectionOf('Repoint Parameters')).toBe('SSM parameters');
  });

  it('groups a polling loop into one row with its run count', () => {
    const polls = result.timeline.find((row) => row.state === 'Check Promotions');

    expect(polls?.runs).toBeGreaterThan(10);
    expect(markdown).toMatch(new RegExp(`Wait For Promotions x${polls?.runs} :done`));
  });

  it('writes the Markdown and a JSON sibling holding the same facts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-report-'));

    const written = await writeReport(report, dir);

    expect(written.markdownPath).toBe(join(dir, `${result.executionName}.md`));
    expect(readFileSync(written.markdownPath, 'utf8')).toBe(markdown);
    const facts = JSON.parse(readFileSync(written.jsonPath, 'utf8')) as FailoverReport;
    expect(facts).toEqual(JSON.parse(JSON.stringify(report)));
    expect(facts.steps.map((step) => step.durationSeconds)).toEqual(result.timeline.map(rowSeconds));
  });
});

describe('the report of a failed replay', () => {
  it('marks the failed and caught steps crit, and measures no RTO', async () => {
    const result = await replayOf('lag-too-high');
    const report = buildFailoverReport(recordFromReplay(result), plan);

    const gantt = await parseGantt(mermaidBlocks(renderMarkdown(report))[0] ?? '');

    const crit = gantt.tasks.filter((task) => task.crit).map((task) => task.name);
    expect(crit).toEqual(expect.arrayContaining(['Check Replica Lag x7', 'Failover Failed']));
    expect(gantt.tasks.filter((task) => task.done)).toHaveLength(result.timeline.length - crit.length);
    expect(report.outcome).toBe('failed');
    expect(report.error?.error).toBe('ReplicaLagExceededError');
    expect(report.rto.achievedSeconds).toBeNull();
    expect(renderMarkdown(report)).toContain('against objective 900 s: not measured');
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
    const { cloud: _cloud, ...saved } = result;

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
