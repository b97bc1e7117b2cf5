import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, killServer, stopAllServers, trackIn, waitFor } from './processes.js';
import { factsFrom, runDocument } from './run-document.js';
import { PG_BIN, psql, startPostgresPair, type PostgresPair } from './servers/postgres.js';

/**
 * The postgres-replica documents against a real PostgreSQL primary and streaming replica, in the
 * order of a failover and its failback: gate, outage of the primary (kill -9), promote, check,
 * read-back, then re-seed the old primary as a standby of the new one. Each step builds on the
 * servers the previous one left.
 */
describe('postgres-replica documents on a real primary and streaming replica', () => {
  const runDir = inject('nodesRunDir');
  let pair: PostgresPair;
  const on = (node: PostgresPair['primary']) => ({
    Host: '127.0.0.1',
    Port: String(node.port),
    OsUser: node.osUser,
  });

  beforeAll(async () => {
    trackIn(runDir);
    pair = await startPostgresPair(runDir);
    psql(pair.primary, 'CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)');
  });
  afterAll(stopAllServers);

  it('gate: reports a caught-up streaming replica within the lag threshold', async () => {
    await waitFor('the replica to replay the schema', () =>
      psql(pair.replica, "SELECT to_regclass('orders') IS NOT NULL") === 't' ? true : undefined,
    );

    const facts = await factsFrom('postgres-replica', 'replica-lag', on(pair.replica));

    expect(facts).toMatchObject({
      inRecovery: true,
      walReceiver: 'streaming',
      lagBytes: 0,
      lagSeconds: 0,
      withinThreshold: true,
    });
    expect(facts.upstream).toBe(`127.0.0.1:${pair.primary.port}`);
  });

  it('gate: reports lag over the threshold while received WAL waits to be replayed', async () => {
    psql(pair.replica, 'SELECT pg_wal_replay_pause()');
    psql(pair.primary, "INSERT INTO orders SELECT g, 'bulk ' || g FROM generate_series(1, 5000) g");
    await waitFor('the replica to receive WAL it has not replayed', () =>
      psql(pair.replica, 'SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()') === 't'
        ? true
        : undefined,
    );

    const facts = await factsFrom('postgres-replica', 'replica-lag', {
      ...on(pair.replica),
      MaxLagBytes: '65536',
    });
    psql(pair.replica, 'SELECT pg_wal_replay_resume()');

    expect(facts).toMatchObject({
      inRecovery: true,
      replayPaused: true,
      withinThreshold: false,
      maxLagBytes: 65536,
    });
    expect(facts.lagBytes).toBeGreaterThan(65536);
  });

  it('promote: after the primary is killed, the replica accepts writes and holds its last committed row', async () => {
    psql(pair.primary, "INSERT INTO orders VALUES (900001, 'last committed on the old primary')");
    await waitFor('the last row to reach the replica', () =>
      psql(pair.replica, 'SELECT count(*) FROM orders WHERE id = 900001') === '1' ? true : undefined,
    );
    if (pair.primary.server) await killServer(pair.primary.server);

    const promoted = await factsFrom('postgres-replica', 'promote', on(pair.replica));
    const check = await factsFrom('postgres-replica', 'check-writable', on(pair.replica));

    expect(promoted).toMatchObject({
      promoted: true,
      alreadyPromoted: false,
      inRecovery: false,
      timeline: 2,
    });
    expect(check).toMatchObject({ writable: true, inRecovery: false, transactionReadOnly: false });
    expect(psql(pair.replica, 'SELECT note FROM orders WHERE id = 900001')).toBe(
      'last committed on the old primary',
    );
    psql(pair.replica, "INSERT INTO orders VALUES (900002, 'first on the new primary')");
  });

  it('promote: a server that is already promoted promotes again successfully', async () => {
    const facts = await factsFrom('postgres-replica', 'promote', on(pair.replica));

    expect(facts).toMatchObject({ promoted: true, alreadyPromoted: true, timeline: 2 });
  });

  it('read-back: reports the new primary, its timeline and its WAL position', async () => {
    const facts = await factsFrom('postgres-replica', 'read-back', on(pair.replica));

    expect(facts).toMatchObject({ role: 'primary', inRecovery: false, timeline: 2 });
    expect(facts.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(facts.serverVersion).toMatch(/^15\./);
  });

  it('fails with an error naming the node and the command when the server does not answer', async () => {
    const port = String(await freePort());

    const result = await runDocument('postgres-replica', 'promote', {
      Host: '127.0.0.1',
      Port: port,
      OsUser: pair.replica.osUser,
    });
    console.log(
      `postgres-replica/promote on a closed port: exit ${result.exitCode}, ${result.stderr.trim()}`,
    );

    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `postgres-replica/promote failed on ${hostname()} (127.0.0.1:${port}): psql:`,
    );
    expect(result.stderr).toMatch(/connection .* refused|could not connect/i);
  });

  it('reseed-standby: the killed old primary comes back as a standby of the new primary (pg_rewind)', async () => {
    const { primary: oldPrimary, replica: newPrimary } = pair;
    const parameters = {
      ...on(oldPrimary),
      SourceHost: '127.0.0.1',
      SourcePort: String(newPrimary.port),
      DataDirectory: oldPrimary.dataDirectory,
      ConfigDirectory: oldPrimary.configDirectory,
      PgBinDir: PG_BIN,
      LogFile: join(runDir, 'postgres', 'reseed.log'),
    };

    const facts = await factsFrom('postgres-replica', 'reseed-standby', parameters);
    psql(newPrimary, "INSERT INTO orders VALUES (900003, 'written after the failback seed')");

    expect(facts).toMatchObject({
      reseeded: true,
      alreadyStandby: false,
      method: 'rewind',
      walReceiver: 'streaming',
      timeline: 2,
    });
    expect(facts.upstream).toBe(`127.0.0.1:${newPrimary.port}`);
    await waitFor('the re-seeded standby to replay a new row', () =>
      psql(oldPrimary, 'SELECT note FROM orders WHERE id = 900003') === 'written after the failback seed'
        ? true
        : undefined,
    );
    expect(psql(oldPrimary, 'SELECT note FROM orders WHERE id = 900002')).toBe('first on the new primary');
    expect(await factsFrom('postgres-replica', 'reseed-standby', parameters)).toMatchObject({
      alreadyStandby: true,
      reseeded: true,
    });
  });
});
