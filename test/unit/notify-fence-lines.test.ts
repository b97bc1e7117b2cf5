import { describe, expect, it } from 'vitest';
import type { FencingRecord } from '../../functions/common/fencing-record.js';
import type { WorkflowState } from '../../functions/common/workflow-state.js';
import { autoScalingGroupKind } from '../../functions/kinds/auto-scaling-group/definition.js';
import { rdsReplicaKind } from '../../functions/kinds/rds-replica/definition.js';
import { failureText } from '../../functions/notify/compose.js';
import { fenceLines } from '../../functions/notify/fence-lines.js';

/**
 * The notice's fence lines (functions/notify/fence-lines.ts): one line per resource from the
 * fencing record, a kind whose fence failed said so, nothing when the fence did not run.
 */

const record = (kind: string, resources: FencingRecord['resources']): FencingRecord => ({
  planName: 'shop-prod',
  kind,
  failoverExecution: 'arn:aws:states:us-west-2:111111111111:execution:failover-shop-prod:run-1',
  state: 'open',
  resources,
  updatedAt: '2026-11-24T09:06:02.000Z',
});
const summary = (kind: string, message: string) =>
  ({ kind, action: 'fence', done: true, waitSeconds: 0, total: 1, pending: 0, message }) as const;

describe('fenceLines', () => {
  it('says nothing when the fence did not run', () => {
    expect(fenceLines({}, [{ kind: rdsReplicaKind }], 'us-east-1', failureText)).toEqual([]);
  });

  it('gives one line per resource, fenced or not yet with the reason, and leaves out the not applicable', () => {
    // Arrange
    const state: WorkflowState = { fence: [summary('rds-replica', '1 of 1 fenced')] };
    const databases = record('rds-replica', [
      { label: 'shop-db', status: 'fenced', attempts: 1, detail: 'stopping after final snapshot s-1' },
      { label: 'orders-db-replica', status: 'not-applicable', attempts: 0, detail: 'not applicable' },
    ]);
    const groups = record('auto-scaling-group', [
      {
        label: 'shop-app-use1',
        status: 'pending',
        attempts: 1,
        detail: 'not reachable in us-east-1: TimeoutError',
      },
    ]);

    // Act
    const lines = fenceLines(
      state,
      [
        { kind: rdsReplicaKind, fencing: databases },
        { kind: autoScalingGroupKind, fencing: groups },
      ],
      'us-east-1',
      failureText,
    );

    // Assert
    expect(lines).toEqual([
      'Fence of the old region (us-east-1), so that no writer there reaches the old primary:',
      '- old primary shop-db: fenced: stopping after final snapshot s-1',
      '- old group shop-app-use1: NOT fenced yet (retried every 5 minutes): not reachable in us-east-1: TimeoutError',
    ]);
  });

  it("says which kind's fence failed, and when the whole fence failed", () => {
    // Arrange
    const state: WorkflowState = {
      fence: [
        {
          kind: 'rds-replica',
          action: 'fence',
          done: false,
          failure: { Error: 'Lambda.ServiceException', Cause: 'Lambda is unavailable' },
        },
      ],
      fenceFailure: { Error: 'States.Timeout', Cause: 'the Parallel timed out' },
    };

    // Act
    const lines = fenceLines(state, [{ kind: rdsReplicaKind }], 'us-east-1', failureText);

    // Assert
    expect(lines.slice(1)).toEqual([
      '- RDS read replicas: fence failed: Lambda.ServiceException: Lambda is unavailable',
      '- fence failed: States.Timeout: the Parallel timed out; the scheduled retry tries again',
    ]);
  });

  it('reports what a dry run would fence from the kinds’ summaries', () => {
    // Arrange
    const state: WorkflowState = {
      trigger: {
        kind: 'drill',
        reason: 'game day',
        triggeredAt: '2026-11-24T09:00:00.000Z',
        confirmSeconds: 0,
        dryRun: true,
        executionId: 'run-1',
      },
      fence: [
        summary(
          'auto-scaling-group',
          'dry run: shop-app-use1: would scale it to 0 (now min 3 desired 6 max 12)',
        ),
      ],
    };

    // Act
    const lines = fenceLines(state, [{ kind: autoScalingGroupKind }], 'us-east-1', failureText);

    // Assert
    expect(lines.slice(1)).toEqual([
      '- Auto Scaling groups: dry run: shop-app-use1: would scale it to 0 (now min 3 desired 6 max 12)',
    ]);
  });
});
