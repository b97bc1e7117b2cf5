import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { recordingEnvironment, runCli } from './support/cli.js';

/** The example plan with a manual approval, in a file of its own. */
function approvalPlan(onTimeout: 'proceed' | 'abort', timeoutSeconds = 900): string {
  const document = parse(readFileSync(EXAMPLE_PLAN_FILE, 'utf8')) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'failover-approval-'));
  const path = join(dir, 'approval.plan.yaml');
  writeFileSync(path, stringify({ ...document, approval: { timeoutSeconds, onTimeout } }));
  return path;
}
const drill = (plan: string, ...flags: string[]) => [
  'gameday',
  '--local',
  '--plan',
  plan,
  '--report-dir',
  mkdtempSync(join(tmpdir(), 'failover-approval-report-')),
  ...flags,
];

describe('failover gameday --local with a plan that asks for approval', () => {
  it('approves as the user with --yes and fails over', async () => {
    const { code, out, err } = await runCli(drill(approvalPlan('abort'), '--yes'));

    expect(code).toBe(0);
    expect(out).toMatch(/✓ Request Approval/);
    expect(out).toMatch(/Approval: approved by sre-oncall at /);
    expect(err).toBe('failover succeeded');
  });

  it('declines with --decline: aborted, nothing changed', async () => {
    const { code, out } = await runCli(drill(approvalPlan('proceed'), '--decline'));

    expect(code).toBe(1);
    expect(out).toMatch(/Approval: declined by sre-oncall at /);
    expect(out).toContain(' (0 mutating)');
  });

  it('asks on the terminal and takes the answer typed', async () => {
    const env = recordingEnvironment({ interactive: true, answers: ['maybe', 'decline'] });

    const { code, err } = await runCli(drill(approvalPlan('proceed')), env);

    expect(code).toBe(1);
    expect(env.questions).toEqual([
      'Answer approve, decline or wait (let it time out): ',
      'Answer approve, decline or wait (let it time out): ',
    ]);
    expect(err).toContain('"maybe" is not approve, decline or wait');
    expect(err).toContain('failover aborted');
  });

  it('lets the request time out when the answer is wait, and the plan policy proceeds', async () => {
    const env = recordingEnvironment({ interactive: true, answers: ['wait'] });

    const { code, out } = await runCli(drill(approvalPlan('proceed', 300)), env);

    expect(code).toBe(0);
    expect(out).toContain("Approval: nobody answered; the plan's approval.onTimeout applied");
    expect(out).toMatch(/✓ Approval Timed Out/);
  });

  it.each([
    [['--approve', '--decline', '--local'], /--approve and --decline answer the same approval request/],
    [
      ['--approve'],
      /--approve and --decline answer a local drill: on AWS, answer with failover approve\|decline/,
    ],
  ])('rejects %j in one line with exit 2', async (flags, message) => {
    const { code, errLines } = await runCli(['gameday', '--plan', approvalPlan('abort'), ...flags]);

    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(message)]);
  });
});
