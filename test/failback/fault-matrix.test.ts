import { describe, expect, it } from 'vitest';
import { runFailbackFaultMatrix } from '../../engine/faults/failback-matrix.js';
import { failbackPlan } from './support.js';

/**
 * Must-show 4 (issue 10): fault injection covers the failback path with no silent partial state.
 * Here every fault on every operation the failback leg calls, from its first call in the leg on
 * (persistent); `npm run faults -- --direction failback` runs the transient and late ones too.
 */
describe('the fault matrix on the failback path', () => {
  it('finds no silent partial state and no missing notice', async () => {
    const report = await runFailbackFaultMatrix(failbackPlan(), { durations: ['persistent'] });
    expect(
      report.operations.filter((operation) => operation.mutating).map((operation) => operation.operation),
    ).toEqual(
      expect.arrayContaining([
        'ModifyDBInstance',
        'StartDBInstance',
        'StopDBInstance',
        'CreateDBInstanceReadReplica',
        'PromoteReadReplica',
        'PutParameter',
        'UpdateAutoScalingGroup',
      ]),
    );
    expect(
      report.rows
        .filter((row) => row.problems.length > 0)
        .map((row) => `${row.case.operation.operation} ${row.case.fault}: ${row.problems.join('; ')}`),
    ).toEqual([]);
    expect(report.totals['silent-partial']).toBe(0);
    expect(report.totals.unnotified).toBe(0);
    expect(report.totals.notified).toBeGreaterThan(100);
  }, 600_000);
});
