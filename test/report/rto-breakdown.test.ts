import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlanFile, readJsonFile } from '../../engine/files.js';
import { replay } from '../../engine/runner.js';
import { loadScenario } from '../../engine/sim/index.js';
import {
  buildFailoverReport,
  recordFromReplay,
  renderMarkdown,
  type FailoverReport,
} from '../../engine/report/index.js';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';

const plan = await loadPlanFile(EXAMPLE_PLAN_FILE);
const SCENARIOS = readdirSync('events/scenarios').filter((file) => file.endsWith('.json'));
const EVENTS = [
  'route53-health-alarm.json',
  'alb-5xx-alarm.json',
  'composite-alarm.json',
  'gameday-drill.json',
];

async function reportOf(eventFile: string, scenarioFile?: string): Promise<FailoverReport> {
  const event = await readJsonFile(`events/${eventFile}`, 'event');
  const result = await replay({
    plan,
    event,
    scenario: scenarioFile === undefined ? undefined : await loadScenario(`events/scenarios/${scenarioFile}`),
  });
  return buildFailoverReport(recordFromReplay(result, { input: event }), plan);
}

/** Tenths of a second: the report's own resolution, so that the sum is checked exactly. */
const tenths = (seconds: number): number => Math.round(seconds * 10);

function expectPartsSumToRto(report: FailoverReport): void {
  const { rto } = report;
  if (rto.achievedSeconds === null) {
    // No RTO: there are no parts either, and the report says why.
    expect(rto.parts).toBeNull();
    expect(rto.note).toMatch(/\w/);
    expect(renderMarkdown(report)).toContain(`No RTO: ${rto.note}.`);
    return;
  }
  const parts = rto.parts ?? [];
  expect(parts.map((part) => part.part)).toEqual(['detection', 'decision', 'aws-work', 'routing']);
  expect(parts.reduce((sum, part) => sum + tenths(part.seconds), 0)).toBe(tenths(rto.achievedSeconds));
  for (const part of parts) expect(part.seconds).toBeGreaterThanOrEqual(0);
  // The parts are contiguous: each starts where the one before ended, from the RTO's start to its end.
  expect(parts[0]?.from).toBe(rto.from);
  expect(parts.at(-1)?.to).toBe(rto.to);
  parts.slice(1).forEach((part, i) => expect(part.from).toBe(parts[i]?.to));
  expect(renderMarkdown(report)).toContain(`| **Total (RTO)** |`);
}

describe('the RTO breakdown', () => {
  it.each(SCENARIOS)('sums to the RTO in the report of scenario %s', async (scenario) => {
    expectPartsSumToRto(await reportOf('route53-health-alarm.json', scenario));
  });

  it.each(EVENTS)('sums to the RTO in the report of event %s', async (event) => {
    expectPartsSumToRto(await reportOf(event));
  });

  it('is measured for the runs that fail over, so the sums above are not vacuous', async () => {
    const measured = [];
    // One replay at a time: each runs on the (one) virtual clock.
    for (const scenario of SCENARIOS)
      measured.push((await reportOf('route53-health-alarm.json', scenario)).rto);

    expect(measured.filter((rto) => rto.achievedSeconds !== null).length).toBeGreaterThanOrEqual(3);
  });

  it('counts detection from the outage the alarm reports, and says so when a composite alarm gives none', async () => {
    const health = await reportOf('route53-health-alarm.json');
    const composite = await reportOf('composite-alarm.json');

    expect(health.rto.basis).toBe('outage');
    expect(health.rto.parts?.[0]).toMatchObject({ part: 'detection', seconds: 180 });
    expect(composite.detection.source).toBe('none');
    expect(composite.detection.note).toMatch(/composite alarm/);
    expect(composite.rto.basis).toBe('alarm');
    expect(composite.rto.parts?.[0]).toMatchObject({ part: 'detection', seconds: 0 });
  });

  it('gives no detection time to a drill: the request is the outage', async () => {
    const drill = await reportOf('gameday-drill.json');

    expect(drill.detection.source).toBe('drill');
    expect(drill.rto.basis).toBe(drill.dryRun === true ? null : 'drill');
  });
});
