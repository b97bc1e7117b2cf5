import { describe, expect, it } from 'vitest';
import { loadDefinition, replay } from '../../engine/runner.js';
import { examplePlan, sampleEvent, scenario } from './support.js';

// The opt-in recording the cross-check on moto replays (test/crosscheck/). Generic on purpose:
// nothing here names a state of the workflow definition.

const plan = examplePlan();
const { definition } = await loadDefinition(plan);

/** The Type of every state at any depth, by name (names are unique in a state machine). */
function stateTypes(states: object, out = new Map<string, string>()): Map<string, string> {
  for (const [name, state] of Object.entries(states) as [string, Record<string, unknown>][]) {
    out.set(name, String(state.Type));
    for (const branch of (state.Branches as { States: object }[] | undefined) ?? [])
      stateTypes(branch.States, out);
    const processor = (state.ItemProcessor ?? state.Iterator) as { States: object } | undefined;
    if (processor) stateTypes(processor.States, out);
  }
  return out;
}
const types = stateTypes(definition.States);

describe('replay with record: true', () => {
  it('records nothing unless asked', async () => {
    const result = await replay({ plan, event: sampleEvent('route53-health-alarm') });

    expect(result.recording).toBeUndefined();
  });

  it('records every state entered with its input and output, and how the execution ended', async () => {
    const event = sampleEvent('route53-health-alarm');

    const result = await replay({ plan, event, record: true });

    const recording = result.recording!;
    expect(recording.status).toBe('SUCCEEDED');
    expect(recording.output).toEqual(result.output);
    expect(recording.states[0]?.input).toEqual(event);
    expect(recording.states.every((visit) => visit.output !== undefined)).toBe(true);
    expect(new Set(recording.states.map((visit) => visit.name))).toEqual(
      new Set(result.timeline.map((row) => row.state)),
    );
  });

  it('records one Lambda invocation per Task entry and per retry, each with the payload it was sent', async () => {
    const result = await replay({
      plan,
      event: sampleEvent('route53-health-alarm'),
      scenario: scenario('api-throttling'),
      record: true,
    });

    const recording = result.recording!;
    const taskEntries = recording.states.filter((visit) => types.get(visit.name) === 'Task').length;
    const retries = result.timeline.reduce((sum, row) => sum + row.retries, 0);
    expect(retries).toBeGreaterThan(0);
    expect(recording.tasks).toHaveLength(taskEntries + retries);
    expect(recording.tasks.filter((task) => task.error !== undefined)).toHaveLength(retries);
    for (const task of recording.tasks) expect(types.get(task.state)).toBe('Task');
  });

  it('records a failed execution with its error and its cause as the engine ended with them', async () => {
    const result = await replay({
      plan,
      event: sampleEvent('route53-health-alarm'),
      scenario: scenario('promotion-fails'),
      record: true,
    });

    expect(result.recording?.status).toBe('FAILED');
    expect(result.recording?.error).toBe(result.error?.error);
    expect(result.recording?.cause).toContain(result.error?.cause);
    expect(result.recording?.states.some((visit) => visit.error !== undefined)).toBe(true);
  });
});
