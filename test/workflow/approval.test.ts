import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayResult } from '../../engine/runner.js';
import { parseScenario } from '../../engine/sim/index.js';
import { APPROVAL, STATES } from '../../functions/common/vocabulary.js';
import { examplePlan } from '../fixtures/plans.js';
import { sampleEvent } from './support.js';

const plan = (onTimeout: 'proceed' | 'abort', timeoutSeconds = 600) =>
  examplePlan((document) => {
    Object.assign(document, { approval: { timeoutSeconds, onTimeout } });
  });
const alarm = sampleEvent('route53-health-alarm');
const drill = (dryRun: boolean) => {
  const event = sampleEvent('gameday-drill') as { detail: { dryRun: boolean } };
  return { ...event, detail: { ...event.detail, dryRun } };
};

const subjects = (result: ReplayResult) => result.cloud.notifications.map((message) => message.subject ?? '');
const statesRun = (result: ReplayResult) => result.timeline.map((entry) => entry.state);
const promoted = (result: ReplayResult) => result.cloud.databases.every((db) => !db.isReplica);
const timed = (result: ReplayResult, state: string) => {
  const entry = result.timeline.find((candidate) => candidate.state === state);
  return entry === undefined ? undefined : entry.end - entry.start;
};

describe('manual approval before Recover', () => {
  it('fails over once the approval is granted, after the approver took its time', async () => {
    const result = await replay({
      plan: plan('abort'),
      event: alarm,
      scenario: parseScenario({ approval: { decision: 'approve', afterSeconds: 120, by: 'oncall' } }),
    });

    expect(result.outcome).toBe('succeeded');
    expect(promoted(result)).toBe(true);
    expect(timed(result, STATES.requestApproval)).toBeGreaterThanOrEqual(120);
    expect(subjects(result)).toEqual([
      'Failover STARTED: shop-prod us-east-1 -> us-west-2',
      'Failover APPROVAL NEEDED: shop-prod us-east-1 -> us-west-2',
      'Failover SUCCEEDED: shop-prod us-east-1 -> us-west-2',
    ]);
    const request = result.cloud.notifications[1]!.message;
    expect(request).toContain(`failover approve ${result.executionArn}`);
    expect(request).toContain(`failover decline ${result.executionArn}`);
    expect(result.cloud.notifications.at(-1)!.message).toMatch(/Approval: approved by oncall at /);
    expect(result.approvals).toEqual([expect.objectContaining({ sentAt: expect.any(String) })]);
  });

  it('aborts with nothing changed and one final notice when the approval is declined', async () => {
    const result = await replay({
      plan: plan('proceed'),
      event: alarm,
      scenario: parseScenario({
        approval: { decision: 'decline', afterSeconds: 30, by: 'dba', reason: 'replica is behind' },
      }),
    });

    expect(result.outcome).toBe('aborted');
    expect(result.error?.error).toBe('FailoverAborted');
    expect(result.mutatingCalls).toBe(0);
    expect(promoted(result)).toBe(false);
    expect(statesRun(result)).not.toContain(STATES.recover);
    expect(statesRun(result)).toContain(STATES.releaseLockAfterAbort);
    expect(subjects(result).at(-1)).toBe('Failover ABORTED: shop-prod, approval declined');
    expect(subjects(result).filter((subject) => /ABORTED|SUCCEEDED|FAILED/.test(subject))).toHaveLength(1);
    expect(result.cloud.notifications.at(-1)!.message).toContain('Approval: declined by dba at ');
    expect(result.cloud.notifications.at(-1)!.message).toContain('replica is behind');
    expect(result.lock?.release).toBe('released');
  });

  it.each([
    ['proceed', 'succeeded', true],
    ['abort', 'aborted', false],
  ] as const)(
    'applies the plan policy %s when nobody answers before the timeout',
    async (onTimeout, outcome, failedOver) => {
      const result = await replay({
        plan: plan(onTimeout, 300),
        event: alarm,
        scenario: parseScenario({ approval: { decision: 'none' } }),
      });

      expect(result.outcome).toBe(outcome);
      expect(timed(result, STATES.requestApproval)).toBeCloseTo(300, 0);
      expect(statesRun(result)).toContain(STATES.approvalTimedOut);
      expect(promoted(result)).toBe(failedOver);
      if (!failedOver) {
        expect(result.mutatingCalls).toBe(0);
        expect(subjects(result).at(-1)).toBe('Failover ABORTED: shop-prod, approval not given in time');
      }
      expect(result.cloud.notifications.at(-1)!.message).toContain(
        `Approval: nobody answered in time; the plan says ${onTimeout}.`,
      );
    },
  );

  it('refuses an answer that comes after the timeout: the plan policy stands', async () => {
    const result = await replay({
      plan: plan('abort', 120),
      event: alarm,
      scenario: parseScenario({ approval: { decision: 'approve', afterSeconds: 200 } }),
    });

    expect(result.outcome).toBe('aborted');
    expect(result.approvals[0]?.error).toMatch(/no longer waits for an approval \(TaskTimedOut\)/);
  });

  it('skips the approval on a dry run', async () => {
    const result = await replay({
      plan: plan('abort'),
      event: drill(true),
      scenario: parseScenario({ approval: { decision: 'decline' } }),
    });

    expect(result.outcome).toBe('succeeded');
    expect(statesRun(result)).toContain(STATES.needsApproval);
    expect(statesRun(result)).not.toContain(STATES.requestApproval);
    expect(subjects(result).some((subject) => subject.includes('APPROVAL'))).toBe(false);
    expect(result.approvals).toEqual([]);
  });

  it('asks a live drill too, and records the newest token once per execution in the failover record', async () => {
    const result = await replay({ plan: plan('abort'), event: drill(false) });

    expect(result.outcome).toBe('succeeded');
    const items = Object.values(result.cloud.tables).flat();
    const request = items.filter((item) => /#record#[^#]+#approval$/.test(String(item.planName)));
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ taskToken: expect.any(String), tokenIssuedAt: expect.any(String) });
    expect(APPROVAL.declinedError).toBe('ApprovalDeclined');
  });
});

describe('the execution limit with an approval', () => {
  it('includes the approval timeout, so that the plan policy, not the execution timeout, ends an unanswered request', async () => {
    const { executionTimeoutSeconds } = await import('../../state-machines/workflow-builder.js');

    expect(executionTimeoutSeconds(plan('abort', 3_600)) - executionTimeoutSeconds(examplePlan())).toBe(
      3_600,
    );
  });
});

describe('the report of a run with an approval', () => {
  it('shows the approval as its own phase and counts its wait in the decision part of the RTO', async () => {
    const { buildFailoverReport, recordFromReplay } = await import('../../engine/report/index.js');
    const approving = plan('abort');
    const result = await replay({
      plan: approving,
      event: alarm,
      scenario: parseScenario({ approval: { afterSeconds: 240 } }),
    });

    const report = buildFailoverReport(recordFromReplay(result, { input: alarm }), approving);

    const approve = report.timeline.find((phase) => phase.id === 'approve');
    expect(approve?.durationSeconds).toBeGreaterThanOrEqual(240);
    const decision = report.rto.parts?.find((part) => part.part === 'decision');
    expect(decision?.seconds).toBeGreaterThanOrEqual(240 + 60);
  });
});

describe('the approval scenarios in events/scenarios/approval', () => {
  const file = (name: string) =>
    parseScenario(JSON.parse(readFileSync(`events/scenarios/approval/${name}.json`, 'utf8')), name);

  it.each([
    ['declined', 'abort', 'aborted'],
    ['declined', 'proceed', 'aborted'],
    ['timed-out', 'abort', 'aborted'],
    ['timed-out', 'proceed', 'succeeded'],
    ['approved-after-5-minutes', 'abort', 'succeeded'],
  ] as const)('%s, with onTimeout %s, ends %s', async (name, onTimeout, outcome) => {
    const result = await replay({ plan: plan(onTimeout, 900), event: alarm, scenario: file(name) });

    expect(result.outcome).toBe(outcome);
    expect(promoted(result)).toBe(outcome === 'succeeded');
  });
});

describe('an approval scenario for a plan without approval', () => {
  it('is bad input naming the approval section, before anything runs', async () => {
    const error = await replay({
      plan: examplePlan(),
      event: alarm,
      scenario: parseScenario({ approval: { decision: 'decline' } }),
    }).catch((caught: unknown) => caught as Error);

    expect((error as Error).name).toBe('ScenarioValidationError');
    expect((error as Error).message).toContain('approval: the plan has no approval');
  });
});

describe('the approval states of the definition', () => {
  it('passes asl-validator and every answer path ends in one notification, or goes on to Recover', async () => {
    const { createRequire } = await import('node:module');
    const { buildWorkflow } = await import('../../state-machines/workflow-builder.js');
    const validator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
      isValid: boolean;
      errors: unknown[];
    };
    const definition = buildWorkflow(plan('abort'));
    const states = definition.States as Record<
      string,
      { Type: string; Next?: string; Default?: string; Catch?: { Next: string }[] }
    >;

    expect(validator(structuredClone(definition)).errors).toEqual([]);
    const request = states[STATES.requestApproval]!;
    const ends = [request.Next!, ...request.Catch!.map((handler) => handler.Next)].map((target) => {
      const seen: string[] = [];
      for (let name = target; states[name] !== undefined && !seen.includes(name);) {
        seen.push(name);
        const state = states[name]!;
        if (state.Type === 'Fail' || state.Type === 'Succeed' || name === STATES.recover) break;
        name = state.Next ?? state.Default ?? '';
      }
      return seen;
    });
    for (const path of ends) {
      const notices = path.filter((name) =>
        [STATES.notifyAborted, STATES.notifyFailed].includes(name as never),
      );
      expect({ path, ok: path.at(-1) === STATES.recover || notices.length === 1 }).toEqual({
        path,
        ok: true,
      });
    }
    expect(ends.map((path) => path.at(-1))).toEqual([
      STATES.recover,
      STATES.failoverAborted,
      STATES.failoverAborted,
      STATES.failoverFailed,
    ]);
  });
});
