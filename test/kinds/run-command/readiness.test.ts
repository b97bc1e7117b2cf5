import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parsePlan } from '../../../functions/common/plan.js';
import { kindReadiness as postgresReadiness } from '../../../functions/kinds/postgres-replica/readiness.js';
import { kindReadiness as proxyReadiness } from '../../../functions/kinds/proxy-switch/readiness.js';
import { kindReadiness as redisReadiness } from '../../../functions/kinds/redis-sentinel/readiness.js';
import { settle, simulate, teardown } from '../../sim/support.js';

/**
 * `failover check` of the Run Command kinds on the simulated AWS: each node Online in SSM, then
 * the gate's read-only document, run through SSM, within its threshold.
 */

const plan = parsePlan(parseYaml(readFileSync('examples/linode-stack.plan.yaml', 'utf8')), 'linode');
const lines = (checks: readonly { status: string; check: string; resource: string }[]) =>
  checks.map((check) => `${check.status} ${check.check} ${check.resource}`);

afterEach(teardown);

describe('readiness of the Run Command kinds', () => {
  it('passes every node Online whose gate document is within its threshold', async () => {
    const { clock } = simulate({}, { latencyMs: 5 }, plan);

    const checks = await settle(
      clock,
      Promise.all([postgresReadiness(plan), redisReadiness(plan), proxyReadiness(plan)]),
    );

    expect(checks.flat().every((check) => check.status === 'pass')).toBe(true);
    expect(checks.flat()).toHaveLength(8);
  });

  it('fails an offline node without sending it anything, and a replica over its lag threshold', async () => {
    const { clock, cloud } = simulate(
      { nodes: { 'mi-0a1b2c3d4e5f60002': { lagSeconds: 45 }, 'mi-0a1b2c3d4e5f60005': { offline: true } } },
      { latencyMs: 5 },
      plan,
    );

    const postgres = await settle(clock, postgresReadiness(plan));
    const proxies = await settle(clock, proxyReadiness(plan));

    expect(lines(postgres)).toEqual([
      'pass node-online main on mi-0a1b2c3d4e5f60002',
      'fail node-gate main on mi-0a1b2c3d4e5f60002',
    ]);
    expect(postgres[1]?.reason).toContain('replay lag 45s');
    expect(lines(proxies)[0]).toBe('fail node-online haproxy app on mi-0a1b2c3d4e5f60005');
    expect(
      cloud.snapshot().proxySwitches.commands.filter((command) => command.node === 'mi-0a1b2c3d4e5f60005'),
    ).toEqual([]);
  });
});
