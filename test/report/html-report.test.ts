import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { runCli } from '../gameday/support/cli.js';

/** What would make a browser fetch something: a script, a stylesheet or font link, any URL. */
const FETCHING = /<script|<link|<img|<iframe|@import|url\(|https?:\/\/|\bsrc=|\bhref=/i;

describe('the HTML report beside the Markdown and JSON', () => {
  it('is written by `failover gameday --local --dry-run --yes`, self-contained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-html-'));

    const { code, out } = await runCli([
      'gameday',
      '--local',
      '--dry-run',
      '--yes',
      '--plan',
      EXAMPLE_PLAN_FILE,
      '--report-dir',
      dir,
    ]);

    const stem = join(dir, 'gameday-shop-prod-20261124T090000Z-dry-run');
    expect(code).toBe(0);
    expect(out).toContain(`Report: ${stem}.html (Markdown: ${stem}.md, facts: ${stem}.json)`);
    for (const ext of ['html', 'md', 'json']) expect(existsSync(`${stem}.${ext}`), ext).toBe(true);
    const html = readFileSync(`${stem}.html`, 'utf8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<style>');
    expect(html.match(FETCHING)).toBeNull();
    expect(html).toContain('What the dry run would have done');
  });

  it('is written by `failover replay … --report-dir`, with every phase drawn to one scale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-html-'));

    const { code, out } = await runCli(['replay', 'events/route53-health-alarm.json', '--report-dir', dir]);

    const name = /^Replay (\S+):/.exec(out)?.[1] ?? '';
    expect(code).toBe(0);
    for (const ext of ['html', 'md', 'json']) expect(existsSync(join(dir, `${name}.${ext}`)), ext).toBe(true);
    const html = readFileSync(join(dir, `${name}.html`), 'utf8');
    expect(html.match(FETCHING)).toBeNull();
    const bars = [
      ...html.matchAll(
        /<rect class="bar phase \w+" data-phase="([\w-]+)" data-duration-ms="(\d+)" data-px-per-second="([\d.e-]+)" x="[\d.]+" y="\d+" width="([\d.]+)"/g,
      ),
    ].map(([, phase, ms, perSecond, width]) => ({
      phase,
      ms: Number(ms),
      perSecond: Number(perSecond),
      width: Number(width),
    }));
    expect(bars.map((bar) => bar.phase)).toEqual([
      'detect',
      'decide',
      'confirm',
      'start',
      'gate',
      'recover',
      'route',
      'notify',
    ]);
    expect(new Set(bars.map((bar) => bar.perSecond)).size).toBe(1);
    for (const bar of bars) expect(bar.width).toBeCloseTo((bar.ms / 1000) * bar.perSecond, 1);
  });
});
