import { beforeAll, describe, expect, it } from 'vitest';
import { runFaultMatrix, type MatrixReport, type MatrixRow } from '../../engine/faults/index.js';
import { examplePlan, routeHealthAlarm } from './support.js';

const plan = examplePlan();
let report: MatrixReport;

const label = (row: MatrixRow) =>
  `${row.case.operation.service} ${row.case.operation.operation} × ${row.case.fault} (${row.case.duration})`;
const rowsWhere = (predicate: (row: MatrixRow) => boolean) => report.rows.filter(predicate);

beforeAll(async () => {
  report = await runFaultMatrix(plan, routeHealthAlarm());
  console.info(
    `fault matrix: ${report.totals.scenarios} scenarios in ${report.wallMs} ms ` +
      `(${JSON.stringify({ ...report.totals })})`,
  );
}, 120_000);

describe('the fault matrix of a Route 53 health-check failover', () => {
  it('puts every operation of the fault-free call log under fault, the best-effort alarm re-check included', () => {
    const operations = report.operations.map(
      (operation) => `${operation.service}:${operation.region}:${operation.operation}`,
    );

    expect(operations).toEqual(
      expect.arrayContaining([
        'cloudwatch:us-east-1:DescribeAlarms',
        'cloudwatch:us-west-2:GetMetricData',
        'rds:us-west-2:DescribeDBInstances',
        'rds:us-west-2:PromoteReadReplica',
        'autoscaling:us-west-2:DescribeAutoScalingGroups',
        'autoscaling:us-west-2:UpdateAutoScalingGroup',
        'ssm:us-west-2:GetParameter',
        'ssm:us-west-2:PutParameter',
        'sns:us-west-2:Publish',
      ]),
    );
    expect(report.rows.length).toBeGreaterThanOrEqual(operations.length * 2);
  });

  it('skips the faults the simulator rejects as meaningless and counts them as not applicable', () => {
    const skipped = report.notApplicable.map(({ operation, fault }) => `${operation.operation} × ${fault}`);

    expect(skipped).toEqual(
      expect.arrayContaining(['GetParameter × invalidState', 'Publish × invalidState']),
    );
    expect(skipped).not.toContain('PromoteReadReplica × invalidState');
    expect(report.totals.notApplicable).toBe(skipped.length);
  });

  it('ends in no silent partial state and no unexplained stop', () => {
    const broken = rowsWhere((row) => row.problems.length > 0).map(
      (row) => `${label(row)}: ${row.problems.join('; ')}`,
    );

    expect(broken).toEqual([]);
    expect(report.totals['silent-partial']).toBe(0);
    expect(report.totals.unnotified).toBe(0);
  });

  it('ends every scenario succeeded, stopped with a notification, or unable to notify because SNS is down', () => {
    const { scenarios, succeeded, notified } = report.totals;

    expect(succeeded + notified + report.totals['sns-down']).toBe(scenarios);
    expect(succeeded).toBeGreaterThan(0);
    expect(notified).toBeGreaterThan(0);
  });

  it('names the failed step, the error and what was and was not done in every failure notification', () => {
    const failed = rowsWhere((row) => row.outcome === 'failed' && row.verdict === 'notified');

    expect(failed.length).toBeGreaterThan(0);
    for (const row of failed) {
      const body = row.notification?.message ?? '';
      expect(row.notification?.subject, label(row)).toMatch(/^Failover FAILED: shop-prod at /);
      expect(body, label(row)).toContain(`Failed step: ${row.failedStep ?? 'missing'}`);
      expect(row.failedStep, label(row)).not.toBe('unknown');
      expect(body, label(row)).toContain(`Error: ${row.error ?? 'missing'}`);
      expect(body, label(row)).toMatch(/Done \(read back from AWS\):/);
      expect(body, label(row)).toMatch(/Not done:/);
    }
  });

  it('classifies as SNS-down only scenarios that broke Publish, and their execution error is the original failure', () => {
    const snsDown = rowsWhere((row) => row.verdict === 'sns-down');

    expect(snsDown.length).toBeGreaterThan(0);
    for (const row of snsDown) {
      expect(row.case.operation.operation, label(row)).toBe('Publish');
      expect(row.problems, label(row)).toEqual([]);
    }
    const late = snsDown.find((row) => row.case.duration === 'late' && row.case.fault === 'accessDenied');
    expect(late).toMatchObject({
      error: 'AuthorizationErrorException',
      changed: expect.arrayContaining(['replica shop-db-replica']),
    });
  });

  it('rides out a transient throttle, 5xx or timeout of any operation', () => {
    // Except a Publish that times out: it may have gone out, so notify does not send it again
    // (no message twice) and the execution fails for the orchestrator's execution alarm.
    const transient = rowsWhere(
      (row) =>
        row.case.duration === 'transient' &&
        ['throttling', 'server', 'timeout'].includes(row.case.fault) &&
        !(row.case.operation.operation === 'Publish' && row.case.fault === 'timeout'),
    );
    const publishTimeouts = rowsWhere(
      (row) => row.case.operation.operation === 'Publish' && row.case.fault === 'timeout',
    );

    expect(transient.filter((row) => row.outcome !== 'succeeded').map(label)).toEqual([]);
    expect(publishTimeouts.map((row) => [row.case.duration, row.verdict, row.error])).toEqual(
      publishTimeouts.map((row) => [row.case.duration, 'sns-down', 'NotificationUnconfirmedError']),
    );
  });

  it('stops before any mutation when a read of the RPO gate keeps failing', () => {
    const gate = rowsWhere(
      (row) => row.case.operation.operation === 'GetMetricData' && row.case.duration === 'persistent',
    );

    expect(gate.map((row) => [row.case.fault, row.failedStep, row.mutatingCalls])).toEqual(
      gate.map((row) => [row.case.fault, 'Gate', 0]),
    );
  });

  it("puts every Task state the failover runs under each of Lambda's own faults, and none ends in a silent partial state", () => {
    const kinds = new Set(report.lambdaRows.map((row) => row.case.fault));
    const broken = report.lambdaRows
      .filter((row) => row.problems.length > 0 || row.verdict === 'silent-partial')
      .map(
        (row) => `${row.case.state} × ${row.case.fault} (${row.case.duration}): ${row.problems.join('; ')}`,
      );

    expect(report.taskStates.length).toBeGreaterThan(5);
    expect(report.lambdaRows).toHaveLength(report.taskStates.length * kinds.size * 2);
    expect([...kinds].sort()).toEqual([
      'Lambda.AWSLambdaException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
      'Sandbox.Timedout',
    ]);
    expect(broken).toEqual([]);
  });

  it("rides out a transient Lambda service error or throttle of any Task with the definition's retriers", () => {
    const transient = report.lambdaRows.filter(
      (row) => row.case.duration === 'transient' && row.case.fault !== 'Sandbox.Timedout',
    );

    expect(transient.length).toBeGreaterThan(0);
    expect(transient.filter((row) => row.outcome !== 'succeeded').map((row) => row.case.state)).toEqual([]);
  });

  // The wall time is printed above for information only (a shared machine is noisy). What matters
  // is that a fault never keeps a loop polling until Step Functions' history limit ends the run.
  it('never runs into the history limit: every fault ends in a decision of the workflow', () => {
    const runaway = [...report.rows, ...report.lambdaRows]
      .filter((row) => row.error === 'States.Runtime')
      .map((row) => row.problems.join('; ') || String(row.outcome));

    expect(report.rows.length).toBeGreaterThan(0);
    expect(runaway).toEqual([]);
  });
});
