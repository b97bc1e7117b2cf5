import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/cli-io.js';
import { main } from '../../cli/main.js';
import { loadPlanFile } from '../../engine/files.js';
import { validateTrigger } from '../../functions/validate-trigger/validate-trigger.js';

function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) }).then((code) => ({
    code,
    out,
    err,
  }));
}

const INIT_FLAGS = [
  'init',
  '--name',
  'my-app',
  '--primary-region',
  'us-east-1',
  '--recovery-region',
  'us-west-2',
  '--alarm',
  'my-app-health',
  '--alarm',
  'my-app-eu-canary@eu-west-1',
  '--replica',
  'main=my-db-replica',
  '--group',
  'my-asg-usw2:2:4:8',
  '--parameter',
  '/my-app/db/host={{databases.main.endpoint}}',
];

describe('failover init', () => {
  it('writes a valid starter plan naming the resources of the flags, with the schema comment', async () => {
    // Arrange
    const out = join(mkdtempSync(join(tmpdir(), 'init-')), 'plan.yaml');

    // Act
    const result = await run([...INIT_FLAGS, '--out', out]);

    // Assert
    expect(result.code).toBe(EXIT.ok);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schema\/plan\.schema\.json$/);
    const plan = loadPlanFile(out);
    await expect(plan).resolves.toMatchObject({
      name: 'my-app',
      triggers: {
        alarms: [
          { name: 'my-app-health', region: 'us-east-1' },
          { name: 'my-app-eu-canary', region: 'eu-west-1' },
        ],
      },
      databases: [{ id: 'main', replica: 'my-db-replica' }],
      scalingGroups: [{ name: 'my-asg-usw2', min: 2, desired: 4, max: 8 }],
      parameters: [{ name: '/my-app/db/host', value: '{{databases.main.endpoint}}' }],
    });
  });

  it('refuses to replace an existing file without --force', async () => {
    // Arrange
    const out = join(mkdtempSync(join(tmpdir(), 'init-')), 'plan.yaml');
    writeFileSync(out, 'mine\n');

    // Act
    const result = await run([...INIT_FLAGS, '--out', out]);

    // Assert
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err.join('\n')).toMatch(/exists: pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
  });

  it('exits 2 naming the problem when the flags make an invalid plan', async () => {
    // Act
    const result = await run([
      ...INIT_FLAGS,
      '--recovery-region',
      'us-east-1',
      '--out',
      '/nonexistent/p.yaml',
    ]);

    // Assert
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err.join('\n')).toMatch(/problem\(s\) in the plan/);
  });
});

describe('failover events', () => {
  it("writes an ALARM and an OK event for each of the plan's alarms, which the workflow's first step accepts", async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'events-'));
    const planFile = join(dir, 'plan.yaml');
    await run([...INIT_FLAGS, '--out', planFile]);
    const plan = await loadPlanFile(planFile);

    // Act
    const result = await run(['events', '--plan', planFile, '--out-dir', join(dir, 'events')]);

    // Assert
    expect(result.code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'events')).sort()).toEqual([
      'my-app-eu-canary-alarm.json',
      'my-app-eu-canary-ok.json',
      'my-app-health-alarm.json',
      'my-app-health-ok.json',
    ]);
    const decide = (file: string) =>
      validateTrigger(
        {
          event: JSON.parse(readFileSync(join(dir, 'events', file), 'utf8')),
          executionId: 'test',
          executionStartedAt: '2026-01-01T09:00:00Z',
        },
        plan,
      ).decision;
    expect(decide('my-app-eu-canary-alarm.json')).toBe('proceed');
    expect(decide('my-app-health-ok.json')).not.toBe('proceed');
  });

  it('exits 2 without --plan', async () => {
    // Act
    const result = await run(['events']);

    // Assert
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err.join('\n')).toMatch(/events needs --plan/);
  });
});
