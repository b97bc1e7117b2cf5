import { describe, expect, it } from 'vitest';
import { observeReplay, type ObservedReplay } from '../../engine/faults/index.js';
import type { Scenario } from '../../engine/sim/index.js';
import type { Plan } from '../../functions/common/plan.js';
import { drillEvent } from './lock-support.js';
import { callsOf, examplePlan, routeHealthAlarm } from './support.js';

/**
 * The Gate's preflight: every resource of the plan is checked read-only before the first change
 * (the groups and parameters exist in the recovery region, the replicas too), so a resource that
 * cannot fail over stops the failover with a notice and not one mutating call. An optional one
 * is skipped with a warning instead.
 */

const lastNotice = ({ result }: ObservedReplay) => result.cloud.notifications.at(-1);

const optionalGroupAndParameter = (): Plan =>
  examplePlan((document) => {
    document.scalingGroups = [
      ...(document.scalingGroups ?? []),
      { name: 'shop-batch-usw2', min: 1, desired: 2, max: 4, optional: true },
    ];
    document.parameters = [
      ...(document.parameters ?? []),
      { name: '/shop/batch/region', value: '{{recoveryRegion}}', optional: true },
    ];
  });

describe('the preflight at the Gate', () => {
  it.each<[string, Scenario, RegExp]>([
    [
      'a recovery group missing from the recovery region',
      { groups: { 'shop-app-usw2': { missing: true } } },
      /group shop-app-usw2 not found in us-west-2/,
    ],
    [
      'a parameter missing from the recovery region',
      { parameters: { '/shop/db/port': { missing: true } } },
      /parameter \/shop\/db\/port not found in us-west-2/,
    ],
    [
      'a replica missing from the recovery region',
      { promotion: { 'shop-db-replica': { missing: true } } },
      /replica shop-db-replica|shop-db-replica not found/,
    ],
  ])('stops the failover with 0 mutating calls and notifies, for %s', async (_case, scenario, reason) => {
    const observed = await observeReplay(examplePlan(), routeHealthAlarm(), scenario);

    expect(observed.result.outcome, observed.result.summary).toBe('failed');
    expect(observed.result.error?.error).toBe('PreflightFailedError');
    expect(observed.result.mutatingCalls).toBe(0);
    const notice = lastNotice(observed);
    expect(notice?.subject).toBe('Failover FAILED: shop-prod at Gate');
    expect(notice?.message).toMatch(reason);
    expect(notice?.message).toContain('nothing was changed');
  });

  it('names every missing resource of a kind at once', async () => {
    const scenario: Scenario = {
      parameters: { '/shop/db/host': { missing: true }, '/shop/db/port': { missing: true } },
    };

    const observed = await observeReplay(examplePlan(), routeHealthAlarm(), scenario);

    expect(observed.result.error?.cause).toMatch(/2 of 3 parameters cannot fail over/);
    expect(observed.result.error?.cause).toContain('/shop/db/host not found');
    expect(observed.result.error?.cause).toContain('/shop/db/port not found');
  });

  it('changes nothing in a dry run either, and says why it stopped', async () => {
    const observed = await observeReplay(examplePlan(), drillEvent(true), {
      groups: { 'shop-app-usw2': { missing: true } },
    });

    expect(observed.result.error?.error).toBe('PreflightFailedError');
    expect(observed.result.mutatingCalls).toBe(0);
  });
});

describe('an optional resource that cannot fail over', () => {
  it('is skipped with a warning in the notice while the failover goes on', async () => {
    const plan = optionalGroupAndParameter();
    const scenario: Scenario = {
      groups: { 'shop-batch-usw2': { missing: true } },
      parameters: { '/shop/batch/region': { missing: true } },
    };

    const observed = await observeReplay(plan, routeHealthAlarm(), scenario);

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    const message = lastNotice(observed)?.message ?? '';
    expect(message).toMatch(/group shop-batch-usw2: WARNING: skipped \(optional\)/);
    expect(message).toMatch(/parameter \/shop\/batch\/region: WARNING: skipped \(optional\)/);
    const touched = [
      ...callsOf(observed.calls, 'UpdateAutoScalingGroup'),
      ...callsOf(observed.calls, 'PutParameter'),
    ].map((call) => JSON.stringify(call.input));
    expect(
      touched.filter((input) => input.includes('shop-batch-usw2') || input.includes('/shop/batch/')),
    ).toEqual([]);
    // The required resources still failed over.
    expect(callsOf(observed.calls, 'PromoteReadReplica')).toHaveLength(1);
    expect(observed.result.cloud.parameters['/shop/db/host']?.value).toContain('shop-db-replica');
  });

  it('is failed over like any other when it is there', async () => {
    const observed = await observeReplay(optionalGroupAndParameter(), routeHealthAlarm(), {});

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    expect(lastNotice(observed)?.message).not.toContain('WARNING: skipped');
    expect(observed.result.cloud.parameters['/shop/batch/region']?.value).toBe('us-west-2');
  });
});

describe('an optional database that cannot fail over', () => {
  /** The example plan with a second, optional database and an optional parameter naming it. */
  const planWithOptionalDatabase = (): Plan =>
    examplePlan((document) => {
      document.databases = [
        ...(document.databases ?? []),
        {
          id: 'reports',
          replica: 'reports-db-replica',
          maxLagSeconds: 30,
          lagWaitSeconds: 60,
          optional: true,
        },
      ];
      document.parameters = [
        ...(document.parameters ?? []),
        { name: '/shop/reports/host', value: '{{databases.reports.endpoint}}', optional: true },
      ];
    });

  it('is never promoted when its lag stays over the threshold, and the rest fails over', async () => {
    const scenario: Scenario = {
      lag: { 'reports-db-replica': [{ atSeconds: -600, lagSeconds: 600 }] },
    };

    const observed = await observeReplay(planWithOptionalDatabase(), routeHealthAlarm(), scenario);

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    const promoted = callsOf(observed.calls, 'PromoteReadReplica').map(
      (call) => (call.input as { DBInstanceIdentifier: string }).DBInstanceIdentifier,
    );
    expect(promoted).toEqual(['shop-db-replica']);
    const message = lastNotice(observed)?.message ?? '';
    expect(message).toMatch(/replica reports-db-replica: WARNING: skipped \(optional\)/);
    expect(message).toMatch(/parameter \/shop\/reports\/host: WARNING: skipped \(optional\)/);
    expect(
      callsOf(observed.calls, 'PutParameter').map((call) => JSON.stringify(call.input)),
    ).not.toContainEqual(expect.stringContaining('/shop/reports/host'));
  });

  it('cannot be named by a required parameter: the plan is refused', () => {
    expect(() =>
      examplePlan((document) => {
        document.databases = [
          ...(document.databases ?? []),
          { id: 'reports', replica: 'reports-db-replica', maxLagSeconds: 30, optional: true },
        ];
        document.parameters = [
          ...(document.parameters ?? []),
          { name: '/shop/reports/host', value: '{{databases.reports.endpoint}}' },
        ];
      }),
    ).toThrow(/names database "reports", which is optional/);
  });
});

describe('the success notice of a plan without databases', () => {
  it('gives no RPO estimate: the groups and parameters preflight measures no replication lag', async () => {
    const plan = examplePlan((document) => {
      document.databases = [];
      document.parameters = [{ name: '/shop/active-region', value: '{{recoveryRegion}}' }];
    });

    const observed = await observeReplay(plan, routeHealthAlarm(), {});

    expect(observed.result.outcome, observed.result.summary).toBe('succeeded');
    expect(lastNotice(observed)?.message).not.toContain('RPO estimate');
  });
});
