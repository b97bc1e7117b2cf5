import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServer, waitFor, type ServerProcess } from '../processes.js';

export const MASTER_NAME = 'cache';

export interface RedisNode {
  readonly name: string;
  readonly port: number;
  server?: ServerProcess;
}

/** A Redis master, a replica of it and three Sentinels watching the master, on 127.0.0.1. */
export interface RedisSentinelSet {
  readonly master: RedisNode;
  readonly replica: RedisNode;
  readonly sentinels: readonly RedisNode[];
}

/** One redis-cli command; the reply as redis-cli prints it when not on a terminal. */
export function redisCli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.status !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

async function startRedis(directory: string, node: RedisNode, args: readonly string[]): Promise<void> {
  node.server = startServer({
    name: `redis ${node.name}`,
    command: 'redis-server',
    args,
    logFile: join(directory, `${node.name}.log`),
    cwd: directory,
  });
  await waitFor(`redis ${node.name} to answer`, () =>
    redisCli(node.port, 'PING') === 'PONG' ? true : undefined,
  );
}

export async function startRedisSentinelSet(runDir: string): Promise<RedisSentinelSet> {
  const directory = join(runDir, 'redis');
  mkdirSync(directory, { recursive: true });
  const master: RedisNode = { name: 'master', port: await freePort() };
  const replica: RedisNode = { name: 'replica', port: await freePort() };
  const sentinels: RedisNode[] = [];
  for (const name of ['sentinel-1', 'sentinel-2', 'sentinel-3'])
    sentinels.push({ name, port: await freePort() });

  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory];
  await startRedis(directory, master, [
    '--port',
    String(master.port),
    ...common,
    '--dbfilename',
    'master.rdb',
  ]);
  await startRedis(directory, replica, [
    '--port',
    String(replica.port),
    ...common,
    '--dbfilename',
    'replica.rdb',
    '--replicaof',
    '127.0.0.1',
    String(master.port),
  ]);
  for (const sentinel of sentinels) {
    // Sentinel rewrites its configuration file, so each one gets its own. A long down-after keeps
    // the Sentinels from failing over on their own: the document's SENTINEL FAILOVER does it.
    const config = join(directory, `${sentinel.name}.conf`);
    writeFileSync(
      config,
      [
        `port ${sentinel.port}`,
        'bind 127.0.0.1',
        `dir ${directory}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 60000`,
        `sentinel failover-timeout ${MASTER_NAME} 30000`,
        '',
      ].join('\n'),
    );
    await startRedis(directory, sentinel, [config, '--sentinel']);
  }
  await waitFor('the replica to be in sync with the master', () =>
    /master_link_status:up/.test(redisCli(replica.port, 'INFO', 'replication')) ? true : undefined,
  );
  for (const sentinel of sentinels) {
    await waitFor(`${sentinel.name} to know the replica`, () =>
      redisCli(sentinel.port, 'SENTINEL', 'replicas', MASTER_NAME).includes(`127.0.0.1:${replica.port}`)
        ? true
        : undefined,
    );
  }
  return { master, replica, sentinels };
}
