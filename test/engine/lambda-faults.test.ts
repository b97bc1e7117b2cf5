import { describe, expect, it } from 'vitest';
import { loadDefinition, replay } from '../../engine/runner.js';
import { taskStateNames } from '../../engine/local-lambda.js';
import { LAMBDA_FAULT_KINDS, parseScenario } from '../../engine/sim/scenario.js';
import { examplePlan } from '../fixtures/plans.js';
import { routeHealthAlarm } from '../reliability/support.js';
import { fn, handler, runDefinition } from './support.js';

const plan = examplePlan();

/** The first Task state a healthy failover runs, read from the definition and a replay (no name is assumed). */
async function firstTaskState(): Promise<string> {
  const tasks = taskStateNames((await loadDefinition(plan)).definition);
  const healthy = await replay({ plan, event: routeHealthAlarm() });
  const state = healthy.timeline.find((entry) => tasks.has(entry.state))?.state;
  if (state === undefined) throw new Error('the healthy failover ran no Task');
  return state;
}

/** Step (retried once on every Lambda service error) → Done. */
const retried = {
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: fn('step'),
      Retry: [
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.TooManyRequestsException',
          ],
          IntervalSeconds: 1,
          MaxAttempts: 1,
        },
      ],
      End: true,
    },
  },
};

describe("Lambda's own faults", () => {
  it("retries a Lambda.ServiceException with the definition's retrier, and the failover still succeeds", async () => {
    const state = await firstTaskState();

    const result = await replay({
      plan,
      event: routeHealthAlarm(),
      scenario: { lambdaFaults: [{ state, invocations: [1], error: 'Lambda.ServiceException' }] },
    });

    expect(result.outcome).toBe('succeeded');
    expect(result.timeline.find((entry) => entry.state === state)).toMatchObject({ retries: 1 });
  });

  it.each([
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.TooManyRequestsException',
  ] as const)('does not run the function when the invocation fails with %s', async (error) => {
    let runs = 0;

    const result = await runDefinition(
      retried,
      {
        [fn('step')]: handler(() => {
          runs += 1;
          return {};
        }),
      },
      { scenario: { lambdaFaults: [{ state: 'Step', from: 1, count: 2, error }] } },
    );

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe(error);
    expect(runs).toBe(0);
  });

  it('fails a response over 6 MB with Function.ResponseSizeTooLarge, which a Catch can take', async () => {
    const definition = {
      StartAt: 'Step',
      States: {
        Step: {
          Type: 'Task',
          Resource: fn('step'),
          Catch: [
            { ErrorEquals: ['Function.ResponseSizeTooLarge'], ResultPath: '$.failure', Next: 'Caught' },
          ],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };

    const result = await runDefinition(definition, { [fn('step')]: handler(() => 'x'.repeat(6_291_457)) });

    expect(result.outcome).toBe('succeeded');
    expect(result.timeline.map((entry) => [entry.state, entry.outcome])).toEqual([
      ['Step', 'caught'],
      ['Caught', 'succeeded'],
    ]);
  });

  it('draws random Lambda faults from their own seed, the same on every replay', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Step',
            States: {
              Step: {
                Type: 'Task',
                Resource: fn('step'),
                Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Failed' }],
                End: true,
              },
              Failed: { Type: 'Pass', Result: 'failed', End: true },
            },
          },
          End: true,
        },
      },
    };
    const scenario = { randomLambda: { seed: 7, rate: 0.5, errors: ['Lambda.ServiceException' as const] } };
    const run = () =>
      runDefinition(
        definition,
        { [fn('step')]: handler(() => 'ok') },
        { scenario, input: [...Array(20).keys()].map((i) => ({ i })) },
      );

    const [first, second] = [await run(), await run()];

    expect(first.summary).toBe('failover succeeded');
    const failed = (first.output as string[]).filter((item) => item === 'failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(20);
    expect(second.output).toEqual(first.output);
  });

  it('rejects a scenario naming a state the definition does not have', async () => {
    const run = runDefinition(
      retried,
      { [fn('step')]: handler(() => ({})) },
      {
        scenario: { lambdaFaults: [{ state: 'Stpe', error: 'Lambda.ServiceException' }] },
      },
    );

    await expect(run).rejects.toThrow(/lambdaFaults\[0\]\.state: the definition has no Task state "Stpe"/);
  });

  it('validates Lambda faults in the scenario schema and rejects unknown keys and kinds', () => {
    expect(() =>
      parseScenario({ lambdaFaults: [{ state: 'Step', error: 'Lambda.Unknown', invocation: [1] }] }),
    ).toThrow(/lambdaFaults\[0\]\.error[\s\S]*lambdaFaults\[0\]/);
    expect(
      parseScenario({ lambdaFaults: [{ state: 'Step', from: 2, count: 1, error: LAMBDA_FAULT_KINDS[3] }] }),
    ).toEqual({ lambdaFaults: [{ state: 'Step', from: 2, count: 1, error: 'Sandbox.Timedout' }] });
  });
});
