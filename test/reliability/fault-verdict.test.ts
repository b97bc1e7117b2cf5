import { beforeAll, describe, expect, it } from 'vitest';
import { judgeReplay, observeReplay, type ObservedReplay } from '../../engine/faults/index.js';
import { loadScenario } from '../../engine/sim/index.js';
import { examplePlan, routeHealthAlarm } from './support.js';

/**
 * The verdict must catch a failure notice that describes a changed resource as untouched, for
 * every kind: these take a real failed replay (the replica's promotion fails after the group
 * was scaled; promotion-fails) and rewrite one line of its notice the way a wrong read-back
 * would write it.
 */
const plan = examplePlan();
let observed: ObservedReplay;

beforeAll(async () => {
  observed = await observeReplay(
    plan,
    routeHealthAlarm(),
    await loadScenario('events/scenarios/promotion-fails.json'),
  );
});

/** The observed replay with the last notice's line for `prefix` replaced by `line`. */
function withNoticeLine(prefix: string, line: string): ObservedReplay {
  const notifications = observed.result.cloud.notifications;
  const last = notifications.at(-1)!;
  const message = last.message
    .split('\n')
    .map((candidate) => (candidate.startsWith(prefix) ? line : candidate))
    .join('\n');
  return {
    ...observed,
    result: {
      ...observed.result,
      cloud: {
        ...observed.result.cloud,
        notifications: [...notifications.slice(0, -1), { ...last, message }],
      },
    },
  };
}

describe('judgeReplay of a failure notice', () => {
  it('accepts the notice the workflow wrote: every resource as the read-back found it', () => {
    const verdict = judgeReplay(plan, observed);

    expect(verdict).toMatchObject({ verdict: 'notified', problems: [] });
    expect(verdict.changed).toEqual(['replica shop-db-replica', 'group shop-app-usw2']);
  });

  it.each([
    [
      'a scaled group read as its pre-failover size',
      '- group shop-app-usw2: ',
      '- group shop-app-usw2: desired 1 (plan 6), 1 InService',
      /shop-app-usw2 was scaled from desired 1 to 6/,
    ],
    [
      'a replica whose promotion started read as an untouched replica',
      '- replica shop-db-replica: ',
      '- replica shop-db-replica: still a read replica (available)',
      /a promotion of shop-db-replica was started/,
    ],
    [
      'a resource left out of the notice',
      '- parameter /shop/db/port: ',
      '',
      /does not mention parameter \/shop\/db\/port/,
    ],
  ])('calls %s a silent partial state', (_case, prefix, line, problem) => {
    const verdict = judgeReplay(plan, withNoticeLine(prefix, line));

    expect(verdict.verdict).toBe('silent-partial');
    expect(verdict.problems).toContainEqual(expect.stringMatching(problem));
  });

  it('calls a replica listed as done while it is still a replica a silent partial state', () => {
    const body = observed.result.cloud.notifications.at(-1)!.message;
    const replicaLine = body.split('\n').find((line) => line.startsWith('- replica shop-db-replica: '))!;
    const moved = body
      .replace(`${replicaLine}\n`, '')
      .replace(
        'Done (read back from AWS):',
        `Done (read back from AWS):\n- replica shop-db-replica: promoted: standalone and available`,
      );
    const notifications = observed.result.cloud.notifications;
    const doctored: ObservedReplay = {
      ...observed,
      result: {
        ...observed.result,
        cloud: {
          ...observed.result.cloud,
          notifications: [...notifications.slice(0, -1), { ...notifications.at(-1)!, message: moved }],
        },
      },
    };

    const verdict = judgeReplay(plan, doctored);

    expect(verdict.verdict).toBe('silent-partial');
    expect(verdict.problems).toContainEqual(
      expect.stringMatching(/shop-db-replica is still a read replica, but .* under Done/),
    );
  });
});
