import type { Plan, PlanInput } from '../../functions/common/plan.js';
import { main } from '../../cli/main.js';
import { examplePlan } from '../fixtures/plans.js';

type Loose = Record<string, unknown>;

/**
 * The example plan with what a failback needs (issue 10): each database's `primary`, each group's
 * `primaryGroup`, and a freeze parameter.
 */
export const failbackPlan = (change: (document: PlanInput) => void = () => undefined): Plan =>
  examplePlan((document) => {
    const doc = document as Loose;
    (doc.databases as Loose[])[0]!.primary = 'shop-db';
    (doc.scalingGroups as Loose[])[0]!.primaryGroup = 'shop-app-use1';
    doc.failback = { freezeParameter: { name: '/shop/writes', frozenValue: 'frozen', openValue: 'open' } };
    change(document);
  });

/** A plan with two databases and two groups (must-show 1, "several"). */
export const twoOfEachPlan = (): Plan =>
  failbackPlan((document) => {
    const doc = document as Loose;
    (doc.databases as Loose[]).push({
      id: 'orders',
      replica: 'orders-db-replica',
      primary: 'orders-db',
      maxLagSeconds: 30,
      lagWaitSeconds: 120,
      onLagExceeded: 'abort',
    });
    (doc.scalingGroups as Loose[]).push({
      name: 'shop-worker-usw2',
      min: 2,
      desired: 4,
      max: 8,
      primaryGroup: 'shop-worker-use1',
    });
    (doc.parameters as Loose[]).push({ name: '/shop/orders/host', value: '{{databases.orders.endpoint}}' });
  });

/** `failover <argv>` in process: the exit code, stdout joined, stderr lines. */
export const runCli = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err };
};
