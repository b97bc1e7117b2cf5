import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildWorkflow } from '../../state-machines/workflow-builder.js';
import { FailbackPlanError } from '../../state-machines/failback-builder.js';
import { examplePlan } from '../fixtures/plans.js';
import { failbackPlan, twoOfEachPlan } from './support.js';

const validator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

type State = {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  Resource?: string;
  Retry?: unknown[];
};

/** Every state reachable from `start`, following Next, Default, Choices and Catch. */
function reachable(states: Record<string, State>, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || states[name] === undefined) continue;
    seen.add(name);
    const state = states[name];
    queue.push(
      ...[
        state.Next,
        state.Default,
        ...(state.Choices ?? []).map((c) => c.Next),
        ...(state.Catch ?? []).map((c) => c.Next),
      ].filter((next): next is string => next !== undefined),
    );
  }
  return seen;
}

describe("the failback definition (buildWorkflow(plan, 'failback'))", () => {
  it.each([
    ['the example failback plan', failbackPlan()],
    ['two databases and two groups', twoOfEachPlan()],
    [
      'groups and a parameter only',
      failbackPlan((document) => {
        const doc = document as { databases: unknown[]; parameters: unknown[] };
        doc.databases = [];
        doc.parameters = [{ name: '/shop/active-region', value: '{{recoveryRegion}}' }];
      }),
    ],
  ])('passes asl-validator and reaches every state for %s', (_title, plan) => {
    const definition = buildWorkflow(plan, 'failback');
    expect(validator(structuredClone(definition)).errors).toEqual([]);
    const states = definition.States as Record<string, State>;
    expect([...reachable(states, definition.StartAt)].sort()).toEqual(Object.keys(states).sort());
    for (const [name, state] of Object.entries(states))
      if (state.Type === 'Task') expect(state.Retry, `${name} retries`).not.toEqual([]);
  });

  it('every path to an end passes one final notice', () => {
    const definition = buildWorkflow(failbackPlan(), 'failback');
    const states = definition.States as Record<string, State>;
    const ends = Object.entries(states).filter(
      ([, state]) => state.Type === 'Fail' || state.Type === 'Succeed',
    );
    expect(ends.map(([name]) => name).sort()).toEqual([
      'Failback Failed',
      'Failback Refused',
      'Failback Succeeded',
    ]);
    // Each end is entered only from a notice or from the lock release after one.
    const into = (target: string) =>
      Object.entries(states)
        .filter(([, state]) =>
          [
            state.Next,
            state.Default,
            ...(state.Choices ?? []).map((c) => c.Next),
            ...(state.Catch ?? []).map((c) => c.Next),
          ].includes(target),
        )
        .map(([name]) => name)
        .sort();
    expect(into('Failback Succeeded')).toEqual(['Release Lock After Failback']);
    expect(into('Failback Refused')).toEqual(['Lock Held After Refusal?', 'Release Lock After Refusal']);
    expect(into('Failback Failed')).toEqual([
      'Lock Held After Failback Failure?',
      'Release Lock After Failback Failure',
    ]);
    expect(into('Lock Held After Refusal?')).toEqual(['Notify Failback Refused']);
    expect(into('Lock Held After Failback Failure?')).toEqual([
      'Notify Failback Failed',
      'Notify Failback Succeeded Failed',
    ]);
  });

  it('is refused for a plan whose databases name no primary, or with a kind that cannot fail back', () => {
    expect(() => buildWorkflow(examplePlan(), 'failback')).toThrow(FailbackPlanError);
    expect(() => buildWorkflow(examplePlan(), 'failback')).toThrow(/shop-db-replica name no primary/);
  });
});
