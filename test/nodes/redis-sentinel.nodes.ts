import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killServer, stopAllServers, trackIn, waitFor } from './processes.js';
import { factsFrom, factsOf, runDocument } from './run-document.js';
import { MASTER_NAME, redisCli, startRedisSentinelSet, type RedisSentinelSet } from './servers/redis.js';

/**
 * The redis-sentinel documents against a real Redis master, a replica and three Sentinels, in
 * the order of a failover: gate, outage of the master (kill -9), SENTINEL FAILOVER, check until
 * Sentinel names the recovery node and it says master, and the same command again.
 */
describe('redis-sentinel documents on a real master, replica and three Sentinels', () => {
  const runDir = inject('nodesRunDir');
  let redis: RedisSentinelSet;
  const sentinelParameters = () => ({
    SentinelPort: String(redis.sentinels[0]?.port),
    MasterName: MASTER_NAME,
    RecoveryHost: '127.0.0.1',
    RecoveryPort: String(redis.replica.port),
  });

  beforeAll(async () => {
    trackIn(runDir);
    redis = await startRedisSentinelSet(runDir);
  });
  afterAll(stopAllServers);

  it('gate: reports the replica linked to its master and the offset lag within the threshold', async () => {
    redisCli(redis.master.port, 'SET', 'last-order', 'order 1001');
    await waitFor('the key to reach the replica', () =>
      redisCli(redis.replica.port, 'GET', 'last-order') === 'order 1001' ? true : undefined,
    );
    await waitFor('the replica offset to reach the master offset', async () => {
      const facts = factsOf(
        await runDocument('redis-sentinel', 'replica-link', { RedisPort: String(redis.replica.port) }),
      );
      return facts.offsetLag === 0 ? facts : undefined;
    });

    const facts = await factsFrom('redis-sentinel', 'replica-link', {
      RedisPort: String(redis.replica.port),
    });

    expect(facts).toMatchObject({
      role: 'slave',
      masterLinkStatus: 'up',
      offsetLag: 0,
      withinThreshold: true,
    });
    expect(facts.master).toBe(`127.0.0.1:${redis.master.port}`);
  });

  it('start and check: after the master is killed, Sentinel names the replica as master and it says master', async () => {
    if (redis.master.server) await killServer(redis.master.server);

    const started = await factsFrom('redis-sentinel', 'sentinel-failover', sentinelParameters());
    const state = await waitFor('the recovery node to be master', async () => {
      const facts = factsOf(await runDocument('redis-sentinel', 'master-state', sentinelParameters()));
      return facts.done === true ? facts : undefined;
    });
    console.log(`redis-sentinel/master-state: ${JSON.stringify(state)}`);

    expect(started).toMatchObject({
      failoverStarted: true,
      previousMaster: `127.0.0.1:${redis.master.port}`,
    });
    expect(state).toMatchObject({
      done: true,
      sentinelMaster: `127.0.0.1:${redis.replica.port}`,
      recoveryRole: 'master',
    });
    for (const sentinel of redis.sentinels) {
      await waitFor(`${sentinel.name} to name the new master`, () =>
        redisCli(sentinel.port, 'SENTINEL', 'get-master-addr-by-name', MASTER_NAME).replace('\n', ':') ===
        `127.0.0.1:${redis.replica.port}`
          ? true
          : undefined,
      );
    }
    expect(redisCli(redis.replica.port, 'GET', 'last-order')).toBe('order 1001');
    expect(redisCli(redis.replica.port, 'SET', 'first-after-failover', 'yes')).toBe('OK');
  });

  it('start: a failover that already happened is success', async () => {
    const facts = await factsFrom('redis-sentinel', 'sentinel-failover', sentinelParameters());

    expect(facts).toMatchObject({
      failoverStarted: false,
      alreadyMaster: true,
      sentinelMaster: `127.0.0.1:${redis.replica.port}`,
    });
  });

  it('fails with an error naming the node and the command when Sentinel does not know the master', async () => {
    const result = await runDocument('redis-sentinel', 'sentinel-failover', {
      ...sentinelParameters(),
      MasterName: 'no-such-master',
    });
    console.log(
      `redis-sentinel/sentinel-failover for an unknown master: exit ${result.exitCode}, ${result.stderr.trim()}`,
    );

    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `redis-sentinel/sentinel-failover failed on ${hostname()} (Sentinel 127.0.0.1:`,
    );
    expect(result.stderr).toContain('Sentinel does not monitor a master named no-such-master');
  });
});
