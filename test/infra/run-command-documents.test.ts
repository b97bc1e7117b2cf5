import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { orchestratorApp, repositoryPath, synthesize, templateOf } from './infra-helpers.js';

/**
 * The construct creates the SSM Command documents of the Run Command kinds the plan uses, named
 * as the kinds' functions send them and as their IAM names them, from the JSON files in the kinds'
 * documents/ folders.
 */

type Document = {
  Properties: { Name: string; DocumentType: string; UpdateMethod: string; Content: unknown };
};

const documentsOf = (template: Template) =>
  Object.values(template.findResources('AWS::SSM::Document') as Record<string, Document>).map(
    (resource) => resource.Properties,
  );

describe('the Run Command documents of a plan with self-hosted servers', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp(repositoryPath('examples/linode-stack.plan.yaml'), {
      bundle: false,
    });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  it('creates every document of each kind the plan uses, named Failover-<plan>-<kind>-<document>', () => {
    const names = documentsOf(template)
      .map((document) => document.Name)
      .sort();

    expect(names).toEqual(
      [
        'postgres-replica-check-writable',
        'postgres-replica-promote',
        'postgres-replica-read-back',
        'postgres-replica-replica-lag',
        'postgres-replica-reseed-standby',
        'proxy-switch-haproxy-state',
        'proxy-switch-haproxy-switch',
        'proxy-switch-nginx-state',
        'proxy-switch-nginx-switch',
        'redis-sentinel-master-state',
        'redis-sentinel-replica-link',
        'redis-sentinel-sentinel-failover',
      ].map((name) => `Failover-linode-stack-${name}`),
    );
  });

  it('creates Command documents from the shipped JSON, updated in place as new versions', () => {
    const promote = documentsOf(template).find(
      (document) => document.Name === 'Failover-linode-stack-postgres-replica-promote',
    );

    expect(promote).toMatchObject({ DocumentType: 'Command', UpdateMethod: 'NewVersion' });
    expect(promote?.Content).toEqual(
      JSON.parse(
        readFileSync(repositoryPath('functions/kinds/postgres-replica/documents/promote.json'), 'utf8'),
      ),
    );
  });
});

describe('the Run Command documents of a plan without self-hosted servers', () => {
  it('creates none', () => {
    const { app, stack } = orchestratorApp(repositoryPath('examples/shop-prod.plan.yaml'), { bundle: false });

    expect(documentsOf(templateOf(synthesize(app, [stack]), stack))).toEqual([]);
  });
});
