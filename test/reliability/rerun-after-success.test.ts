import { describe, expect, it } from 'vitest';
import { createReplayCloud, loadDefinition, replay, type LocalWorkflow } from '../../engine/runner.js';
import type { PlainItem } from '../../engine/sim/index.js';
import type { StepHandler } from '../../engine/step-registry.js';
import { alarmEvent, lockItemOf, plan } from './lock-support.js';

const event = alarmEvent();

interface Target {
  readonly functionId: string;
  /** The step input's `action` (kinds, lock) or `kind` (notify) of the invocation to re-run. */
  readonly select: string;
}

/**
 * The failover workflow in which the first invocation of one step runs to its end and then
 * loses its response (Lambda.ServiceException, which every Task's Retry retries): Step Functions
 * runs the step a second time after it already succeeded.
 */
async function workflowLosingOneResponse(target: Target): Promise<LocalWorkflow> {
  const { definition, handlers, functionIds } = await loadDefinition(plan);
  let lost = false;
  const wrapped = Object.fromEntries(
    [...handlers].map(([arn, handler]) => {
      if (functionIds.get(arn) !== target.functionId) return [arn, handler];
      const losing: StepHandler = (async (input: { action?: string; kind?: string }, context: never) => {
        const output = await (handler as (input: unknown, context: never) => Promise<unknown>)(
          input,
          context,
        );
        if (!lost && (input.action ?? input.kind) === target.select) {
          lost = true;
          throw Object.assign(new Error('The response was lost on the way back.'), {
            name: 'Lambda.ServiceException',
          });
        }
        return output;
      }) as StepHandler;
      return [arn, losing];
    }),
  );
  return { definition: definition as LocalWorkflow['definition'], handlers: wrapped };
}

/**
 * What the failover record keeps of one run: each resource's write-once facts, each kind's
 * progress messages, with times masked (a retry shifts everything after it by its interval).
 */
function recordOf(items: readonly PlainItem[]): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(rawRecordOf(items)).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>'),
  ) as Record<string, unknown>;
}

function rawRecordOf(items: readonly PlainItem[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const item of items) {
    const key = String(item.planName).replace(/#record#[^#]+#/, '#record#');
    if (!key.includes('#record#')) continue;
    if (typeof item.facts === 'string') record[`${key} facts`] = JSON.parse(item.facts) as unknown;
    if (typeof item.progress === 'string')
      record[`${key} progress`] = (JSON.parse(item.progress) as ({ message?: string } | null)[]).map(
        (entry) => entry?.message,
      );
  }
  return record;
}

const tableItems = (cloud: { tables: Record<string, readonly PlainItem[]> }): PlainItem[] =>
  Object.values(cloud.tables).flat();

describe('a step re-run after it succeeded changes neither the records nor the notifications', () => {
  it.each<[string, Target]>([
    ['Promote Replicas', { functionId: 'rds-replica', select: 'start' }],
    ['Scale Recovery Groups', { functionId: 'auto-scaling-group', select: 'start' }],
    ['Repoint Parameters', { functionId: 'ssm-parameter', select: 'start' }],
    ['Notify Started', { functionId: 'notify', select: 'started' }],
    ['Notify Succeeded', { functionId: 'notify', select: 'succeeded' }],
    ['Record Failover Start', { functionId: 'failover-lock', select: 'record-start' }],
  ])('%s', async (_step, target) => {
    // Arrange
    const baseline = await replay({ plan, event, executionName: 'run' });
    const cloud = createReplayCloud(plan, event);
    const workflow = await workflowLosingOneResponse(target);

    // Act
    const result = await replay({ plan, event, cloud, workflow, executionName: 'run' });

    // Assert
    expect(result.outcome).toBe('succeeded');
    expect(result.timeline.some((entry) => entry.retries > 0)).toBe(true);
    expect(recordOf(tableItems(result.cloud))).toEqual(recordOf(tableItems(baseline.cloud)));
    expect(result.cloud.notifications.map((message) => message.subject)).toEqual(
      baseline.cloud.notifications.map((message) => message.subject),
    );
    expect(lockItemOf(result.cloud)?.lastFailoverStartedAt).toBe(
      lockItemOf(baseline.cloud)?.lastFailoverStartedAt,
    );
  });
});
