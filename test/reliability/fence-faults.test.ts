import { beforeAll, describe, expect, it } from 'vitest';
import {
  discoverOperations,
  judgeReplay,
  matrixCases,
  observeReplay,
  runLambdaMatrix,
  type LambdaMatrixRow,
  type MatrixCase,
  type ScenarioVerdict,
} from '../../engine/faults/index.js';
import type { Plan } from '../../functions/common/plan.js';
import { examplePlan } from '../fixtures/plans.js';
import { routeHealthAlarm } from './support.js';

/**
 * The fault matrix on the fence of the old region (issue 10): every operation the fence calls in
 * the primary region, under every fault the matrix knows, and the fence's Task states under
 * Lambda's own faults. The fence is best effort: every scenario must end in a failover that
 * succeeded, with a notice whose fence lines agree with the cloud (engine/faults/end-state.ts).
 */

const plan: Plan = examplePlan((document) => {
  Object.assign(document.databases?.[0] ?? {}, { primary: 'shop-db' });
  Object.assign(document.scalingGroups?.[0] ?? {}, { primaryGroup: 'shop-app-use1' });
});
const FENCE_STATES = ['Stop Old Primaries', 'Scale Old Groups To Zero'];

let operations: string[];
let rows: { readonly matrixCase: MatrixCase; readonly verdict: ScenarioVerdict }[];
let lambdaRows: LambdaMatrixRow[];

const label = ({ matrixCase }: { readonly matrixCase: MatrixCase }) =>
  `${matrixCase.operation.service} ${matrixCase.operation.operation} × ${matrixCase.fault} (${matrixCase.duration})`;

beforeAll(async () => {
  const event = routeHealthAlarm();
  const discovered = await discoverOperations(plan, event);
  const fenceOperations = discovered.operations.filter(
    (operation) =>
      operation.region === plan.primaryRegion &&
      (operation.service === 'rds' || operation.service === 'autoscaling'),
  );
  operations = fenceOperations.map((operation) => `${operation.service}:${operation.operation}`);
  rows = [];
  for (const matrixCase of matrixCases(fenceOperations).cases) {
    const observed = await observeReplay(plan, event, matrixCase.scenario);
    rows.push({ matrixCase, verdict: judgeReplay(plan, observed) });
  }
  lambdaRows = await runLambdaMatrix(plan, event, FENCE_STATES);
  console.info(`fence fault matrix: ${rows.length} API scenarios, ${lambdaRows.length} Lambda scenarios`);
}, 300_000);

describe('the fault matrix of the fence', () => {
  it('puts every call the fence makes into the old region under fault', () => {
    expect(operations).toEqual(
      expect.arrayContaining([
        'rds:DescribeDBInstances',
        'rds:StopDBInstance',
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:UpdateAutoScalingGroup',
      ]),
    );
    expect(rows.length).toBeGreaterThanOrEqual(operations.length * 5);
  });

  it('never fails the failover, and its notice never calls fenced what the cloud shows is not', () => {
    const broken = rows
      .filter(({ verdict }) => verdict.verdict !== 'succeeded' || verdict.problems.length > 0)
      .map((row) => `${label(row)}: ${row.verdict.verdict} ${row.verdict.problems.join('; ')}`);

    expect(broken).toEqual([]);
  });

  it('reports a resource it could not fence as NOT fenced yet, with the error', () => {
    const stopRefused = rows.find(
      ({ matrixCase }) =>
        matrixCase.operation.operation === 'StopDBInstance' &&
        matrixCase.fault === 'accessDenied' &&
        matrixCase.duration === 'persistent',
    );

    expect(stopRefused?.verdict.notification?.message).toContain(
      '- old primary shop-db: NOT fenced yet (retried every 5 minutes): StopDBInstance failed: AccessDenied',
    );
  });

  it("ends every fence Task state under Lambda's own faults in a failover that succeeded", () => {
    const broken = lambdaRows
      .filter((row) => row.verdict !== 'succeeded' || row.problems.length > 0)
      .map(
        (row) =>
          `${row.case.state} × ${row.case.fault} (${row.case.duration}): ${row.verdict} ${row.problems.join('; ')}`,
      );

    expect(lambdaRows.length).toBeGreaterThanOrEqual(FENCE_STATES.length * 2);
    expect(broken).toEqual([]);
  });
});
