import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'failover-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('failover replay', () => {
  it('exits 0 and prints the timeline and end state for a succeeded failover', async () => {
    const { code, out, err } = await run('replay', 'events/route53-health-alarm.json');

    expect(code).toBe(0);
    expect(out).toMatch(/Wait For Promotions x\d+/);
    expect(out).toContain('database shop-db-replica (us-west-2): available, standalone');
    expect(out).toContain('group shop-app-usw2 (us-west-2): min 3 desired 6 max 12, 6 InService');
    expect(out).toMatch(/SNS .*Failover SUCCEEDED/);
    expect(err).toBe('failover succeeded');
  });

  it('says what each resource did, from the run’s failover record', async () => {
    const { out } = await run('replay', 'events/route53-health-alarm.json');

    expect(out).toContain('What each resource did (failover record):');
    expect(out).toContain('  replica shop-db-replica: promoted: shop-db-replica is standalone and available');
    expect(out).toContain('  group shop-app-usw2: ready: shop-app-usw2 has 6/6 InService');
    expect(out).toContain('  parameter /shop/db/port: already: already 5432 -> 5432');
  });

  it('prints the same facts as JSON with --json', async () => {
    const { code, out } = await run('replay', 'events/route53-health-alarm.json', '--json');

    const result = JSON.parse(out) as {
      outcome: string;
      timeline: unknown[];
      cloud: { databases: { isReplica: boolean }[] };
      resources: { label: string; status: string }[];
    };
    expect(code).toBe(0);
    expect(result.outcome).toBe('succeeded');
    expect(result.resources.map((resource) => `${resource.label} ${resource.status}`)).toEqual([
      'shop-db-replica promoted',
      'shop-app-usw2 ready',
      '/shop/db/host repointed',
      '/shop/db/port already',
      '/shop/active-region repointed',
    ]);
    expect(result.timeline.length).toBeGreaterThan(10);
    expect(result.cloud.databases.some((db) => !db.isReplica)).toBe(true);
  });

  it('exits 0 for an ignored event', async () => {
    const { code, err } = await run('replay', 'events/route53-health-ok.json');

    expect(code).toBe(0);
    expect(err).toContain('event ignored');
  });

  it.each([
    ['lag-too-high', 'failover failed: ReplicaLagExceededError'],
    ['alarm-recovers-during-confirm', 'failover aborted'],
  ])('exits 1 for the %s scenario', async (name, reason) => {
    const { code, err } = await run(
      'replay',
      'events/route53-health-alarm.json',
      '--scenario',
      `events/scenarios/${name}.json`,
    );

    expect(code).toBe(1);
    expect(err).toContain(reason);
  });

  it.each([
    [
      'a missing event file',
      ['replay', join(dir, 'nope.json')],
      /^bad input: cannot read event .*: no such file$/,
    ],
    [
      'truncated JSON',
      ['replay', file('truncated.json', '{"source": "aws.cloud')],
      /^bad input: event .* is not valid JSON/,
    ],
    [
      'a malformed alarm event',
      [
        'replay',
        file(
          'malformed.json',
          JSON.stringify({
            source: 'aws.cloudwatch',
            'detail-type': 'CloudWatch Alarm State Change',
            account: '111111111111',
            region: 'us-east-1',
            time: '2026-11-24T09:00:00Z',
            detail: { alarmName: 'a' },
          }),
        ),
      ],
      /^bad input: malformed CloudWatch Alarm State Change event: detail\.state/,
    ],
    [
      'an invalid plan',
      [
        'replay',
        'events/route53-health-alarm.json',
        '--plan',
        file('plan.yaml', 'name: Shop\nprimaryRegion: us-east-1\n'),
      ],
      /^bad input: \d+ problem\(s\) in the plan: name: must be lower-case/,
    ],
    [
      'an invalid scenario',
      ['replay', 'events/route53-health-alarm.json', '--scenario', file('s.json', '{"lagg": {}}')],
      /^bad input: /,
    ],
    [
      'an unknown option',
      ['replay', 'events/route53-health-alarm.json', '--fast'],
      /Unknown option '--fast'/,
    ],
    ['an unknown command', ['rewind'], /unknown command "rewind"/],
  ])('exits 2 with a one-line reason for %s', async (_what, argv, reason) => {
    const { code, err } = await run(...argv);

    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(reason);
  });
});
