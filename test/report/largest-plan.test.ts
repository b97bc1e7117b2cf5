import { describe, expect, it } from 'vitest';
import { largestPlan } from '../../bench/extreme-plans.js';
import { parsePlan } from '../../functions/common/plan.js';
import { readJsonFile } from '../../engine/files.js';
import { replay } from '../../engine/runner.js';
import {
  buildFailoverReport,
  recordFromReplay,
  renderHtml,
  renderMarkdown,
} from '../../engine/report/index.js';
import { examplePlanDocument } from '../fixtures/plans.js';
import { mermaidBlocks, parseGantt } from './support/mermaid-gantt.js';

/** Mermaid's default `maxTextSize`: a longer diagram is not rendered ("Maximum text size in diagram exceeded"). */
const MERMAID_MAX_TEXT_SIZE = 50_000;

describe('the report of the largest plan the schema allows', () => {
  it('has a gantt under Mermaid’s default size limit that Mermaid parses, with each kind’s resources on one row', async () => {
    const plan = parsePlan(largestPlan(examplePlanDocument()));
    const event = await readJsonFile('events/route53-health-alarm.json', 'event');
    const result = await replay({ plan, event });
    const report = buildFailoverReport(recordFromReplay(result, { input: event }), plan);

    const [gantt] = mermaidBlocks(renderMarkdown(report));
    const parsed = await parseGantt(gantt ?? '');

    expect(result.outcome).toBe('succeeded');
    expect(gantt?.length).toBeLessThan(MERMAID_MAX_TEXT_SIZE);
    expect(parsed.tasks.map((task) => task.name)).toEqual(
      expect.arrayContaining([
        '100 replicas (first start to last done)',
        '100 groups (first start to last done)',
        '200 parameters (first start to last done)',
      ]),
    );
    // The HTML draws every resource (folded per kind).
    expect(renderHtml(report).match(/<rect class="bar resource /g)?.length).toBeGreaterThanOrEqual(400);
  }, 120_000);
});
