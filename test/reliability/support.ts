import { readFileSync } from 'node:fs';
import type { Plan } from '../../functions/common/plan.js';
import type { CallRecord } from '../../engine/sim/index.js';
import { examplePlan } from '../fixtures/plans.js';

export { examplePlan };

export const sampleEvent = (name: string): unknown => JSON.parse(readFileSync(`events/${name}.json`, 'utf8'));

export const routeHealthAlarm = (): unknown => sampleEvent('route53-health-alarm');

/** The example plan with a second database, a second group and a parameter naming both. */
export function twoDatabasePlan(): Plan {
  return examplePlan((document) => {
    document.databases = [
      ...(document.databases ?? []),
      {
        id: 'orders',
        replica: 'orders-db-replica',
        maxLagSeconds: 30,
        lagWaitSeconds: 60,
        onLagExceeded: 'promote',
      },
    ];
    document.scalingGroups = [
      ...(document.scalingGroups ?? []),
      { name: 'shop-worker-usw2', min: 1, desired: 2, max: 4 },
    ];
    document.parameters = [
      ...(document.parameters ?? []),
      { name: '/shop/orders/host', value: '{{databases.orders.endpoint}}:{{databases.orders.port}}' },
    ];
  });
}

/** Calls of one operation, in order. */
export const callsOf = (calls: readonly CallRecord[], operation: string): CallRecord[] =>
  calls.filter((call) => call.operation === operation);
