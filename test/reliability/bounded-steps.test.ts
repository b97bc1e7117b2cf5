import { describe, expect, it } from 'vitest';
import { largestPlan } from '../../bench/extreme-plans.js';
import { replay, type ReplayResult } from '../../engine/runner.js';
import { parsePlan } from '../../functions/common/plan.js';
import { ssmParameterKind } from '../../functions/kinds/ssm-parameter/definition.js';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../../infra/function-settings.js';
import { FUNCTION_TIMED_OUT } from '../../engine/limits/aws-limits.js';
import { buildWorkflow, type AslState } from '../../state-machines/workflow-builder.js';
import { examplePlan, examplePlanDocument } from '../fixtures/plans.js';
import { routeHealthAlarm } from './support.js';

/**
 * Every step's worst case fits its function timeout: one invocation handles every resource of
 * its kind, a bounded number at a time, so the plan's size and AWS's latency decide how long it
 * runs. At 150 ms a call (slow, but seen under load), the schema's maximum plan must still finish
 * each invocation well within the timeout the construct deploys (60 s).
 */

const SLOW_CALL_MS = 150;
/** Every Task state of a definition, Parallel branches included. */
function taskNames(states: Record<string, AslState>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [name] : []),
    ...((state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []).flatMap((branch) =>
      taskNames(branch.States),
    ),
  ]);
}
const secondsOf = (result: ReplayResult, state: string) => {
  const entry = result.timeline.find((candidate) => candidate.state === state);
  if (entry === undefined) throw new Error(`${state} did not run`);
  return entry.end - entry.start;
};

describe('Repoint Parameters at the schema maximum', () => {
  it('repoints 200 parameters at 150 ms a call within a quarter of the function timeout', async () => {
    const plan = examplePlan((document) => {
      document.parameters = Array.from({ length: ssmParameterKind.maxItems }, (_, i) => ({
        name: `/shop/${String(i).padStart(3, '0')}/host`,
        value: '{{databases.main.endpoint}}',
      }));
    });

    const result = await replay({ plan, event: routeHealthAlarm(), scenario: { latencyMs: SLOW_CALL_MS } });

    expect(result.outcome, result.summary).toBe('succeeded');
    expect(plan.parameters).toHaveLength(200);
    expect(secondsOf(result, ssmParameterKind.states.start)).toBeLessThan(
      DEFAULT_FUNCTION_TIMEOUT_SECONDS / 4,
    );
    expect(secondsOf(result, ssmParameterKind.states.gate ?? '')).toBeLessThan(
      DEFAULT_FUNCTION_TIMEOUT_SECONDS / 4,
    );
  });
});

describe('the largest plan the schema allows', () => {
  it('runs every step within the function timeout at 150 ms a call', async () => {
    const plan = parsePlan(largestPlan(examplePlanDocument()));

    const result = await replay({
      plan,
      event: routeHealthAlarm(),
      scenario: { latencyMs: SLOW_CALL_MS },
      functionTimeoutSeconds: DEFAULT_FUNCTION_TIMEOUT_SECONDS,
    });

    expect(result.outcome, result.summary).toBe('succeeded');
    expect(result.timeline.filter((entry) => entry.error === FUNCTION_TIMED_OUT)).toEqual([]);
    // A Task that ran once: its duration is one invocation's. One that ran again (polling) has
    // no Sandbox.Timedout above: the engine fails any invocation that outlives the timeout.
    const tasks = new Set(taskNames(buildWorkflow(plan).States));
    const once = result.timeline.filter(
      (entry) => tasks.has(entry.state) && entry.runs === 1 && entry.retries === 0,
    );
    expect(once.map((entry) => entry.state)).toEqual(
      expect.arrayContaining(['Preflight Recovery Groups', 'Preflight Parameters', 'Repoint Parameters']),
    );
    for (const entry of once) {
      expect(entry.end - entry.start, entry.state).toBeLessThan(DEFAULT_FUNCTION_TIMEOUT_SECONDS);
    }
  }, 120_000);
});
