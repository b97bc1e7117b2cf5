import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../../engine/files.js';
import { buildFailoverReport, recordFromReplay, renderMarkdown } from '../../engine/report/index.js';
import { replay } from '../../engine/runner.js';
import { loadScenario } from '../../engine/sim/index.js';
import { examplePlan } from '../fixtures/plans.js';
import { mermaidBlocks, parseGantt } from './support/mermaid-gantt.js';

/** The report of a replay of a plan with `prewarm: true`: the prewarm, and its undo, are phases of their own. */

const plan = examplePlan((document) => Object.assign(document, { prewarm: true }));

async function reportOf(scenario?: string) {
  const result = await replay({
    plan,
    event: await readJsonFile('events/route53-health-alarm.json', 'event'),
    scenario: scenario === undefined ? undefined : await loadScenario(`events/scenarios/${scenario}.json`),
  });
  const report = buildFailoverReport(recordFromReplay(result), plan);
  return { result, report, markdown: renderMarkdown(report) };
}

describe('the report of a replay with prewarm', () => {
  it('shows the prewarm as a phase before the confirm window, with a row per group it raised', async () => {
    // Act
    const { report, markdown } = await reportOf();

    // Assert
    const ids = report.timeline.map((phase) => phase.id);
    expect(ids.indexOf('prewarm')).toBeGreaterThan(ids.indexOf('decide'));
    expect(ids.indexOf('prewarm')).toBeLessThan(ids.indexOf('confirm'));
    const prewarm = report.timeline.find((phase) => phase.id === 'prewarm');
    expect(prewarm?.title).toBe('Prewarm (reversible changes started early)');
    expect(prewarm?.rows).toEqual([
      expect.objectContaining({ level: 'kind', kind: 'auto-scaling-group', outcome: 'succeeded' }),
      expect.objectContaining({
        level: 'resource',
        title: 'shop-app-usw2',
        outcome: 'succeeded',
        detail: 'raised to min 3 desired 6 max 12 (from min 1 desired 1 max 12)',
      }),
    ]);
    const gantt = await parseGantt(mermaidBlocks(markdown)[0] ?? '');
    expect(gantt.tasks.filter((task) => task.name === 'shop-app-usw2').map((task) => task.section)).toEqual([
      'Prewarm (reversible changes started early)',
      'Recover',
    ]);
  });

  it('shows the undo as a phase before the notice when the alarm recovers', async () => {
    // Act
    const { report } = await reportOf('alarm-recovers-during-confirm');

    // Assert
    const ids = report.timeline.map((phase) => phase.id);
    expect(ids).toEqual(expect.arrayContaining(['prewarm', 'confirm', 'undo-prewarm', 'notify']));
    expect(ids.indexOf('undo-prewarm')).toBeLessThan(ids.indexOf('notify'));
    const undo = report.timeline.find((phase) => phase.id === 'undo-prewarm');
    expect(undo?.rows).toEqual([
      expect.objectContaining({ kind: 'auto-scaling-group', outcome: 'succeeded' }),
    ]);
    const prewarm = report.timeline.find((phase) => phase.id === 'prewarm');
    expect(prewarm?.rows.at(-1)?.detail).toBe(
      'raised to min 3 desired 6 max 12, then scaled back to min 1 desired 1 max 12',
    );
  });
});
