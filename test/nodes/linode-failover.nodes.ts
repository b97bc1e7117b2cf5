import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { replay, type ReplayResult } from '../../engine/runner.js';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import {
  setCommandRunner,
  type NodeCommand,
  type NodeCommandResult,
} from '../../functions/kinds/sim-run-command.js';
import { freePort, killServer, startServer, stopAllServers, trackIn, waitFor } from './processes.js';
import { readDocument, renderCommand, type SelfHostedKind } from './ssm-document.js';
import { psql, startPostgresPair, type PostgresPair } from './servers/postgres.js';
import {
  answerFrom,
  startHaproxy,
  startNginx,
  writeHaproxy,
  type Haproxy,
  type NamedBackend,
  type Nginx,
} from './servers/proxies.js';
import { MASTER_NAME, redisCli, startRedisSentinelSet, type RedisSentinelSet } from './servers/redis.js';

/**
 * The Linode example end to end: examples/linode-stack.plan.yaml, with its servers' addresses,
 * ports and paths pointed at the real PostgreSQL pair, Redis + three Sentinels, HAProxy and Nginx
 * this run starts on 127.0.0.1 (the node ids stay the plan's), replayed through the workflow on
 * the simulated AWS, whose Run Command runs each document's real script in a local shell
 * (`setCommandRunner`). The assertions are on the servers themselves.
 */

/**
 * A backend that answers every request with its name, in its own process: the real runner blocks
 * this process while a script runs (the simulated SendCommand is synchronous), so a backend
 * served from here could not answer the proxies meanwhile.
 */
async function startBackendProcess(runDir: string, name: string): Promise<NamedBackend> {
  const port = await freePort();
  startServer({
    name: `backend ${name}`,
    command: process.execPath,
    args: [
      '-e',
      `require('node:http').createServer((q, r) => { r.setHeader('connection', 'close'); r.end(${JSON.stringify(name)}); }).listen(${port}, '127.0.0.1')`,
    ],
    logFile: join(runDir, `backend-${name}.log`),
  });
  await waitFor(`backend ${name} to answer`, async () =>
    (await answerFrom(port)) === name ? true : undefined,
  );
  return { name, port } as NamedBackend;
}

/** Runs the rendered document as the SSM agent would (`sh -c _script.sh`), synchronously. */
function realRunner(facts: string[]) {
  return (command: NodeCommand): NodeCommandResult => {
    const script = renderCommand(readDocument(command.kind as SelfHostedKind, command.document), {
      ...command.inputs,
    });
    const directory = mkdtempSync(join(tmpdir(), 'ssm-command-'));
    const file = join(directory, '_script.sh');
    writeFileSync(file, script);
    chmodSync(file, 0o700);
    try {
      const run = spawnSync('sh', ['-c', file], { cwd: directory, encoding: 'utf8', timeout: 180_000 });
      const result = { exitCode: run.status ?? -1, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
      const line = `${command.kind}/${command.document} on ${command.node}: ${
        result.exitCode === 0 ? result.stdout.trim() : `exit ${result.exitCode}: ${result.stderr.trim()}`
      }`;
      facts.push(line);
      console.log(line);
      // The workflow looks again after a virtual Wait that takes no real time: give a server that
      // is still changing (Sentinel electing a leader) a moment of real time between looks.
      if (/"(done|switched|writable)":false/.test(result.stdout))
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      return result;
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
}

describe('a failover of the Linode example through the workflow, on real servers', () => {
  // Its own directory: the other files of the run start servers of the same names beside it.
  const runDir = join(inject('nodesRunDir'), 'linode-failover');
  let pg: PostgresPair;
  let redis: RedisSentinelSet;
  let primary: NamedBackend;
  let recovery: NamedBackend;
  let haproxy: Haproxy;
  let nginx: Nginx;
  let result: ReplayResult;
  const facts: string[] = [];

  /** The example plan with the servers of this run. */
  function planForServers(): Plan {
    const file = 'examples/linode-stack.plan.yaml';
    const document = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const [pgItem] = document.postgresReplicas as Record<string, unknown>[];
    const [redisItem] = document.redisSentinels as Record<string, unknown>[];
    const [haproxyItem, nginxItem] = document.proxySwitches as Record<string, unknown>[];
    return parsePlan(
      {
        ...document,
        postgresReplicas: [
          {
            ...pgItem,
            host: '127.0.0.1',
            port: pg.replica.port,
            database: 'postgres',
            osUser: pg.replica.osUser,
          },
        ],
        redisSentinels: [
          {
            ...redisItem,
            masterName: MASTER_NAME,
            sentinelHost: '127.0.0.1',
            sentinelPort: redis.sentinels[0]?.port,
            recoveryHost: '127.0.0.1',
            recoveryPort: redis.replica.port,
            failoverTimeoutSeconds: 900,
          },
        ],
        proxySwitches: [
          {
            ...haproxyItem,
            adminSocket: haproxy.socket,
            backend: 'app',
            recoveryServer: 'recovery',
            primaryServer: 'primary',
            configFile: haproxy.configFile,
          },
          {
            ...nginxItem,
            activeInclude: nginx.activeInclude,
            targetFile: nginx.recoveryUpstream,
            configFile: nginx.configFile,
            probeUrl: `http://127.0.0.1:${nginx.port}/`,
          },
        ],
      },
      file,
    );
  }

  beforeAll(async () => {
    trackIn(inject('nodesRunDir'));
    mkdirSync(runDir, { recursive: true });
    // PostgreSQL runs as its own user, which must reach its data directory below this one.
    chmodSync(runDir, 0o755);
    pg = await startPostgresPair(runDir);
    redis = await startRedisSentinelSet(runDir);
    primary = await startBackendProcess(runDir, 'primary');
    recovery = await startBackendProcess(runDir, 'recovery');
    haproxy = await writeHaproxy(runDir, primary, recovery);
    await startHaproxy(haproxy);
    nginx = await startNginx(runDir, primary, recovery);

    // The application's last write on the primary reaches the replica; then the primary dies.
    psql(pg.primary, 'CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)');
    psql(pg.primary, "INSERT INTO orders VALUES (424242, 'last committed on the old primary')");
    await waitFor('the last row to reach the replica', () =>
      psql(pg.replica, 'SELECT count(*) FROM orders WHERE id = 424242') === '1' ? true : undefined,
    );
    if (pg.primary.server) await killServer(pg.primary.server);
    redisCli(redis.master.port, 'SET', 'session:last', 'written before the failover');
    await waitFor('the session to reach the Redis replica', () =>
      redisCli(redis.replica.port, 'GET', 'session:last') === 'written before the failover'
        ? true
        : undefined,
    );

    setCommandRunner(realRunner(facts));
    const event: unknown = JSON.parse(readFileSync('events/linode-health-alarm.json', 'utf8'));
    result = await replay({ plan: planForServers(), event });
  });
  afterAll(async () => {
    setCommandRunner(undefined);
    await stopAllServers();
  });

  it('succeeds, every step acting through the real scripts', () => {
    console.log(`replay: ${result.outcome}: ${result.summary}`);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('succeeded');
    expect(
      facts.some((line) => line.startsWith('postgres-replica/replica-lag on mi-0a1b2c3d4e5f60002: {')),
    ).toBe(true);
  });

  it('leaves the PostgreSQL replica accepting writes and holding the primary’s last committed row', () => {
    psql(pg.replica, "INSERT INTO orders VALUES (424243, 'first write after the failover')");
    const rows = psql(pg.replica, 'SELECT id FROM orders WHERE id IN (424242, 424243) ORDER BY id');
    const state = psql(pg.replica, 'SELECT pg_is_in_recovery(), pg_walfile_name(pg_current_wal_lsn())');
    console.log(
      `postgres replica after the failover: rows ${rows.replace('\n', ', ')}; in recovery, WAL file: ${state}`,
    );

    expect(rows.split('\n')).toEqual(['424242', '424243']);
    expect(state.startsWith('f|00000002')).toBe(true);
  });

  it('leaves Sentinel naming the recovery node as master, which reports ROLE master', () => {
    const master = redisCli(
      redis.sentinels[1]?.port ?? 0,
      'SENTINEL',
      'get-master-addr-by-name',
      MASTER_NAME,
    );
    const role = redisCli(redis.replica.port, 'ROLE').split('\n')[0];
    console.log(`Sentinel names ${master.replace('\n', ':')} as master of ${MASTER_NAME}; it says ${role}`);

    expect(master.split('\n')).toEqual(['127.0.0.1', String(redis.replica.port)]);
    expect(role).toBe('master');
    expect(redisCli(redis.replica.port, 'GET', 'session:last')).toBe('written before the failover');
  });

  it('leaves HAProxy and Nginx sending requests to the recovery backend', async () => {
    const viaHaproxy = await answerFrom(haproxy.port);
    const viaNginx = await answerFrom(nginx.port);
    console.log(`a request through HAProxy was answered by ${viaHaproxy}, through Nginx by ${viaNginx}`);

    expect(viaHaproxy).toBe('recovery');
    expect(viaNginx).toBe('recovery');
  });
});
