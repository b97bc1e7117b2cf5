import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { runCli } from '../gameday/support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'failover-check-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** The example plan with its Route 53 health-check alarm declared in eu-west-1. */
const WRONG_REGION_PLAN = 'test/check/fixtures/route53-alarm-in-eu-west-1.plan.yaml';

describe('failover check --local', () => {
  it('reports every check ✓ on the example plan and exits 0', async () => {
    const { code, outLines, err } = await runCli(['check', '--local', '--plan', EXAMPLE_PLAN_FILE]);

    // The last line is the failback section: the simulated AWS has no failover in effect.
    const checks = outLines.slice(1, -1);
    expect(outLines.at(-1)).toBe('no failover in effect: nothing to fail back');
    expect(code).toBe(0);
    expect(outLines[0]).toBe('Readiness of plan shop-prod on the simulated AWS (local):');
    expect(checks.every((line) => line.startsWith('✓ '))).toBe(true);
    expect(checks).toEqual([
      '✓ replica shop-db-replica exists in us-west-2',
      '✓ replica shop-db-replica is a read replica of arn:aws:rds:us-east-1:111111111111:db:shop-db and replicating',
      '✓ replica shop-db-replica is available (not backing-up)',
      '✓ replica shop-db-replica has BackupRetentionPeriod 7: the promoted instance keeps automated backups',
      '✓ replica shop-db-replica lag 1s is within maxLagSeconds 30s',
      '✓ group shop-app-usw2 exists in us-west-2 (min 1, desired 1, max 12)',
      '✓ group shop-app-usw2 MaxSize 12 >= plan desired 6',
      '✓ parameter /shop/db/host exists in us-west-2',
      '✓ parameter /shop/db/port exists in us-west-2',
      '✓ parameter /shop/active-region exists in us-west-2',
      '✓ topic arn:aws:sns:us-west-2:111111111111:shop-failover exists (confirmed subscriptions: 1)',
      '✓ alarm shop-primary-health exists in us-east-1 (AWS/Route53 HealthCheckStatus, ALARM)',
      '✓ alarm shop-primary-health watches AWS/Route53 in us-east-1, where Route 53 publishes it',
      '✓ alarm shop-alb-5xx exists in us-east-1 (AWS/ApplicationELB HTTPCode_ELB_5XX_Count, ALARM)',
      '✓ alarm shop-primary-composite exists in us-east-1 (AWS/ApplicationELB HTTPCode_ELB_5XX_Count, ALARM)',
      '✓ state machine: local engine (the same definition, run in-process)',
    ]);
    expect(err).toBe('ready: 16 of 16 checks passed');
  });

  it.each([
    [
      'a missing replica',
      EXAMPLE_PLAN_FILE,
      { promotion: { '*': { missing: true } } },
      ['✗ replica shop-db-replica not found in us-west-2'],
    ],
    [
      'replica lag too high',
      EXAMPLE_PLAN_FILE,
      { lag: { '*': [{ atSeconds: 0, lagSeconds: 240 }] } },
      ['✗ replica shop-db-replica lag 240s is over maxLagSeconds 30s'],
    ],
    [
      'a group max too small',
      EXAMPLE_PLAN_FILE,
      { groups: { '*': { max: 2 } } },
      ['✗ group shop-app-usw2 MaxSize 2 < plan desired 6'],
    ],
    [
      'a replica backing up',
      EXAMPLE_PLAN_FILE,
      { promotion: { '*': { backingUpUntilSeconds: 600 } } },
      ['✗ replica shop-db-replica is backing-up: RDS refuses PromoteReadReplica until the backup ends'],
    ],
    [
      'a parameter missing',
      EXAMPLE_PLAN_FILE,
      { parameters: { '/shop/db/port': { missing: true } } },
      ['✗ parameter /shop/db/port not found in us-west-2'],
    ],
    [
      'a replica with no ReplicaLag datapoint',
      EXAMPLE_PLAN_FILE,
      { lag: { '*': [{ atSeconds: -600, lagSeconds: null }] } },
      [
        '✗ replica shop-db-replica has no ReplicaLag datapoint in the last 5 minutes: replication may be broken',
      ],
    ],
    [
      'a replica promoted already',
      EXAMPLE_PLAN_FILE,
      { promotion: { '*': { alreadyPromoted: true } } },
      [
        '✗ replica shop-db-replica is standalone (no read replica source): it was promoted already, or it is not a replica',
      ],
    ],
  ])('reports exactly what is wrong with %s and exits 1', async (_what, plan, scenario, failures) => {
    const { code, outLines, err } = await runCli([
      'check',
      '--local',
      '--plan',
      plan,
      '--scenario',
      file('scenario.json', scenario),
    ]);

    expect(code).toBe(1);
    expect(outLines.filter((line) => line.startsWith('✗ '))).toEqual(failures);
    expect(err).toMatch(new RegExp(`^not ready: ${failures.length} of \\d+ checks failed$`));
  });

  it('flags a Route 53 health-check alarm declared outside us-east-1', async () => {
    // The simulated CloudWatch names a health alarm's namespace AWS/Route53 only in us-east-1;
    // the scenario says what a real HealthCheckStatus alarm in eu-west-1 would watch.
    const scenario = file('route53.json', {
      alarms: { 'shop-primary-health': { namespace: 'AWS/Route53' } },
    });

    const { code, outLines } = await runCli([
      'check',
      '--local',
      '--plan',
      WRONG_REGION_PLAN,
      '--scenario',
      scenario,
    ]);

    expect(code).toBe(1);
    expect(outLines).toContain(
      '✓ alarm shop-primary-health exists in eu-west-1 (AWS/Route53 HealthCheckStatus, ALARM)',
    );
    expect(outLines.filter((line) => line.startsWith('✗ '))).toEqual([
      '✗ alarm shop-primary-health watches AWS/Route53 in eu-west-1: Route 53 publishes health-check metrics only in us-east-1, so this alarm never leaves INSUFFICIENT_DATA',
    ]);
  });

  it.each([
    ['no plan', ['check', '--local'], /^bad input: check needs --plan <file>$/],
    [
      'a scenario without --local',
      ['check', '--plan', EXAMPLE_PLAN_FILE, '--scenario', 'x.json'],
      /use it with --local/,
    ],
    ['an unknown option', ['check', '--plan', EXAMPLE_PLAN_FILE, '--fix'], /Unknown option '--fix'/],
    [
      'a scenario naming a replica the plan does not have',
      [
        'check',
        '--local',
        '--plan',
        EXAMPLE_PLAN_FILE,
        '--scenario',
        file('typo.json', { promotion: { 'shop-db': { missing: true } } }),
      ],
      /^bad input: scenario is invalid \(1 problem\): - promotion\.shop-db: the plan has no replica "shop-db"/,
    ],
  ])('exits 2 for %s', async (_what, argv, reason) => {
    const { code, err } = await runCli(argv);

    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(reason);
  });
});
