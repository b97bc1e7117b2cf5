import { readFileSync } from 'node:fs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinition, replay } from '../../engine/runner.js';
import { APPROVAL_NOT_CROSSCHECKED, caseOf, type CrosscheckCase } from '../../scripts/crosscheck/cases.js';
import { examplePlan } from '../fixtures/plans.js';
import { crosscheckOnMoto, type CaseVerdict } from '../../scripts/crosscheck/moto.js';
import { localCase, oneTask } from './support.js';

// Where the two interpreters are known to differ, each decided by what the AWS Step Functions
// Developer Guide documents. The workflow's own executions (workflow.crosscheck.ts) meet none of
// these; these tests keep the cross-check honest about them, one small definition each.

const failing = (name: string, message: string) => {
  const error = new Error(message);
  error.name = name;
  return error;
};

const startTimePass = {
  StartAt: 'Stamp',
  States: { Stamp: { Type: 'Pass', Parameters: { 'startedAt.$': '$$.Execution.StartTime' }, End: true } },
} as StateMachineDefinition;

const DATA_LIMIT = 'a Lambda result over 256 KB';
const RESULT_PATH_INTO_STRING = 'a ResultPath into a string';
const RESULT_PATH_ROOT = 'an explicit ResultPath of $';
const START_TIME_AS_IS = 'StartTime with moto left alone';
const START_TIME_ALIGNED = 'StartTime given as the ISO 8601 string';
const CAUGHT = 'a caught Lambda error';
const RETRIED = 'a Lambda error retried';
const WRONG_PAYLOAD = 'a recording moto would not ask for';
const APPROVAL_CALLBACK = 'an approval granted locally (the callback pattern)';

/** The example plan with a manual approval, approved at once locally. */
async function approvalCase(): Promise<CrosscheckCase> {
  const plan = examplePlan((document) => {
    Object.assign(document, { approval: { timeoutSeconds: 60, onTimeout: 'abort' } });
  });
  const event = JSON.parse(readFileSync('events/route53-health-alarm.json', 'utf8')) as unknown;
  const result = await replay({ plan, event, record: true, executionName: 'crosscheck-approval' });
  return caseOf(APPROVAL_CALLBACK, (await loadDefinition(plan)).definition, event, result);
}

let verdicts: Map<string, CaseVerdict>;
const verdict = (id: string): CaseVerdict => {
  const found = verdicts.get(id);
  if (found === undefined) throw new Error(`no verdict for ${id}`);
  return found;
};
const kinds = (id: string) => verdict(id).disagreements.map((d) => d.kind);

beforeAll(async () => {
  let calls = 0;
  const wrong = await localCase(
    WRONG_PAYLOAD,
    oneTask({ Parameters: { 'id.$': '$.id' } }),
    { id: 1 },
    {
      handlers: { Step: () => ({ done: true }) },
    },
  );
  const cases: CrosscheckCase[] = [
    await localCase(
      DATA_LIMIT,
      oneTask({}),
      {},
      { handlers: { Step: () => ({ blob: 'x'.repeat(300_000) }) } },
    ),
    await localCase(
      RESULT_PATH_INTO_STRING,
      oneTask({ ResultPath: '$.note.result' }),
      { note: 'text' },
      {
        handlers: { Step: () => ({ ok: true }) },
      },
    ),
    await localCase(
      RESULT_PATH_ROOT,
      oneTask({ ResultPath: '$' }),
      { before: 1 },
      {
        handlers: { Step: () => ({ after: 2 }) },
      },
    ),
    await localCase(START_TIME_AS_IS, startTimePass, {}, { startTime: null }),
    await localCase(START_TIME_ALIGNED, startTimePass, {}),
    await localCase(
      CAUGHT,
      oneTask({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Done' }] }),
      { id: 7 },
      {
        handlers: {
          Step: () => {
            throw failing('ReplicaNotFound', 'no replica shop-db-replica');
          },
        },
      },
    ),
    await localCase(
      RETRIED,
      oneTask({ Retry: [{ ErrorEquals: ['Throttling'], IntervalSeconds: 30, MaxAttempts: 2 }] }),
      { id: 8 },
      {
        handlers: {
          Step: () => {
            calls += 1;
            if (calls === 1) throw failing('Throttling', 'Rate exceeded');
            return { attempt: calls };
          },
        },
      },
    ),
    { ...wrong, tasks: wrong.tasks.map((task) => ({ ...task, payload: { id: 2 } })) },
    await approvalCase(),
  ];
  const report = await crosscheckOnMoto(cases);
  verdicts = new Map(report.results.map((result) => [result.id, result]));
});

describe('where moto and aws-local-stepfunctions differ, decided by the AWS documentation', () => {
  it('moto fails a Lambda result over 256 KB with States.DataLimitExceeded and aws-local-stepfunctions passes it on; AWS fails it', () => {
    // AWS: "States.DataLimitExceeded ... the output of a connector is larger than payload size
    // quota" (concepts-error-handling), 256 KiB per the service quotas page. moto is right, and
    // aws-local-stepfunctions enforces nothing: the local engine has to enforce the limit itself.
    expect(verdict(DATA_LIMIT).status).toBe('FAILED');
    expect(verdict(DATA_LIMIT).moto.error).toBe('States.DataLimitExceeded');
    expect(kinds(DATA_LIMIT)).toContain('status');
  });

  it('a ResultPath into a string: aws-local-stepfunctions overwrites it, moto fails with a bare "Exception"; AWS documents States.ResultPathMatchFailure', () => {
    // AWS: "States.ResultPathMatchFailure: Step Functions failed to apply a state's ResultPath
    // field to the input the state received" (concepts-error-handling). Neither engine matches:
    // the workflow must never aim a ResultPath at a value that is not an object.
    expect(verdict(RESULT_PATH_INTO_STRING).status).toBe('FAILED');
    expect(verdict(RESULT_PATH_INTO_STRING).moto.error).toBe('Exception');
    expect(verdict(RESULT_PATH_INTO_STRING).moto.error).not.toBe('States.ResultPathMatchFailure');
    expect(kinds(RESULT_PATH_INTO_STRING)).toContain('status');
  });

  it('aws-local-stepfunctions writes a key named "$" for an explicit ResultPath "$"; AWS (and moto) replace the whole input', () => {
    // AWS: 'If you do not specify a ResultPath, the default behavior is the same as
    // "ResultPath": "$". The state will replace the entire state input with the result'
    // (input-output-resultpath). The workflow leaves ResultPath out instead of writing "$".
    const output = verdict(RESULT_PATH_ROOT).disagreements.find((d) => d.kind === 'output');
    expect(output?.detail).toContain('$.$ (only local)');
  });

  it('moto cannot describe an execution whose output holds its own $$.Execution.StartTime; given the ISO 8601 string AWS documents, it agrees', () => {
    // AWS: the Context object's "StartTime": "Format: ISO 8601" (input-output-contextobject).
    // moto hands the definition a Python datetime, which DescribeExecution cannot serialise, so
    // the cross-check gives moto the local run's start time as the documented string.
    expect(verdict(START_TIME_AS_IS).disagreements).toEqual([
      { kind: 'moto failed', detail: 'TypeError: Object of type datetime is not JSON serializable' },
    ]);
    expect(verdict(START_TIME_ALIGNED).agree).toBe(true);
  });

  it('a caught error: moto logs the state as exited with the Catch result, which is what the Catch target received locally', () => {
    // aws-local-stepfunctions logs StateFailed + StateCaught and no exit; the data that flows on
    // (ResultPath "$.failure" with Error and Cause, per concepts-error-handling) is compared.
    expect(verdict(CAUGHT).agree).toBe(true);
    expect(verdict(CAUGHT).status).toBe('SUCCEEDED');
  });

  it('a Task retried after an error is answered fail-then-succeed, and neither engine sleeps its interval', () => {
    expect(verdict(RETRIED).agree).toBe(true);
    expect(verdict(RETRIED).tasks).toBe(2);
  });

  it('reports a Lambda payload that moto built and the local engine never sent', () => {
    expect(verdict(WRONG_PAYLOAD).disagreements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'task input', state: 'Step', payload: { id: 1 } }),
        expect.objectContaining({ kind: 'task not called', state: 'Step' }),
      ]),
    );
  });

  it(`leaves out ${APPROVAL_NOT_CROSSCHECKED}: moto fails the callback Task that the local engine waited on`, () => {
    // moto 5.2.1 implements the callback pattern (its CallbackPoolManager, SendTaskSuccess and
    // SendTaskFailure), but the cross-check runs the execution inside StartExecution with Lambda
    // answered from the recording, so no SendTaskSuccess can come: moto takes the Catch to the
    // failure path. AWS waits for the token ("Wait for a Callback with Task Token"), as the local
    // engine does (test/workflow/approval.test.ts runs every answer and the timeout).
    expect(verdict(APPROVAL_CALLBACK).status).toBe('FAILED');
    const path = verdict(APPROVAL_CALLBACK).disagreements.find((d) => d.kind === 'path');
    expect(path?.detail).toContain("moto went ['Request Approval Failed'");
    expect(kinds(APPROVAL_CALLBACK)).toContain('status');
  });
});
