import { beforeAll, describe, expect, it } from 'vitest';
import { judgeReplay, observeReplay, type ObservedReplay } from '../../engine/faults/index.js';
import type { Scenario } from '../../engine/sim/index.js';
import { callsOf, examplePlan, routeHealthAlarm } from './support.js';

/**
 * The verdict judges by the cloud's end state, for every kind: a parameter changed before the
 * failover stopped must be told as changed, and `succeeded` means the cloud shows every resource
 * failed over, whatever the subject line says.
 */
const plan = examplePlan();
const HOST = '/shop/db/host';

/** `observed` with its last notice's body replaced by `change(body)`. */
function withNotice(observed: ObservedReplay, change: (body: string) => string): ObservedReplay {
  const notifications = observed.result.cloud.notifications;
  const last = notifications.at(-1)!;
  return {
    ...observed,
    result: {
      ...observed.result,
      cloud: {
        ...observed.result.cloud,
        notifications: [...notifications.slice(0, -1), { ...last, message: change(last.message) }],
      },
    },
  };
}

const lineOf = (body: string, prefix: string) => body.split('\n').find((line) => line.startsWith(prefix));

describe('PutParameter call 2 denied, and DescribeDBInstances throttled during the read-back', () => {
  let observed: ObservedReplay;
  let before: string;
  let after: string;

  beforeAll(async () => {
    const denied: Scenario = {
      faults: [{ service: 'ssm', operation: 'PutParameter', calls: [2], error: 'accessDenied' }],
    };
    // Every DescribeDBInstances from the read-back's first one on is throttled (the SDK's retries too).
    const healthyRun = await observeReplay(plan, routeHealthAlarm(), denied);
    const readBackCall = callsOf(healthyRun.calls, 'DescribeDBInstances').at(-1)!.callNumber;
    observed = await observeReplay(plan, routeHealthAlarm(), {
      faults: [
        ...(denied.faults ?? []),
        { service: 'rds', operation: 'DescribeDBInstances', from: readBackCall, error: 'throttling' },
      ],
    });
    before = observed.before.parameters[HOST]!.value;
    after = observed.result.cloud.parameters[HOST]!.value;
  });

  it('changed a parameter before it stopped, and read the replica back as unknown', () => {
    expect(observed.result.outcome).toBe('failed');
    expect(after).not.toBe(before);
    const body = observed.result.cloud.notifications.at(-1)!.message;
    expect(lineOf(body, '- replica shop-db-replica: ')).toMatch(/unknown: Throttling/);
  });

  it('is notified correctly only because the notice tells the changed parameter as it is', () => {
    const verdict = judgeReplay(plan, observed);

    expect(verdict.changed).toContain(`parameter ${HOST}`);
    expect(verdict).toMatchObject({ verdict: 'notified', problems: [] });
    expect(lineOf(observed.result.cloud.notifications.at(-1)!.message, `- parameter ${HOST}: `)).toBe(
      `- parameter ${HOST}: points at ${after}`,
    );
  });

  it.each([
    [
      'read as holding its value from before',
      (body: string) => body.replace(`points at ${after}`, `not repointed: holds ${before}`),
    ],
    [
      'listed as done with a value it does not hold',
      (body: string) => body.replace(`points at ${after}`, `points at ${before}`),
    ],
    [
      'told as skipped',
      (body: string) => body.replace(`points at ${after}`, 'WARNING: skipped (optional): gone; not changed'),
    ],
    ['left out', (body: string) => body.replace(`- parameter ${HOST}: points at ${after}\n`, '')],
  ])('calls the changed parameter %s a silent partial state', (_case, change) => {
    const verdict = judgeReplay(plan, withNotice(observed, change));

    expect(verdict.verdict).toBe('silent-partial');
    expect(verdict.problems.join('\n')).toContain(HOST);
  });
});

describe('judgeReplay of a success notice', () => {
  let observed: ObservedReplay;

  beforeAll(async () => {
    observed = await observeReplay(plan, routeHealthAlarm(), {});
  });

  it('accepts a failover the cloud shows complete', () => {
    expect(judgeReplay(plan, observed)).toMatchObject({ verdict: 'succeeded', problems: [] });
  });

  it('does not take the subject line for it when the cloud shows a parameter not repointed', () => {
    const was = observed.before.parameters[HOST]!;
    const reverted: ObservedReplay = {
      ...observed,
      result: {
        ...observed.result,
        cloud: { ...observed.result.cloud, parameters: { ...observed.result.cloud.parameters, [HOST]: was } },
      },
    };

    const verdict = judgeReplay(plan, reverted);

    expect(verdict.verdict).toBe('silent-partial');
    expect(verdict.problems).toContainEqual(
      expect.stringMatching(/says SUCCEEDED, but \/shop\/db\/host holds/),
    );
  });

  it('does not accept a required resource told as skipped', () => {
    const verdict = judgeReplay(
      plan,
      withNotice(observed, (body) =>
        body.replace(
          /^- group shop-app-usw2: .*$/m,
          '- group shop-app-usw2: WARNING: skipped (optional): gone; not changed',
        ),
      ),
    );

    expect(verdict.problems).toContainEqual(expect.stringMatching(/group shop-app-usw2 is required/));
  });

  it('does not accept a success notice that leaves a resource out', () => {
    const verdict = judgeReplay(
      plan,
      withNotice(observed, (body) => body.replace(/^- parameter \/shop\/db\/port: .*\n/m, '')),
    );

    expect(verdict.problems).toContainEqual(
      'the success notification does not mention parameter /shop/db/port',
    );
  });
});
