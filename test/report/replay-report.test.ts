import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowState } from '../../functions/common/workflow-state.js';
import { loadPlanFile, readJsonFile } from '../../engine/files.js';
import { replay, type ReplayResult } from '../../engine/runner.js';
import { loadScenario } from '../../engine/sim/index.js';
import {
  buildFailoverReport,
  recordFromReplay,
  renderMarkdown,
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
      `| RTO achieved | ${result.rtoSeconds} s (trigger → last parameter repointed) against objective 900 s: met |`,
    );
  });

  it('estimates the RPO as the replica lag the gate accepted', () => {
    const lags = (result.output as WorkflowState).lagGate?.databases.map((db) => db.lagSeconds);

    expect(lags).toEqual([1]);
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
      expect(cells[5]).toBe(`${row === undefined ? NaN : rowSeconds(row)} s`);
      expect(cells[6]).toBe(row?.outcome);
    });
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
