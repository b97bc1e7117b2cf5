import { describe, expect, it } from 'vitest';
import {
  confirmOutageInputSchema,
  failoverLockInputSchema,
  notifyInputSchema,
  parseStepInput,
  validateTriggerInputSchema,
} from '../../functions/common/step-inputs.js';
import { alarmTrigger } from '../fixtures/workflow-states.js';

const EXECUTION = 'arn:aws:states:us-west-2:111111111111:execution:failover-shop-prod:replay-1';
const lock = {
  decision: 'acquired',
  planName: 'shop-prod',
  tableName: 'shop-prod-failover-lock',
  region: 'us-west-2',
  executionArn: EXECUTION,
  dryRun: false,
  message: 'lock of plan shop-prod acquired',
  version: 3,
};

describe('the workflow steps’ input schemas', () => {
  it.each([
    [
      'Validate Trigger',
      validateTriggerInputSchema,
      { event: {}, executionId: EXECUTION, executionStartedAt: '2026-11-24T09:00:00Z' },
    ],
    [
      'Acquire Lock',
      failoverLockInputSchema,
      { action: 'acquire', trigger: alarmTrigger(), executionId: EXECUTION },
    ],
    ['Release Lock', failoverLockInputSchema, { action: 'release', lock }],
    ['Confirm Outage', confirmOutageInputSchema, { trigger: alarmTrigger(), lock }],
    [
      'Notify',
      notifyInputSchema,
      { kind: 'succeeded', executionId: EXECUTION, state: { trigger: alarmTrigger() } },
    ],
  ] as const)(
    'accepts what the definition sends %s, facts beyond the required ones included',
    (_step, schema, input) => {
      expect(parseStepInput(schema, input)).toEqual(input);
    },
  );

  it.each([
    [
      'a lock action the lock step does not know',
      failoverLockInputSchema,
      { action: 'steal', lock },
      /action/,
    ],
    [
      'a trigger without its mode',
      confirmOutageInputSchema,
      { trigger: { ...alarmTrigger(), dryRun: 'no' } },
      /trigger\.dryRun/,
    ],
    [
      'a notice of an unknown kind',
      notifyInputSchema,
      { kind: 'maybe', executionId: EXECUTION, state: {} },
      /kind/,
    ],
    [
      'a typo in a field name',
      validateTriggerInputSchema,
      { event: {}, executionId: EXECUTION, executionStartedAt: 'x', executionStarted: 'x' },
      /executionStarted/,
    ],
    [
      'a lock without its table',
      failoverLockInputSchema,
      { action: 'release', lock: { ...lock, tableName: undefined } },
      /lock\.tableName/,
    ],
  ] as const)('rejects %s with a StepInputError naming the field', (_what, schema, input, field) => {
    expect(() => parseStepInput(schema, input)).toThrow(
      expect.objectContaining({ name: 'StepInputError', message: expect.stringMatching(field) }),
    );
  });
});
