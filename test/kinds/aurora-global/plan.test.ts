import { describe, expect, it } from 'vitest';
import { serviceSpec } from '../../../engine/sim/kinds.js';
import { PlanValidationError } from '../../../functions/common/errors.js';
import { parsePlan, type PlanInput } from '../../../functions/common/plan.js';
import { auroraGlobalKind } from '../../../functions/kinds/aurora-global/definition.js';
import { planInput } from '../support.js';

/**
 * The plan's `auroraGlobalClusters` section and the templates that name its outputs, and how the
 * simulated RDS serves both kinds that share it.
 */

const item = {
  id: 'orders',
  globalCluster: 'orders-global-db',
  recoveryCluster: 'orders-db-usw2',
  maxLagSeconds: 30,
};

const withGlobal = (extra: Partial<PlanInput> = {}, overrides: Record<string, unknown> = {}): PlanInput => ({
  ...structuredClone(planInput),
  auroraGlobalClusters: [{ ...item, ...overrides }],
  ...extra,
});

function issuesOf(document: PlanInput): [string, string][] {
  try {
    parsePlan(document);
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues.map((issue) => [issue.path, issue.message]);
    throw error;
  }
  return [];
}

describe('the auroraGlobalClusters plan section', () => {
  it('fills in the lag wait, policy, timeout and optional defaults', () => {
    const plan = parsePlan(withGlobal());

    expect(plan.auroraGlobalClusters).toEqual([
      {
        ...item,
        lagWaitSeconds: 120,
        onLagExceeded: 'abort',
        failoverTimeoutSeconds: 1_800,
        optional: false,
      },
    ]);
  });

  it.each([
    [
      'a threshold above the RPO objective',
      { maxLagSeconds: 90 },
      'auroraGlobalClusters[0].maxLagSeconds',
      'exceeds objectives.rpoSeconds',
    ],
    [
      'a cluster identifier with an underscore',
      { recoveryCluster: 'orders_db' },
      'auroraGlobalClusters[0].recoveryCluster',
      'DB cluster identifier',
    ],
    ['an unknown key', { targetRegion: 'us-west-2' }, 'auroraGlobalClusters[0]', 'targetRegion'],
  ])('rejects %s, naming the field', (_case, overrides, path, message) => {
    expect(issuesOf(withGlobal({}, overrides))).toContainEqual([path, expect.stringContaining(message)]);
  });

  it('accepts a parameter template naming the writer endpoint of a global database of the plan', () => {
    const plan = parsePlan(
      withGlobal({
        parameters: [{ name: '/orders/db/host', value: '{{auroraGlobalClusters.orders.writerEndpoint}}' }],
      }),
    );

    expect(plan.parameters[0]?.value).toBe('{{auroraGlobalClusters.orders.writerEndpoint}}');
  });

  it.each([
    [
      'an id the plan does not list',
      '{{auroraGlobalClusters.billing.writerEndpoint}}',
      'names global database "billing", which the plan does not list',
    ],
    [
      'an output it does not have',
      '{{auroraGlobalClusters.orders.readerEndpoint}}',
      'a global database has writerEndpoint, port, clusterId, not "readerEndpoint"',
    ],
  ])('rejects a template naming %s', (_case, value, message) => {
    expect(issuesOf(withGlobal({ parameters: [{ name: '/orders/db/host', value }] }))).toEqual([
      ['parameters[0].value', expect.stringContaining(message)],
    ]);
  });

  it('requires a parameter naming an optional global database to be optional too', () => {
    const document = withGlobal(
      { parameters: [{ name: '/orders/db/host', value: '{{auroraGlobalClusters.orders.writerEndpoint}}' }] },
      { optional: true },
    );

    expect(issuesOf(document)).toEqual([
      ['parameters[0].value', expect.stringContaining('names global database "orders", which is optional')],
    ]);
  });

  it('grants the global cluster without a region and the recovery cluster in the recovery region', () => {
    const plan = parsePlan(withGlobal());

    const permissions = auroraGlobalKind.permissions(plan, { partition: 'aws', account: '111122223333' });

    expect(permissions).toContainEqual({
      actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
      resources: [
        'arn:aws:rds::111122223333:global-cluster:orders-global-db',
        'arn:aws:rds:us-west-2:111122223333:cluster:orders-db-usw2',
      ],
    });
  });
});

describe('the simulated RDS shared by rds-replica and aurora-global', () => {
  it("raises both kinds' modeled errors as the SDK's own classes", () => {
    const { modeledErrors } = serviceSpec('rds');

    expect(Object.keys(modeledErrors)).toEqual(
      expect.arrayContaining([
        'DBInstanceNotFoundFault',
        'GlobalClusterNotFoundFault',
        'InvalidGlobalClusterStateFault',
      ]),
    );
  });
});
