import { describe, expect, it } from 'vitest';
import { HISTORY_EVENT_LIMIT } from '../../engine/limits/aws-limits.js';
import { fn, handler, runDefinition, statesOf } from './support.js';

const pass = (next?: string) => (next ? { Type: 'Pass', Next: next } : { Type: 'Pass', End: true });

describe('the 25,000-event execution history limit', () => {
  it('fails an execution that loops forever with States.Runtime at exactly 25,000 events', async () => {
    const definition = { StartAt: 'Ping', States: { Ping: pass('Pong'), Pong: pass('Ping') } };

    const result = await runDefinition(definition, {});

    expect(result.outcome).toBe('failed');
    expect(result.error).toEqual({
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (25000).',
    });
    expect(result.historyEvents).toBe(HISTORY_EVENT_LIMIT);
  });

  it.each([
    [6_249, 'succeeded', HISTORY_EVENT_LIMIT],
    [6_250, 'failed', HISTORY_EVENT_LIMIT],
  ])(
    'lets event 25,000 be ExecutionSucceeded but nothing else (%i loops end %s)',
    async (loops, outcome, events) => {
      // ExecutionStarted; per loop Inc (Entered, Exited) and Check (Entered, Exited); Done
      // (Entered, Exited); ExecutionSucceeded: 4 × loops + 4 events.
      const definition = {
        StartAt: 'Inc',
        States: {
          Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.i', NumericLessThan: loops, Next: 'Inc' }],
            Default: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      };

      const result = await runDefinition(definition, {}, { input: { i: 0 } });

      expect(result.outcome).toBe(outcome);
      expect(result.historyEvents).toBe(events);
    },
  );

  it('counts a polling loop of a Lambda Task and a Wait the way AWS does, and stops it at the limit', async () => {
    let invocations = 0;
    const definition = {
      StartAt: 'Poll',
      States: {
        Poll: { Type: 'Task', Resource: fn('poll'), Next: 'Wait' },
        Wait: { Type: 'Wait', Seconds: 10, Next: 'Poll' },
      },
    };

    const result = await runDefinition(definition, {
      [fn('poll')]: handler(() => {
        invocations += 1;
        return {};
      }),
    });

    // ExecutionStarted, then 7 per loop: Task Entered, Scheduled, Started, Succeeded, Exited; Wait
    // Entered, Exited. 3,571 loops make 24,998 events; the next Entered is 24,999 and its
    // LambdaFunctionScheduled would be 25,000: the execution fails and the function never runs.
    expect(result.error?.error).toBe('States.Runtime');
    expect(result.historyEvents).toBe(HISTORY_EVENT_LIMIT);
    expect(invocations).toBe(3_571);
  }, 60_000);

  it.each([
    [
      'a Lambda Task and a Pass',
      {
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: fn('ok'), Next: 'End' }, End: pass() },
      },
      // Started; Task Entered, Scheduled, Started, Succeeded, Exited; Pass Entered, Exited; Succeeded.
      9,
    ],
    [
      'a Lambda Task retried once',
      {
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: fn('flaky'),
            Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 1 }],
            End: true,
          },
        },
      },
      // Started; Entered, (Scheduled, Started, Failed), (Scheduled, Started, Succeeded), Exited; Succeeded.
      10,
    ],
    [
      'an inline Map of three items',
      {
        StartAt: 'Each',
        States: {
          Each: { Type: 'Map', ItemProcessor: { StartAt: 'Item', States: { Item: pass() } }, End: true },
        },
      },
      // Started; Entered, MapStateStarted, 3 × (IterationStarted, Pass Entered, Exited, IterationSucceeded), MapStateSucceeded, Exited; Succeeded.
      18,
    ],
    [
      'a Parallel of two branches',
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: pass() } },
              { StartAt: 'Right', States: { Right: pass() } },
            ],
            End: true,
          },
        },
      },
      // Started; Entered, ParallelStateStarted, 2 × (Entered, Exited), ParallelStateSucceeded, Exited; Succeeded.
      10,
    ],
  ])('counts %s as AWS would', async (_name, definition, expected) => {
    let flaked = false;
    const handlers = {
      [fn('ok')]: handler(() => ({})),
      [fn('flaky')]: handler(() => {
        if (flaked) return {};
        flaked = true;
        throw Object.assign(new Error('first time'), { name: 'Flaky' });
      }),
    };

    const result = await runDefinition(definition, handlers, { input: [1, 2, 3] });

    expect(result.outcome).toBe('succeeded');
    expect(result.historyEvents).toBe(expected);
  });

  it('counts a one-state execution as four events', async () => {
    const definition = { StartAt: 'Only', States: { Only: pass() } };

    const result = await runDefinition(definition, {});

    expect(result.historyEvents).toBe(4);
    expect(statesOf(result)).toEqual(['Only']);
  });
});
