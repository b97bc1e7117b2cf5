import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inSimulation, runFailbackLeg } from '../../engine/failback/cycle.js';
import { replay, createReplayCloud } from '../../engine/runner.js';
import { drillEvent } from '../../cli/gameday-command.js';
import { writeFencing } from '../../functions/common/fencing-record.js';
import { failbackPlan, runCli } from './support.js';

const run = runCli;

const PLAN_FILE = 'examples/shop-failback.plan.yaml';
const start = new Date('2026-01-01T00:00:00Z');

/** A failover of the plan on a fresh cloud, as the failback finds it (its Fence step fenced the old region, which answered). */
async function failedOver(scenario = {}) {
  const plan = failbackPlan();
  const event = drillEvent(plan, { requestedBy: 'test', dryRun: false, time: start });
  const cloud = createReplayCloud(plan, event, scenario);
  const failover = await replay({ plan, event, cloud, executionName: 'failover-test' });
  expect(failover.outcome).toBe('succeeded');
  return { plan, cloud, failover };
}

describe('failback refusals (issue 10, must-show 3)', () => {
  it('refuses while the home replicas lag over the threshold: exit 1, and zero mutating calls once home is re-protected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failback-'));
    const scenarioFile = join(dir, 'lag.json');
    writeFileSync(scenarioFile, JSON.stringify({ failbackLag: { '*': [{ atSeconds: 0, lagSeconds: 42 }] } }));
    const cli = await run(['failback', '--local', '--json', '--plan', PLAN_FILE, '--scenario', scenarioFile]);
    expect(cli.code).toBe(1);
    const json = JSON.parse(cli.out) as {
      failback: { error: { error: string; cause: string } };
      differences: string[];
    };
    expect(json.failback.error.error).toBe('FailbackRefused');
    expect(json.failback.error.cause).toMatch(
      /shop-db \(home replica, us-east-1\) has lag 42s, above the failback threshold of 1s/,
    );

    // The first attempt re-protected home (the replica it created stays: it replicates, harmless);
    // a second attempt on the same cloud is refused again with zero mutating calls.
    const { plan, cloud } = await failedOver({ failbackLag: { '*': [{ atSeconds: 0, lagSeconds: 42 }] } });
    await inSimulation(plan, cloud, new Date(start.getTime() + 600_000), 'fence', () =>
      writeFencing(plan.recoveryRegion, {
        planName: plan.name,
        kind: 'rds-replica',
        failoverExecution: 'arn:aws:states:us-west-2:000000000000:execution:failover-shop-prod:failover-test',
        state: 'open',
        resources: [{ label: 'shop-db', status: 'fenced', attempts: 1, detail: 'stopped' }],
      }).then(() =>
        writeFencing(plan.recoveryRegion, {
          planName: plan.name,
          kind: 'auto-scaling-group',
          failoverExecution:
            'arn:aws:states:us-west-2:000000000000:execution:failover-shop-prod:failover-test',
          state: 'open',
          resources: [
            {
              label: 'shop-app-use1',
              status: 'fenced',
              attempts: 1,
              detail: 'scaled to 0',
              facts: { previous: { min: 3, desired: 6, max: 12 } },
            },
          ],
        }),
      ),
    );
    const first = await runFailbackLeg(plan, cloud, new Date(start.getTime() + 3_600_000));
    expect(first.failback.error?.error).toBe('FailbackRefused');
    expect(first.failback.mutatingCalls).toBeGreaterThan(0);
    const second = await runFailbackLeg(plan, cloud, new Date(start.getTime() + 7_200_000));
    expect(second.failback.error?.error).toBe('FailbackRefused');
    expect(second.failback.mutatingCalls).toBe(0);
    expect(second.notices).toEqual([
      'Failback of shop-prod to us-east-1 started',
      'Failback of shop-prod refused: nothing was switched',
    ]);
  });

  it('exits 2 with one line when there is no failover to undo', async () => {
    const cli = await run(['failback', '--local', '--failback-only', '--plan', PLAN_FILE]);
    expect(cli.code).toBe(2);
    expect(cli.err).toEqual([expect.stringMatching(/^bad input: no failover of plan shop-prod is recorded/)]);
  });

  it('exits 2 for a plan that cannot fail back (a database without its primary)', async () => {
    const cli = await run(['failback', '--local', '--plan', 'examples/shop-prod.plan.yaml']);
    expect(cli.code).toBe(2);
    expect(cli.err).toEqual([
      expect.stringMatching(/^bad input: plan shop-prod: database\(s\) shop-db-replica name no primary/),
    ]);
  });

  it('refuses while fencing is pending, before its first write', async () => {
    const { plan, cloud, failover } = await failedOver();
    await inSimulation(plan, cloud, new Date(start.getTime() + 600_000), 'fence', () =>
      writeFencing(plan.recoveryRegion, {
        planName: plan.name,
        kind: 'rds-replica',
        failoverExecution: failover.executionArn,
        state: 'open',
        resources: [{ label: 'shop-db', status: 'pending', attempts: 3, detail: 'us-east-1 did not answer' }],
      }),
    );
    const leg = await runFailbackLeg(plan, cloud, new Date(start.getTime() + 3_600_000));
    expect(leg.failback.error?.error).toBe('FailbackRefused');
    expect(leg.failback.error?.cause).toMatch(
      /shop-db: pending after 3 attempts \(us-east-1 did not answer\)/,
    );
    expect(leg.failback.mutatingCalls).toBe(0);
    expect(leg.notices).toEqual(['Failback of shop-prod refused: nothing was switched']);
  });

  it('notifies a failure once, saying what was and was not done, and opens frozen writes again', async () => {
    const { plan, cloud, failover } = await failedOver({
      faults: [
        { service: 'rds', operation: 'PromoteReadReplica', region: 'us-east-1', error: 'accessDenied' },
      ],
    });
    expect(failover.output).toMatchObject({ fence: expect.anything() });
    const leg = await runFailbackLeg(plan, cloud, new Date(start.getTime() + 3_600_000));
    expect(leg.failback.outcome).toBe('failed');
    expect(leg.notices).toEqual([
      'Failback of shop-prod to us-east-1 started',
      'Failback of shop-prod FAILED at Promote Home',
    ]);
    const body = cloud.notifications().at(-1)?.message ?? '';
    expect(body).toMatch(/Done: Re-protect Home, Failback Gate, Freeze Writes/);
    expect(body).toMatch(/Not done: Promote Home, Route Back, Scale Back, Re-protect Recovery/);
    expect(body).toMatch(/Writes: unfrozen again \(\/shop\/writes\)/);
    expect(leg.after.parameters['/shop/writes']?.value).toBe('open');
  });
});

describe('failover failback --local --dry-run', () => {
  it('goes through every failback step and changes nothing', async () => {
    const cli = await run(['failback', '--local', '--dry-run', '--plan', PLAN_FILE]);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/failback: succeeded in [\d.]+ s, RPO 0 s, 0 mutating calls/);
    expect(cli.out).toMatch(/dry run: the failback changed nothing/);
  });
});

describe('failover gameday --full-cycle', () => {
  it('runs the same cycle locally and exits 0 when the shape is back', async () => {
    const cli = await run(['gameday', '--local', '--full-cycle', '--plan', PLAN_FILE]);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/failback: succeeded in [\d.]+ s, RPO 0 s/);
    expect(cli.out).toMatch(/shape: as before the failover/);
  });

  it('is bad input on AWS (a live full cycle is gameday, then failback)', async () => {
    const cli = await run(['gameday', '--full-cycle', '--plan', PLAN_FILE]);
    expect(cli.code).toBe(2);
    expect(cli.err).toEqual([
      'bad input: --full-cycle runs with --local only; on AWS run failover gameday, then failover failback',
    ]);
  });
});
