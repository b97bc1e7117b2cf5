import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailoverReport } from '../../engine/report/index.js';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { recordingEnvironment, runCli } from '../gameday/support/cli.js';

const drill = (dir: string, at: string, extra: readonly string[] = []) =>
  runCli(['gameday', '--local', '--plan', EXAMPLE_PLAN_FILE, '--report-dir', dir, ...extra], {
    ...recordingEnvironment(),
    now: () => new Date(at),
  });

describe('the trend across drills of a plan', () => {
  it('appears after the second drill of the same plan, with a row per drill and this run last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-trend-'));

    const first = await drill(dir, '2026-11-24T09:00:00.000Z');
    const second = await drill(dir, '2026-12-01T09:00:00.000Z');

    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const names = readdirSync(dir)
      .filter((file) => file.endsWith('.md'))
      .sort();
    expect(names).toEqual(['gameday-shop-prod-20261124T090000Z.md', 'gameday-shop-prod-20261201T090000Z.md']);
    const [earlier, later] = names.map((name) => readFileSync(join(dir, name), 'utf8'));
    expect(earlier).not.toContain('## Trend across drills');
    expect(later).toContain('## Trend across drills of shop-prod');
    const rows = (later ?? '').split('\n').filter((line) => line.startsWith('| gameday-shop-prod-'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^\| gameday-shop-prod-20261124T090000Z \| 2026-11-24T09:00:0[\d.]+Z \| succeeded \| [\d.]+ s \|/,
    );
    expect(rows[1]).toMatch(/^\| gameday-shop-prod-20261201T090000Z \(this run\) \|/);
    const html = readFileSync(join(dir, 'gameday-shop-prod-20261201T090000Z.html'), 'utf8');
    expect(html).toContain('<h2 id="trend">Trend across drills of shop-prod</h2>');
    expect(html.match(/<tr( class="current")?><td>gameday-shop-prod-/g)).toHaveLength(2);
    expect(second.out).toContain('Trend: this run and 1 earlier report(s) of plan shop-prod');
  });

  it("leaves out other plans' reports and files that are not reports", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-trend-'));
    await drill(dir, '2026-11-24T09:00:00.000Z');
    const [json] = readdirSync(dir).filter((file) => file.endsWith('.json'));
    const other = JSON.parse(readFileSync(join(dir, json ?? ''), 'utf8')) as FailoverReport;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 'other.json'),
      JSON.stringify({ ...other, executionName: 'x', plan: { ...other.plan, name: 'other-plan' } }),
    );
    writeFileSync(join(dir, 'notes.json'), '{"not": "a report"}');
    writeFileSync(join(dir, 'broken.json'), '{');
    await import('node:fs').then(({ unlinkSync }) => unlinkSync(join(dir, json ?? '')));

    const { code } = await drill(dir, '2026-12-01T09:00:00.000Z');

    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'gameday-shop-prod-20261201T090000Z.md'), 'utf8')).not.toContain(
      '## Trend',
    );
  });
});

describe('report files', () => {
  it('never overwrite each other: the same run reported twice goes beside the first, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-report-names-'));
    await drill(dir, '2026-11-24T09:00:00.000Z', ['--dry-run']);
    const before = readFileSync(join(dir, 'gameday-shop-prod-20261124T090000Z-dry-run.json'), 'utf8');

    const again = await drill(dir, '2026-11-24T09:00:00.000Z', ['--dry-run']);

    expect(readFileSync(join(dir, 'gameday-shop-prod-20261124T090000Z-dry-run.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(
      ['', '-2']
        .flatMap((suffix) =>
          ['html', 'json', 'md'].map((ext) => `gameday-shop-prod-20261124T090000Z-dry-run${suffix}.${ext}`),
        )
        .sort(),
    );
    expect(again.out).toContain(
      `A report named ${join(dir, 'gameday-shop-prod-20261124T090000Z-dry-run')}.* exists already: this one is written beside it, not over it`,
    );
  });
});
