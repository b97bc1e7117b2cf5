import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentFromScript, documentSources, documentText, renderCommand } from './ssm-document.js';

const sources = documentSources();

describe('the self-hosted kinds’ SSM Command documents', () => {
  it('exist for every action of the three kinds', () => {
    expect(sources.map((source) => `${source.kind}/${source.name}`)).toEqual([
      'postgres-replica/check-writable',
      'postgres-replica/promote',
      'postgres-replica/read-back',
      'postgres-replica/replica-lag',
      'postgres-replica/reseed-standby',
      'redis-sentinel/master-state',
      'redis-sentinel/replica-link',
      'redis-sentinel/sentinel-failover',
      'proxy-switch/haproxy-state',
      'proxy-switch/haproxy-switch',
      'proxy-switch/nginx-state',
      'proxy-switch/nginx-switch',
    ]);
  });

  it.each(sources.map((source) => [`${source.kind}/${source.name}`, source] as const))(
    '%s: the .json is what its .sh generates (node --import tsx test/nodes/write-documents.ts)',
    async (_, source) => {
      expect(readFileSync(source.documentPath, 'utf8')).toBe(await documentText(source));
    },
  );

  it.each(sources.map((source) => [`${source.kind}/${source.name}`, source] as const))(
    '%s: every parameter is described and its allowedPattern refuses quotes, spaces and shell syntax',
    (_, source) => {
      const document = documentFromScript(source.name, readFileSync(source.scriptPath, 'utf8'));
      expect(Object.keys(document.parameters).length).toBeGreaterThan(0);
      for (const [name, parameter] of Object.entries(document.parameters)) {
        expect(parameter.description.length, name).toBeGreaterThan(20);
        for (const injection of ["x'; rm -rf /; '", 'a b', '$(id)', '`id`', 'a;b']) {
          expect(new RegExp(parameter.allowedPattern).test(injection), `${name} accepts ${injection}`).toBe(
            false,
          );
        }
        if (parameter.default !== undefined)
          expect(new RegExp(parameter.allowedPattern).test(parameter.default), name).toBe(true);
      }
    },
  );
});

describe('renderCommand', () => {
  const document = documentFromScript(
    'example',
    "#!/usr/bin/env bash\n# @description An example.\n# @timeout 30\n# @param Port default=5432 pattern=^[0-9]{1,5}$ The port to use here.\n# @param Name pattern=^[a-z]+$ A required name here.\nPORT='{{ Port }}' NAME='{{Name}}'\n",
  );

  it('fills in defaults and replaces each placeholder as SSM does', () => {
    expect(renderCommand(document, { Name: 'orders' })).toContain("PORT='5432' NAME='orders'");
  });

  it.each([
    [{}, 'requires parameter Name'],
    [{ Name: 'orders', Port: '54x' }, 'Port="54x" does not match'],
    [{ Name: 'orders', Host: 'db' }, 'has no parameter Host'],
  ])('refuses %j like SSM refuses the command', (values, message) => {
    expect(() => renderCommand(document, values)).toThrow(message);
  });
});
