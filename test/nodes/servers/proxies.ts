import { createServer, request, type Server } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServer, waitFor, type ServerProcess } from '../processes.js';

/** A tiny HTTP server on loopback that answers every request with its name. */
export interface NamedBackend {
  readonly name: string;
  readonly port: number;
  readonly server: Server;
}

export async function startNamedBackend(name: string): Promise<NamedBackend> {
  const port = await freePort();
  const server = createServer((_, response) => {
    response.setHeader('connection', 'close');
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { name, port, server };
}

export async function stopNamedBackends(backends: readonly NamedBackend[]): Promise<void> {
  await Promise.all(backends.map((backend) => new Promise((resolve) => backend.server.close(resolve))));
}

/** One GET over loopback; the body, which names the backend that answered. */
export function answerFrom(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(response.statusCode === 200 ? body : `HTTP ${response.statusCode}`));
    });
    call.on('error', reject);
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.end();
  });
}

export interface Haproxy {
  readonly port: number;
  readonly socket: string;
  readonly configFile: string;
  readonly logFile: string;
  server?: ServerProcess;
}

/** HAProxy with backend app: server primary in service, server recovery in maintenance (disabled). */
export async function writeHaproxy(
  runDir: string,
  primary: NamedBackend,
  recovery: NamedBackend,
): Promise<Haproxy> {
  const directory = join(runDir, 'haproxy');
  mkdirSync(directory, { recursive: true });
  const haproxy: Haproxy = {
    port: await freePort(),
    socket: join(directory, 'admin.sock'),
    configFile: join(directory, 'haproxy.cfg'),
    logFile: join(directory, 'haproxy.log'),
  };
  writeFileSync(
    haproxy.configFile,
    [
      'global',
      `    stats socket ${haproxy.socket} mode 600 level admin`,
      '',
      'defaults',
      '    mode http',
      '    timeout connect 2s',
      '    timeout client 5s',
      '    timeout server 5s',
      '',
      'frontend web',
      `    bind 127.0.0.1:${haproxy.port}`,
      '    default_backend app',
      '',
      'backend app',
      `    server primary 127.0.0.1:${primary.port}`,
      `    server recovery 127.0.0.1:${recovery.port} disabled`,
      '',
    ].join('\n'),
  );
  return haproxy;
}

export async function startHaproxy(haproxy: Haproxy): Promise<void> {
  haproxy.server = startServer({
    name: 'haproxy',
    command: 'haproxy',
    args: ['-db', '-f', haproxy.configFile],
    logFile: haproxy.logFile,
  });
  await waitFor('haproxy to answer', () => answerFrom(haproxy.port));
}

export interface Nginx {
  readonly port: number;
  readonly configFile: string;
  /** The symbolic link nginx.conf includes; it points at one of the two upstream files. */
  readonly activeInclude: string;
  readonly primaryUpstream: string;
  readonly recoveryUpstream: string;
  readonly brokenUpstream: string;
  server?: ServerProcess;
}

export async function startNginx(
  runDir: string,
  primary: NamedBackend,
  recovery: NamedBackend,
): Promise<Nginx> {
  const directory = join(runDir, 'nginx');
  const upstreams = join(directory, 'upstreams');
  mkdirSync(join(directory, 'temp'), { recursive: true });
  mkdirSync(upstreams, { recursive: true });
  const nginx: Nginx = {
    port: await freePort(),
    configFile: join(directory, 'nginx.conf'),
    activeInclude: join(upstreams, 'app.conf'),
    primaryUpstream: join(upstreams, 'app.primary.conf'),
    recoveryUpstream: join(upstreams, 'app.recovery.conf'),
    brokenUpstream: join(upstreams, 'app.broken.conf'),
  };
  writeFileSync(nginx.primaryUpstream, `upstream app { server 127.0.0.1:${primary.port}; }\n`);
  writeFileSync(nginx.recoveryUpstream, `upstream app { server 127.0.0.1:${recovery.port}; }\n`);
  writeFileSync(nginx.brokenUpstream, `upstream app { server 127.0.0.1:${recovery.port} }\n`);
  symlinkSync(nginx.primaryUpstream, nginx.activeInclude);
  const temp = join(directory, 'temp');
  writeFileSync(
    nginx.configFile,
    [
      'worker_processes 1;',
      `pid ${join(directory, 'nginx.pid')};`,
      `error_log ${join(directory, 'error.log')};`,
      'events { worker_connections 64; }',
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `    ${kind}_temp_path ${temp}/${kind};`,
      ),
      `    include ${nginx.activeInclude};`,
      '    server {',
      `        listen 127.0.0.1:${nginx.port};`,
      '        location / { proxy_pass http://app; }',
      '    }',
      '}',
      '',
    ].join('\n'),
  );
  nginx.server = startServer({
    name: 'nginx',
    command: 'nginx',
    args: ['-c', nginx.configFile, '-e', join(directory, 'error.log'), '-g', 'daemon off;'],
    logFile: join(directory, 'nginx.log'),
  });
  await waitFor('nginx to answer', () => answerFrom(nginx.port));
  return nginx;
}
