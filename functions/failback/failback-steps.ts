import { PublishCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { dynamoDbClient } from '../common/clients/dynamodb.js';
import { snsClient } from '../common/clients/sns.js';
import { ssmClient } from '../common/clients/ssm.js';
import { deployedPlan, notificationTopicArn } from '../common/config.js';
import { recordTableName } from '../common/failover-record.js';
import { readFencing, writeFencing } from '../common/fencing-record.js';
import type { Plan } from '../common/plan.js';
import { nowIso } from '../common/step-handler.js';
import { parseStepInput } from '../common/step-inputs.js';
import type { Trigger } from '../common/workflow-state.js';
import { readLock } from '../failover-lock/lock-table.js';
import { currentValue } from '../kinds/ssm-parameter/repoint-parameters.js';
import { checkFencing, expectedFenced, type FencingCheck } from './fencing-check.js';
import { composeFailbackNotice } from './notice.js';

/**
 * The failback workflow's own steps (state-machines/failback-builder.ts), one function:
 * - `find-failover`: the failover to undo is the lock item's `lastFailoverExecution`; none (or
 *   one already failed back) refuses the failback. Also builds the drill trigger Acquire Lock
 *   takes (a person's request: the failover's minimum interval does not refuse it).
 * - `verify-fencing`: every old-region resource fenced (fencing-check.ts), else refused.
 * - `freeze` / `unfreeze`: the plan's `failback.freezeParameter` in the recovery region.
 * - `close`: the fencing records `closed` and the failback recorded on the lock item.
 * - `notify`: the failback's one notice per path.
 */

const PUBLISH_ONCE = { requestTimeoutMs: 10_000, maxAttempts: 1 } as const;

export const failbackStepInputSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('find-failover'),
    executionId: z.string().min(1),
    executionStartedAt: z.string().min(1),
    request: z.looseObject({
      dryRun: z.boolean().optional(),
      requestedBy: z.string().max(256).optional(),
      reason: z.string().max(1024).optional(),
    }),
  }),
  z.strictObject({ action: z.literal('verify-fencing'), failoverExecutionId: z.string().min(1) }),
  z.strictObject({ action: z.enum(['freeze', 'unfreeze']), dryRun: z.boolean() }),
  z.strictObject({
    action: z.literal('close'),
    executionId: z.string().min(1),
    failoverExecutionId: z.string().min(1),
    dryRun: z.boolean(),
  }),
  z.strictObject({
    action: z.literal('notify'),
    kind: z.enum(['started', 'succeeded', 'failed', 'refused']),
    executionId: z.string().min(1),
    state: z.looseObject({}),
  }),
]);
export type FailbackStepInput = z.output<typeof failbackStepInputSchema>;

export interface FailoverFound {
  readonly found: boolean;
  readonly failoverExecutionId?: string;
  readonly trigger?: Trigger;
  readonly message: string;
}

async function findFailover(
  plan: Plan,
  input: Extract<FailbackStepInput, { action: 'find-failover' }>,
): Promise<FailoverFound> {
  const item = await readLock({
    tableName: recordTableName(),
    region: plan.recoveryRegion,
    planName: plan.name,
  });
  const last = item?.lastFailoverExecution;
  if (last === undefined)
    return {
      found: false,
      message: `no failover of plan ${plan.name} is recorded: there is nothing to fail back; nothing was changed`,
    };
  if (item?.lastFailbackOf === last)
    return {
      found: false,
      message: `the last failover of plan ${plan.name} (${last}) was already failed back by ${item.lastFailbackExecution ?? 'an earlier failback'}: nothing was changed`,
    };
  const dryRun = input.request.dryRun ?? false;
  return {
    found: true,
    failoverExecutionId: last,
    trigger: {
      kind: 'drill',
      reason: input.request.reason ?? `failback of ${last}`,
      triggeredAt: input.executionStartedAt,
      confirmSeconds: 0,
      dryRun,
      requestedBy: input.request.requestedBy ?? 'failback',
      executionId: input.executionId,
    },
    message: `failing back the failover ${last}${dryRun ? ' (dry run)' : ''}`,
  };
}

async function freeze(plan: Plan, action: 'freeze' | 'unfreeze', dryRun: boolean) {
  const parameter = plan.failback.freezeParameter;
  if (parameter === undefined) return { changed: false, message: 'the plan names no freeze parameter' };
  const value = action === 'freeze' ? parameter.frozenValue : parameter.openValue;
  const current = await currentValue(plan.recoveryRegion, parameter.name);
  if (current.value === value) return { changed: false, message: `${parameter.name} already ${value}` };
  if (dryRun) return { changed: false, message: `dry run: would set ${parameter.name} to ${value}` };
  await ssmClient(plan.recoveryRegion).send(
    new PutParameterCommand({
      Name: parameter.name,
      Value: value,
      Type: current.type,
      Overwrite: current.value !== null,
    }),
  );
  return { changed: true, message: `${parameter.name} set to ${value}` };
}

/** Closes the fencing records and records the failback on the lock item, once. */
async function close(plan: Plan, input: Extract<FailbackStepInput, { action: 'close' }>) {
  if (input.dryRun) return { closed: false, message: 'dry run: nothing closed' };
  for (const { kind } of expectedFenced(plan)) {
    const record = await readFencing(plan.recoveryRegion, plan.name, kind);
    if (record === undefined || record.state === 'closed') continue;
    await writeFencing(plan.recoveryRegion, {
      planName: record.planName,
      kind: record.kind,
      failoverExecution: record.failoverExecution,
      resources: record.resources,
      state: 'closed',
      closedBy: input.executionId,
    });
  }
  await dynamoDbClient(plan.recoveryRegion).send(
    new UpdateItemCommand({
      TableName: recordTableName(),
      Key: { planName: { S: plan.name } },
      UpdateExpression: 'SET #e = :e, #o = :o, #a = :a',
      ExpressionAttributeNames: {
        '#e': 'lastFailbackExecution',
        '#o': 'lastFailbackOf',
        '#a': 'lastFailbackAt',
      },
      ExpressionAttributeValues: {
        ':e': { S: input.executionId },
        ':o': { S: input.failoverExecutionId },
        ':a': { S: nowIso() },
      },
    }),
  );
  return {
    closed: true,
    message: `fencing records closed; failback of ${input.failoverExecutionId} recorded`,
  };
}

async function notify(plan: Plan, input: Extract<FailbackStepInput, { action: 'notify' }>) {
  const topicArn = notificationTopicArn(plan);
  const notice = await composeFailbackNotice(plan, input.kind, input.executionId, input.state);
  const response = await snsClient(topicArn.split(':')[3] ?? plan.recoveryRegion, PUBLISH_ONCE).send(
    new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.body }),
  );
  return { kind: input.kind, subject: notice.subject, messageId: response.MessageId ?? null };
}

export async function failbackStep(raw: unknown): Promise<unknown> {
  const input = parseStepInput(failbackStepInputSchema, raw);
  const plan = deployedPlan();
  switch (input.action) {
    case 'find-failover':
      return findFailover(plan, input);
    case 'verify-fencing':
      return checkFencing(plan, input.failoverExecutionId) satisfies Promise<FencingCheck>;
    case 'freeze':
    case 'unfreeze':
      return freeze(plan, input.action, input.dryRun);
    case 'close':
      return close(plan, input);
    case 'notify':
      return notify(plan, input);
  }
}
