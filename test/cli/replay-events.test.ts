import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('failover replay with several events', () => {
  it('fails over (exit 0) on ALB 5xx ALARM at t, health ALARM at t+10 s and ALB OK at t+30 s', async () => {
    // Act
    const { code, err } = await run(
      'replay',
      'events/alb-5xx-alarm.json',
      'events/route53-health-alarm-10s.json',
      'events/alb-5xx-ok-30s.json',
    );

    // Assert
    expect(code).toBe(0);
    expect(err.split('\n')).toEqual([
      expect.stringMatching(/-1: failover succeeded$/),
      expect.stringMatching(/-2: duplicate: .*re-checks this alarm before it decides/),
      expect.stringMatching(/-3: event ignored: alarm "shop-alb-5xx" entered OK/),
    ]);
  });

  it('aborts (exit 1) with no mutating call on health ALARM then OK 30 s later', async () => {
    // Act
    const { code, out } = await run(
      'replay',
      'events/route53-health-alarm.json',
      'events/route53-health-ok-30s.json',
      '--json',
    );

    // Assert
    const { executions } = JSON.parse(out) as { executions: { outcome: string; mutatingCalls: number }[] };
    expect(code).toBe(1);
    expect(executions.map((execution) => [execution.outcome, execution.mutatingCalls])).toEqual([
      ['aborted', 0],
      ['ignored', 0],
    ]);
  });

  it('exits 2 naming the file when one of the events is malformed', async () => {
    // Act
    const { code, err } = await run('replay', 'events/route53-health-alarm.json', 'package.json');

    // Assert
    expect(code).toBe(2);
    expect(err).toMatch(/^bad input: /);
    expect(err.split('\n')).toHaveLength(1);
  });
});
