import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ssmClient } from '../../functions/common/clients/ssm.js';
import { fn, handler, runDefinition, statesOf } from './support.js';

const slow = (seconds: number, then: () => unknown = () => ({})) =>
  handler(async () => {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    return then();
  });

/** Step (a Task retried once on Sandbox.Timedout, caught on States.ALL) → Done. */
const definition = {
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: fn('step'),
      TimeoutSeconds: 120,
      Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Caught' }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
    Caught: { Type: 'Pass', End: true },
  },
};

describe('the Lambda function timeout', () => {
  it('fails an invocation that runs past it with Sandbox.Timedout, which the retrier retries and the Catch then takes', async () => {
    const result = await runDefinition(definition, { [fn('step')]: slow(61) });

    const step = result.timeline.find((entry) => entry.state === 'Step');
    expect(step).toMatchObject({ outcome: 'caught', retries: 1, error: 'Sandbox.Timedout' });
    expect(statesOf(result)).toContain('Caught');
    const failure = (result.output as { failure: { Error: string; Cause: string } }).failure;
    expect(failure.Error).toBe('Sandbox.Timedout');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 60\.00 seconds$/),
    });
  });

  it('lets a handler finish just within it', async () => {
    const result = await runDefinition(definition, { [fn('step')]: slow(59) });

    expect(statesOf(result)).toEqual(['Step', 'Done']);
  });

  it('follows the timeout the functions are deployed with', async () => {
    const result = await runDefinition(
      definition,
      { [fn('step')]: slow(15) },
      { functionTimeoutSeconds: 10 },
    );

    expect(result.timeline[0]).toMatchObject({ state: 'Step', outcome: 'caught', error: 'Sandbox.Timedout' });
  });

  it('freezes the timed-out handler: the AWS calls it would make afterwards are never made', async () => {
    const seen: string[] = [];
    const writeLate = handler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 70_000));
      try {
        await ssmClient('us-west-2').send(
          new PutParameterCommand({ Name: '/shop/db/host', Value: 'late', Overwrite: true }),
        );
        seen.push('written');
      } catch (error) {
        seen.push((error as Error).name);
      }
      return {};
    });

    const result = await runDefinition(definition, { [fn('step')]: writeLate });

    expect(result.apiCalls).toBe(0);
    expect(seen).toEqual(['SandboxFrozenError', 'SandboxFrozenError']);
    expect(JSON.stringify(result.cloud.parameters)).not.toContain('late');
  });

  it('keeps what an injected timeout let the handler do before the invocation failed', async () => {
    let runs = 0;

    const result = await runDefinition(
      definition,
      {
        [fn('step')]: handler(() => {
          runs += 1;
          return {};
        }),
      },
      { scenario: { lambdaFaults: [{ state: 'Step', invocations: [1], error: 'Sandbox.Timedout' }] } },
    );

    expect(runs).toBe(2);
    expect(result.timeline[0]).toMatchObject({ state: 'Step', outcome: 'succeeded', retries: 1 });
    expect(result.durationSeconds).toBeGreaterThanOrEqual(61);
  });
});
