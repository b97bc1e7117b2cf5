import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stopAllServers, stopServer, trackIn } from './processes.js';
import { factsFrom, runDocument } from './run-document.js';
import {
  answerFrom,
  startHaproxy,
  startNamedBackend,
  startNginx,
  stopNamedBackends,
  writeHaproxy,
  type Haproxy,
  type NamedBackend,
  type Nginx,
} from './servers/proxies.js';

describe('proxy-switch documents on a real HAProxy and Nginx in front of two backends', () => {
  const runDir = inject('nodesRunDir');
  let primary: NamedBackend;
  let recovery: NamedBackend;
  let haproxy: Haproxy;
  let nginx: Nginx;

  beforeAll(async () => {
    trackIn(runDir);
    primary = await startNamedBackend('primary');
    recovery = await startNamedBackend('recovery');
    haproxy = await writeHaproxy(runDir, primary, recovery);
    await startHaproxy(haproxy);
    nginx = await startNginx(runDir, primary, recovery);
  });
  afterAll(async () => {
    await stopAllServers();
    await stopNamedBackends([primary, recovery]);
  });

  describe('HAProxy', () => {
    const parameters = () => ({
      AdminSocket: haproxy.socket,
      Backend: 'app',
      RecoveryServer: 'recovery',
      PrimaryServer: 'primary',
      ConfigFile: haproxy.configFile,
    });

    it('switch: sends the backend to the recovery server, persists it, and a restart keeps it', async () => {
      expect(await answerFrom(haproxy.port)).toBe('primary');

      const switched = await factsFrom('proxy-switch', 'haproxy-switch', parameters());
      // The runtime API applies at once: the very next request goes to the recovery server.
      const answered = await answerFrom(haproxy.port);
      console.log(
        `proxy-switch/haproxy: a request through 127.0.0.1:${haproxy.port} was answered by ${answered}`,
      );
      const state = await factsFrom('proxy-switch', 'haproxy-state', parameters());
      if (haproxy.server) await stopServer(haproxy.server);
      await startHaproxy(haproxy);

      expect(answered).toBe('recovery');
      expect(switched).toMatchObject({
        recoveryStatus: 'no check',
        primaryStatus: 'MAINT',
        configPersisted: true,
      });
      expect(state).toMatchObject({ switched: true, configPersisted: true });
      expect(readFileSync(haproxy.configFile, 'utf8')).toMatch(
        /server primary 127\.0\.0\.1:\d+ disabled\n\s+server recovery 127\.0\.0\.1:\d+\n/,
      );
      expect(await answerFrom(haproxy.port)).toBe('recovery');
    });

    it('switch: running it again changes nothing and succeeds', async () => {
      const before = readFileSync(haproxy.configFile, 'utf8');

      const facts = await factsFrom('proxy-switch', 'haproxy-switch', parameters());

      expect(facts).toMatchObject({
        recoveryStatus: 'no check',
        primaryStatus: 'MAINT',
        configPersisted: true,
      });
      expect(readFileSync(haproxy.configFile, 'utf8')).toBe(before);
      expect(await answerFrom(haproxy.port)).toBe('recovery');
    });

    it('fails with an error naming the node and the command for a server the backend does not have', async () => {
      const result = await runDocument('proxy-switch', 'haproxy-switch', {
        ...parameters(),
        RecoveryServer: 'standby',
      });
      console.log(
        `proxy-switch/haproxy-switch for an unknown server: exit ${result.exitCode}, ${result.stderr.trim()}`,
      );

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(
        `proxy-switch/haproxy-switch failed on ${hostname()} (backend app, socket ${haproxy.socket}): HAProxy has no server standby in backend app`,
      );
      expect(await answerFrom(haproxy.port)).toBe('recovery');
    });
  });

  describe('Nginx', () => {
    const parameters = () => ({
      ActiveInclude: nginx.activeInclude,
      TargetFile: nginx.recoveryUpstream,
      ConfigFile: nginx.configFile,
    });

    it('switch: points the upstream include at the recovery upstream and reloads', async () => {
      expect(await answerFrom(nginx.port)).toBe('primary');

      const switched = await factsFrom('proxy-switch', 'nginx-switch', parameters());
      // The document returns once the reload is applied: the very next request goes to the recovery upstream.
      const answered = await answerFrom(nginx.port);
      console.log(
        `proxy-switch/nginx: a request through 127.0.0.1:${nginx.port} was answered by ${answered}`,
      );
      const state = await factsFrom('proxy-switch', 'nginx-state', {
        ActiveInclude: nginx.activeInclude,
        TargetFile: nginx.recoveryUpstream,
        ProbeUrl: `http://127.0.0.1:${nginx.port}/`,
      });

      expect(answered).toBe('recovery');
      expect(switched).toMatchObject({
        switched: true,
        alreadyActive: false,
        previousTarget: nginx.primaryUpstream,
      });
      expect(state).toMatchObject({
        switched: true,
        activeTarget: nginx.recoveryUpstream,
        probeStatus: 200,
        probeBody: 'recovery',
      });
    });

    it('switch: running it again succeeds and keeps the recovery upstream', async () => {
      const facts = await factsFrom('proxy-switch', 'nginx-switch', parameters());

      expect(facts).toMatchObject({ switched: true, alreadyActive: true });
      expect(await answerFrom(nginx.port)).toBe('recovery');
    });

    it('fails with a clear error and restores the link when nginx -t refuses the target upstream', async () => {
      const result = await runDocument('proxy-switch', 'nginx-switch', {
        ...parameters(),
        TargetFile: nginx.brokenUpstream,
      });
      console.log(
        `proxy-switch/nginx-switch to a broken upstream: exit ${result.exitCode}, ${result.stderr.trim()}`,
      );

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(
        `proxy-switch/nginx-switch failed on ${hostname()} (${nginx.activeInclude} -> ${nginx.brokenUpstream}): nginx -t refused the configuration (link restored to ${nginx.recoveryUpstream})`,
      );
      expect(await answerFrom(nginx.port)).toBe('recovery');
    });
  });
});
