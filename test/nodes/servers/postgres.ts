import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, startServer, trackPidFile, waitFor, type ServerProcess } from '../processes.js';

/** PostgreSQL's binaries (Debian's layout; FAILOVER_NODES_PG_BIN overrides). */
export const PG_BIN = process.env.FAILOVER_NODES_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user. */
function serverUser(): { uid?: number; gid?: number; name: string } {
  if (process.getuid?.() !== 0) return { name: process.env.USER ?? 'postgres' };
  const uid = Number(run('id', ['-u', 'postgres']).trim());
  const gid = Number(run('id', ['-g', 'postgres']).trim());
  return { uid, gid, name: 'postgres' };
}

/**
 * One cluster laid out as Debian lays it out: the configuration in its own directory (given to
 * `postgres -D` and `pg_ctl -D`), pointing at the data directory, so that pg_basebackup and
 * pg_rewind, which copy a data directory, never copy a node's port.
 */
export interface PostgresNode {
  readonly name: string;
  readonly port: number;
  readonly dataDirectory: string;
  readonly configDirectory: string;
  readonly logFile: string;
  readonly osUser: string;
  server?: ServerProcess;
}

export interface PostgresPair {
  readonly primary: PostgresNode;
  readonly replica: PostgresNode;
}

function writeConfig(node: PostgresNode, socketDirectory: string): void {
  writeFileSync(
    join(node.configDirectory, 'postgresql.conf'),
    [
      `data_directory = '${node.dataDirectory}'`,
      `hba_file = '${node.dataDirectory}/pg_hba.conf'`,
      `ident_file = '${node.dataDirectory}/pg_ident.conf'`,
      `port = ${node.port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${socketDirectory}'`,
      `wal_level = replica`,
      `max_wal_senders = 10`,
      `wal_keep_size = '128MB'`,
      `hot_standby = on`,
      `wal_log_hints = on`,
      `shared_buffers = '16MB'`,
      `max_connections = 30`,
      // Only an operating-system crash loses unsynced writes; a killed server does not.
      `fsync = off`,
      '',
    ].join('\n'),
  );
}

function newNode(
  root: string,
  name: string,
  port: number,
  user: ReturnType<typeof serverUser>,
): PostgresNode {
  const base = join(root, name);
  const node: PostgresNode = {
    name,
    port,
    dataDirectory: join(base, 'data'),
    configDirectory: join(base, 'conf'),
    logFile: join(base, 'server.log'),
    osUser: user.name,
  };
  for (const directory of [base, node.configDirectory, join(base, 'run')]) {
    mkdirSync(directory, { recursive: true });
    if (user.uid !== undefined && user.gid !== undefined) chownSync(directory, user.uid, user.gid);
  }
  writeConfig(node, join(base, 'run'));
  return node;
}

/** Runs a PostgreSQL tool as the clusters' user. */
function pgTool(tool: string, args: readonly string[]): string {
  const user = serverUser();
  return run(join(PG_BIN, tool), args, { uid: user.uid, gid: user.gid, cwd: '/' });
}

/** One SQL statement on a node over TCP; the rows as psql prints them unaligned (-At). */
export function psql(node: PostgresNode, sql: string): string {
  return pgTool('psql', [
    '-X',
    '-w',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    '127.0.0.1',
    '-p',
    String(node.port),
    '-U',
    'postgres',
    '-d',
    'postgres',
    '-c',
    sql,
  ]).trim();
}

export async function startNode(node: PostgresNode): Promise<void> {
  const user = serverUser();
  node.server = startServer({
    name: `postgres ${node.name}`,
    command: join(PG_BIN, 'postgres'),
    args: ['-D', node.configDirectory],
    logFile: node.logFile,
    stopSignal: 'SIGINT',
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
  });
  await waitFor(`${node.name} to accept connections`, () => {
    const ready = spawnSync(join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(node.port)]);
    return ready.status === 0 ? true : undefined;
  });
}

/**
 * A primary and a streaming replica of it (pg_basebackup -R), both running and the replica
 * streaming. A node that a document later starts with pg_ctl is tracked by its pid file.
 */
export async function startPostgresPair(runDir: string): Promise<PostgresPair> {
  const user = serverUser();
  const root = join(runDir, 'postgres');
  mkdirSync(root, { recursive: true });
  if (user.uid !== undefined && user.gid !== undefined) chownSync(root, user.uid, user.gid);
  const primary = newNode(root, 'primary', await freePort(), user);
  const replica = newNode(root, 'replica', await freePort(), user);
  for (const node of [primary, replica]) trackPidFile(join(node.dataDirectory, 'postmaster.pid'));

  pgTool('initdb', [
    '-D',
    primary.dataDirectory,
    '-U',
    'postgres',
    '--auth=trust',
    '--locale=C',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  await startNode(primary);
  pgTool('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    replica.dataDirectory,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
    '--no-sync',
  ]);
  await startNode(replica);
  await waitFor('the replica to stream from the primary', () =>
    psql(replica, 'SELECT status FROM pg_stat_wal_receiver') === 'streaming' ? true : undefined,
  );
  return { primary, replica };
}

export function hasPostgres(): boolean {
  return existsSync(join(PG_BIN, 'postgres'));
}
