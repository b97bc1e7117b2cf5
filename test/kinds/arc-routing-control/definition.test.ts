import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../functions/common/errors.js';
import { parsePlan } from '../../../functions/common/plan.js';
import {
  arcRoutingControlKind,
  targetStates,
} from '../../../functions/kinds/arc-routing-control/definition.js';
import { controlsPlan, ENDPOINTS, PRIMARY_CONTROL, RECOVERY_CONTROL, SAFETY_RULE } from './support.js';

const issues = (item: Record<string, unknown>): string[] => {
  try {
    parsePlan(controlsPlan(item));
  } catch (error) {
    if (error instanceof PlanValidationError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
};

describe('the plan section routingControls', () => {
  it('takes a set with its endpoints and controls, with the defaults filled in', () => {
    const plan = parsePlan(controlsPlan());

    expect(plan.routingControls).toEqual([
      {
        id: 'cells',
        clusterEndpoints: ENDPOINTS,
        on: [RECOVERY_CONTROL],
        off: [PRIMARY_CONTROL],
        safetyRulesToOverride: [],
        healthCheckDelaySeconds: 60,
        timeoutSeconds: 300,
        optional: false,
      },
    ]);
  });

  it.each([
    ['a control in both on and off', { off: [RECOVERY_CONTROL] }, /is in both on and off/],
    ['a control twice', { on: [RECOVERY_CONTROL, RECOVERY_CONTROL] }, /listed more than once/],
    [
      'a malformed ARN',
      { on: ['arn:aws:route53-recovery-control::1:routingcontrol/x'] },
      /routing control ARN/,
    ],
    [
      'an http endpoint',
      { clusterEndpoints: [{ region: 'us-west-2', url: 'http://cluster.example.com/v1' }] },
      /https URL/,
    ],
    ['six endpoints', { clusterEndpoints: [...ENDPOINTS, ...ENDPOINTS] }, /clusterEndpoints/],
    ['a Region twice', { clusterEndpoints: [ENDPOINTS[0], ENDPOINTS[0]] }, /Region is listed more than once/],
    ['no control to turn On', { on: [] }, /routingControls\[0\]\.on/],
    [
      'a safety rule that is a routing control',
      { safetyRulesToOverride: [RECOVERY_CONTROL] },
      /safety rule ARN/,
    ],
    ['an unknown key', { cluster: 'x' }, /cluster/],
  ])('rejects %s', (_case, item, message) => {
    expect(issues(item).join('\n')).toMatch(message);
  });

  it('rejects a control switched by two sets', () => {
    const document = controlsPlan();
    document.routingControls = [
      ...(document.routingControls ?? []),
      { id: 'other', clusterEndpoints: ENDPOINTS, on: [RECOVERY_CONTROL] },
    ];

    expect(() => parsePlan(document)).toThrow(/also switched by routing control set "cells"/);
  });

  it('takes safety rules to override', () => {
    expect(
      parsePlan(controlsPlan({ safetyRulesToOverride: [SAFETY_RULE] })).routingControls[0],
    ).toMatchObject({
      safetyRulesToOverride: [SAFETY_RULE],
    });
  });
});

describe('the kind definition', () => {
  it('turns the recovery cells On and the primary cells Off, and the other way to fail back', () => {
    const item = { on: [RECOVERY_CONTROL], off: [PRIMARY_CONTROL] };

    expect(targetStates(item, 'failover')).toEqual([
      { arn: RECOVERY_CONTROL, state: 'On' },
      { arn: PRIMARY_CONTROL, state: 'Off' },
    ]);
    expect(targetStates(item, 'failback')).toEqual([
      { arn: RECOVERY_CONTROL, state: 'Off' },
      { arn: PRIMARY_CONTROL, state: 'On' },
    ]);
  });

  it('grants reading and setting states on exactly the plan routing controls', () => {
    const plan = parsePlan(controlsPlan());
    const scope = { partition: 'aws', account: '111122223333' };

    expect(arcRoutingControlKind.permissions(plan, scope)).toEqual([
      {
        actions: [
          'route53-recovery-cluster:GetRoutingControlState',
          'route53-recovery-cluster:UpdateRoutingControlStates',
        ],
        resources: [RECOVERY_CONTROL, PRIMARY_CONTROL],
      },
    ]);
    expect(arcRoutingControlKind.readinessPermissions(plan, scope)).toEqual([
      {
        actions: ['route53-recovery-cluster:GetRoutingControlState'],
        resources: [RECOVERY_CONTROL, PRIMARY_CONTROL],
      },
    ]);
  });

  it('asks for a RECOVERY_CONTROL health check on each routing control, on and off alike, and none without sets', () => {
    const plan = parsePlan(controlsPlan());

    expect(arcRoutingControlKind.healthChecks?.(plan)).toEqual([
      {
        key: 'arc-routing-control-cells-usw2cell0a1b2c3d',
        name: `${plan.name}-cells-usw2cell0a1b2c3d`,
        type: 'RECOVERY_CONTROL',
        routingControlArn: RECOVERY_CONTROL,
      },
      {
        key: 'arc-routing-control-cells-use1cell0a1b2c3d',
        name: `${plan.name}-cells-use1cell0a1b2c3d`,
        type: 'RECOVERY_CONTROL',
        routingControlArn: PRIMARY_CONTROL,
      },
    ]);
    expect(arcRoutingControlKind.healthChecks?.({ ...plan, routingControls: [] })).toEqual([]);
  });

  it('budgets the timeout and the health check delay', () => {
    const plan = parsePlan(controlsPlan({ timeoutSeconds: 600, healthCheckDelaySeconds: 90 }));

    expect(arcRoutingControlKind.budgetSeconds(plan.routingControls)).toEqual({ gate: 0, change: 690 });
  });
});
