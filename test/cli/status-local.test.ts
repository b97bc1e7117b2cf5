import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedExamplePlanDocument, OLD_GROUP, OLD_PRIMARY } from '../fixtures/plans.js';
import { runCli } from '../gameday/support/cli.js';

/**
 * `failover status --plan <file> --local --scenario <file> --after <minutes>` with the real kinds:
 * a failover of a plan with something to fence while the scenario keeps the primary region down
 * for 20 minutes, then the scheduled retry every 5 minutes on the same simulated AWS.
 */

let dir: string;
let plan: string;
let scenario: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'failover-status-'));
  plan = join(dir, 'fenced.plan.yaml');
  scenario = join(dir, 'primary-down.json');
  // JSON is YAML: the fenced example plan as a plan file.
  writeFileSync(plan, JSON.stringify(fencedExamplePlanDocument(), null, 2));
  writeFileSync(scenario, JSON.stringify({ regionOutages: [{ region: 'us-east-1', untilSeconds: 1_200 }] }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const local = (after: number) => [
  'status',
  '--plan',
  plan,
  '--local',
  '--scenario',
  scenario,
  '--after',
  `${after}`,
];

describe('failover status --local with a scenario that keeps the primary region down', () => {
  it('exits 1 with both resources NOT fenced yet while the region is down (--after 10)', async () => {
    const { code, outLines, errLines } = await runCli(local(10));

    expect(code).toBe(1);
    expect(outLines[0]).toBe(
      'Fencing of plan shop-prod on the simulated AWS, 10 minutes after a local failover:',
    );
    // The failover's attempt and the retries at +5 and +10 minutes.
    const resources = outLines.filter((line) => line.startsWith('  '));
    expect(resources).toEqual([
      expect.stringMatching(
        new RegExp(
          `^  ✗ ${OLD_PRIMARY}: NOT fenced yet \\(3 attempts, last .*; retried every 5 minutes\\): not reachable in us-east-1: TimeoutError`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^  ✗ ${OLD_GROUP}: NOT fenced yet \\(3 attempts, .*\\): not reachable in us-east-1`),
      ),
    ]);
    expect(errLines).toEqual(['2 resource(s) NOT fenced yet']);
  });

  it('exits 0 with both fenced once the region is back (--after 30)', async () => {
    const { code, outLines, errLines } = await runCli(local(30));

    expect(code).toBe(0);
    expect(outLines.filter((line) => line.startsWith('  '))).toEqual([
      expect.stringMatching(
        new RegExp(`^  ✓ ${OLD_PRIMARY}: fenced at .*: stopping after final snapshot shop-db-final-\\d{12}`),
      ),
      expect.stringMatching(
        new RegExp(`^  ✓ ${OLD_GROUP}: fenced at .*: scaled to 0 \\(was min 3 desired 6 max 12\\)$`),
      ),
    ]);
    expect(errLines).toEqual(['nothing pending']);
  });

  it('works as a command of its own (the kinds load outside the virtual clock)', () => {
    // In a fresh process the retry loads the kinds' runtimes itself: an import while the
    // virtual clock runs was once taken for a stalled replay ("no timer is scheduled").
    const done = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...local(10)], {
      cwd: resolve('.'),
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(done.stderr.trim()).toBe('2 resource(s) NOT fenced yet');
    expect(done.status).toBe(1);
    expect(done.stdout).toContain(`✗ ${OLD_PRIMARY}: NOT fenced yet (3 attempts`);
  }, 60_000);
});
