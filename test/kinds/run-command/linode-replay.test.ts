import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { parseScenario } from '../../../engine/sim/index.js';
import { scenarioIssuesForPlan } from '../../../engine/sim/plan-check.js';
import { parsePlan } from '../../../functions/common/plan.js';

/**
 * The Linode example (examples/linode-stack.plan.yaml: a PostgreSQL streaming replica, Redis with
 * Sentinel, HAProxy and Nginx, all SSM managed nodes) replayed through the workflow on the
 * simulated AWS, whose Run Command hands every document to the default server models: nothing
 * is installed. One test per scenario in events/scenarios/linode/.
 */

const PLAN_FILE = 'examples/linode-stack.plan.yaml';
const plan = parsePlan(parseYaml(readFileSync(PLAN_FILE, 'utf8')), PLAN_FILE);
const event: unknown = JSON.parse(readFileSync('events/linode-health-alarm.json', 'utf8'));
const scenario = (name: string) =>
  parseScenario(JSON.parse(readFileSync(`events/scenarios/linode/${name}.json`, 'utf8')));

const CHANGE_DOCUMENTS = ['promote', 'sentinel-failover', 'haproxy-switch', 'nginx-switch'];
const PG_NODE = 'mi-0a1b2c3d4e5f60002';
const REDIS_NODE = 'mi-0a1b2c3d4e5f60004';

/** Every command the run sent, as `<document>@<node>:<status>`. */
function commands(result: ReplayResult): string[] {
  const { postgresReplicas, redisSentinels, proxySwitches } = result.cloud;
  return [...postgresReplicas.commands, ...redisSentinels.commands, ...proxySwitches.commands].map(
    (command) => `${command.document}@${command.node}:${command.status}`,
  );
}
const changesSent = (result: ReplayResult): string[] =>
  commands(result).filter((command) => CHANGE_DOCUMENTS.includes(command.split('@')[0] ?? ''));

/** The servers as the models hold them before any failover. */
const UNCHANGED = {
  postgres: { inRecovery: true, timeline: 1, probeWrites: 0 },
  redis: { sentinelMaster: 'sessions-primary:6379', recoveryRole: 'slave', failovers: 0 },
  proxies: { app: { active: 'primary', switches: 0 }, edge: { active: 'primary', switches: 0 } },
};

function expectUnchanged(result: ReplayResult): void {
  expect(changesSent(result)).toEqual([]);
  expect(result.cloud.postgresReplicas.servers.main).toMatchObject(UNCHANGED.postgres);
  expect(result.cloud.redisSentinels.masters.sessions).toMatchObject(UNCHANGED.redis);
  expect(result.cloud.proxySwitches.proxies).toMatchObject(UNCHANGED.proxies);
}

describe('a replay of the Linode example on the default server models', () => {
  it('fails over every server: the replica promoted and writable, Sentinel names the recovery node, both proxies switched', async () => {
    const result = await replay({ plan, event });

    expect(result.outcome).toBe('succeeded');
    expect(result.cloud.postgresReplicas.servers.main).toMatchObject({ inRecovery: false, timeline: 2 });
    expect(result.cloud.postgresReplicas.servers.main?.probeWrites).toBeGreaterThanOrEqual(1);
    expect(result.cloud.redisSentinels.masters.sessions).toMatchObject({
      sentinelMaster: '192.168.130.12:6379',
      recoveryRole: 'master',
      failovers: 1,
    });
    expect(result.cloud.proxySwitches.proxies).toMatchObject({
      app: { active: 'recovery', switches: 1 },
      edge: { active: 'recovery', switches: 1 },
    });
    expect(changesSent(result)).toEqual([
      `promote@${PG_NODE}:Success`,
      `sentinel-failover@${REDIS_NODE}:Success`,
      'haproxy-switch@mi-0a1b2c3d4e5f60005:Success',
      'nginx-switch@mi-0a1b2c3d4e5f60006:Success',
    ]);
    expect(result.cloud.notifications.map((message) => message.subject)).toContainEqual(
      expect.stringContaining('SUCCEEDED'),
    );
  });

  it('aborts at the gate when the replica lag stays over its threshold, promoting and switching nothing', async () => {
    const result = await replay({ plan, event, scenario: scenario('replica-lag-over-threshold') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('ReplicaLagExceededError');
    expect(result.error?.cause).toContain('over the threshold after waiting 60s');
    expectUnchanged(result);
  });

  it('stops at the gate when a node is offline: no change is sent to any node, and nothing at all to the offline one', async () => {
    const result = await replay({ plan, event, scenario: scenario('node-offline') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('NodeOfflineError');
    expect(result.error?.cause).toContain('node mi-0a1b2c3d4e5f60005 is ConnectionLost in SSM');
    expectUnchanged(result);
    expect(commands(result).filter((command) => command.includes('mi-0a1b2c3d4e5f60005'))).toEqual([]);
  });

  it('fails with an error naming the node and the command when a command exits non-zero', async () => {
    const result = await replay({ plan, event, scenario: scenario('command-fails') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.cause).toContain(`command promote`);
    expect(result.error?.cause).toContain(`on node ${PG_NODE} failed (exit 1)`);
    expect(result.error?.cause).toContain('simulated failure');
    expect(result.cloud.postgresReplicas.servers.main).toMatchObject(UNCHANGED.postgres);
    // The route phase never ran: the proxies still send traffic to the primary.
    expect(result.cloud.proxySwitches.proxies).toMatchObject(UNCHANGED.proxies);
    // The read-back looked at every server for the failure notice.
    expect(commands(result)).toContain(`read-back@${PG_NODE}:Success`);
  });

  it('fails with an error naming the node and the command when a command times out', async () => {
    const result = await replay({ plan, event, scenario: scenario('command-times-out') });

    expect(result.outcome).toBe('failed');
    expect(result.error?.cause).toContain(`command sentinel-failover`);
    expect(result.error?.cause).toContain(
      `on node ${REDIS_NODE} did not finish within its document's execution timeout`,
    );
    expect(commands(result)).toContain(`sentinel-failover@${REDIS_NODE}:TimedOut`);
    expect(result.cloud.proxySwitches.proxies).toMatchObject(UNCHANGED.proxies);
  });

  it('treats an already promoted replica and an already moved master as done, promoting nothing twice', async () => {
    const result = await replay({ plan, event, scenario: scenario('already-promoted') });

    expect(result.outcome).toBe('succeeded');
    // Promoted before the run (timeline 2); promote reported alreadyPromoted and left it there.
    expect(result.cloud.postgresReplicas.servers.main).toMatchObject({ inRecovery: false, timeline: 2 });
    expect(result.cloud.redisSentinels.masters.sessions).toMatchObject({
      recoveryRole: 'master',
      failovers: 0,
    });
    expect(result.cloud.proxySwitches.proxies).toMatchObject({
      app: { active: 'recovery' },
      edge: { active: 'recovery' },
    });
  });

  it('ends the gate with a failure notice when SSM never registers a gate command, changing nothing', async () => {
    const result = await replay({
      plan,
      event,
      scenario: parseScenario({
        faults: [
          { service: 'ssm', region: 'us-west-2', operation: 'GetCommandInvocation', error: 'notFound' },
        ],
      }),
    });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('CommandTimedOutError');
    expect(result.error?.cause).toMatch(/still not yet registered after 12\ds \(gate limit 120s\)/);
    expect(result.durationSeconds).toBeLessThan(600);
    expectUnchanged(result);
    expect(result.cloud.notifications.at(-1)?.subject).toMatch(/^Failover FAILED: .* at Gate/);
  });

  it('refuses a scenario naming a node the plan does not have (a typo would silently do nothing)', () => {
    const issues = scenarioIssuesForPlan(
      plan,
      parseScenario({ nodes: { 'mi-0000000000000dead': { offline: true } } }),
    );

    expect(issues).toEqual([
      expect.objectContaining({
        path: 'nodes.mi-0000000000000dead',
        message: expect.stringContaining('no managed node'),
      }),
    ]);
  });

  it('refuses a scenario entry with an unknown setting', () => {
    expect(() => parseScenario({ nodes: { '*': { ofline: true } } })).toThrow(/ofline/);
  });
});
