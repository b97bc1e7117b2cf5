/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { readJsonFile } from '../../engine/files.js';
import { replay } from '../../engine/runner.js';
import { loadScenario } from '../../engine/sim/index.js';
import { buildFailoverReport, recordFromReplay, writeReport } from '../../engine/report/index.js';
import { drillEvent } from '../../cli/gameday-command.js';
import { runLocalDrill } from '../../cli/local-drill.js';
import { largestPlan } from '../../bench/extreme-plans.js';
import { examplePlan, examplePlanDocument } from '../fixtures/plans.js';

/**
 * The HTML report in a real browser: Debian's chromium (`apt-get install chromium`), headless,
 * offline flags, a fresh profile. Each report must render with no console error, ask the network
 * for nothing, and draw each phase bar as wide as its duration at the chart's scale. A PNG of each
 * is kept under SCREENSHOT_DIR for people (and CI artifacts) to look at.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(process.env.REPORT_SCREENSHOT_DIR ?? 'reports/screenshots');
const EVENT = 'events/route53-health-alarm.json';
const MAX_SHOT_HEIGHT = 12_000;

interface Rendered {
  readonly name: string;
  readonly htmlPath: string;
}

async function replayReport(name: string, plan: Plan, scenario?: string): Promise<Rendered> {
  const event = await readJsonFile(EVENT, 'event');
  const result = await replay({
    plan,
    event,
    scenario: scenario === undefined ? undefined : await loadScenario(`events/scenarios/${scenario}.json`),
  });
  const report = buildFailoverReport(recordFromReplay(result, { input: event }), plan);
  const written = await writeReport(report, mkdtempSync(join(tmpdir(), `browser-${name}-`)));
  return { name, htmlPath: written.htmlPath };
}

async function dryRunReport(): Promise<Rendered> {
  const plan = examplePlan();
  const event = drillEvent(plan, {
    requestedBy: 'sre-oncall',
    dryRun: true,
    time: new Date('2026-11-24T09:00:00.000Z'),
  });
  const { result } = await runLocalDrill(plan, event, { executionName: 'gameday-shop-prod-dry-run' });
  const report = buildFailoverReport(recordFromReplay(result, { input: event }), plan);
  const written = await writeReport(report, mkdtempSync(join(tmpdir(), 'browser-dry-run-')));
  return { name: 'dry-run', htmlPath: written.htmlPath };
}

interface PageFacts {
  readonly consoleErrors: string[];
  readonly requests: string[];
  readonly bars: { phase: string; durationMs: number; width: number; expected: number }[];
  readonly title: string;
}

let browser: BrowserContext;
const reports: Rendered[] = [];
const facts = new Map<string, PageFacts>();

async function render(report: Rendered): Promise<PageFacts> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const documentUrl = pathToFileURL(report.htmlPath).href;
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (request.url() !== documentUrl) requests.push(request.url());
  });
  await page.goto(documentUrl, { waitUntil: 'load' });
  const bars = await page.evaluate(() =>
    [...document.querySelectorAll<SVGRectElement>('svg.timeline rect.bar.phase')].map((rect) => {
      const svg = rect.ownerSVGElement!;
      // Rendered pixels per SVG unit (the SVG may be scaled to the page's width).
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const durationMs = Number(rect.dataset.durationMs);
      return {
        phase: rect.dataset.phase ?? '',
        durationMs,
        width: rect.getBoundingClientRect().width,
        expected: (durationMs / 1000) * Number(rect.dataset.pxPerSecond) * scale,
      };
    }),
  );
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Chromium captures at most 16,384 pixels in height: a taller page (the largest plan's tables)
  // is shot from its top.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${report.name}.png`),
    ...(height <= MAX_SHOT_HEIGHT
      ? { fullPage: true }
      : { fullPage: true, clip: { x: 0, y: 0, width: 1200, height: MAX_SHOT_HEIGHT } }),
  });
  const title = await page.title();
  await page.close();
  return { consoleErrors, requests, bars, title };
}

beforeAll(async () => {
  const example = examplePlan();
  reports.push(
    await replayReport('example-replay', example),
    await replayReport('failed-run', example, 'promotion-fails'),
    await dryRunReport(),
    await replayReport('largest-plan', parsePlan(largestPlan(examplePlanDocument()))),
  );
  // A new empty profile; offline: any request the page made would fail (and be counted).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    offline: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  for (const report of reports) facts.set(report.name, await render(report));
});

afterAll(async () => {
  await browser?.close();
});

describe.each(['example-replay', 'failed-run', 'dry-run', 'largest-plan'])(
  'the HTML report of the %s',
  (name) => {
    it('renders with no console error and asks the network for nothing', () => {
      const page = facts.get(name);

      expect(page?.title).toMatch(/^Failover report: /);
      expect(page?.consoleErrors).toEqual([]);
      expect(page?.requests).toEqual([]);
    });

    it("draws each phase bar as wide as its duration at the chart's scale", () => {
      const bars = facts.get(name)?.bars ?? [];

      expect(bars.length).toBeGreaterThanOrEqual(4);
      for (const bar of bars) {
        expect(Math.abs(bar.width - bar.expected), `${bar.phase}: ${bar.durationMs} ms`).toBeLessThanOrEqual(
          0.5,
        );
      }
      // Proportional: the longest phase is the widest, and twice the time is twice the width.
      const longest = bars.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      expect(Math.max(...bars.map((bar) => bar.width))).toBeCloseTo(longest.width, 5);
      const perMs = longest.width / longest.durationMs;
      for (const bar of bars.filter((candidate) => candidate.durationMs > 1000)) {
        expect(bar.width / bar.durationMs).toBeCloseTo(perMs, 3);
      }
    });
  },
);

describe('the screenshots', () => {
  it('are written for each report under the known directory', async () => {
    const { statSync } = await import('node:fs');

    for (const report of reports) {
      expect(statSync(join(SCREENSHOT_DIR, `${report.name}.png`)).size).toBeGreaterThan(10_000);
    }
  });
});
