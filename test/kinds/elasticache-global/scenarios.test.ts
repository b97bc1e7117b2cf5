import { describe, expect, it } from 'vitest';
import { observeReplay, type ObservedReplay } from '../../../engine/faults/observed-replay.js';
import type { ReplayResult } from '../../../engine/runner.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { parsePlan } from '../../../functions/common/plan.js';
import { sampleEvent } from '../../workflow/support.js';
import { GLOBAL_ID, globalPlanInput, PRIMARY_GROUP, RECOVERY_GROUP } from './support.js';

/**
 * Local replays of the example Global Datastore plan (examples/elasticache-global.plan.yaml) on
 * the simulated AWS: the whole workflow, the kind's scenario section, the cloud's end state.
 */

const alarm = sampleEvent('route53-health-alarm');
const promotePlan = parsePlan(
  globalPlanInput((document) => {
    document.globalDatastores = (document.globalDatastores ?? []).map((item) => ({
      ...item,
      onLagExceeded: 'promote' as const,
    }));
  }),
);
const plan = parsePlan(globalPlanInput());

const datastore = (result: ReplayResult) =>
  result.cloud.globalDatastores.find((candidate) => candidate.id === GLOBAL_ID);
const subjects = (result: ReplayResult) => result.cloud.notifications.map((message) => message.subject ?? '');
const lastMessage = (result: ReplayResult) => result.cloud.notifications.at(-1)?.message ?? '';
const failovers = (observed: ObservedReplay) =>
  observed.calls.filter(
    (call) => call.operation === 'FailoverGlobalReplicationGroup' && call.outcome === 'ok',
  );
const replay = async ({
  plan: replayed,
  scenario,
}: {
  plan: Parameters<typeof observeReplay>[0];
  event: unknown;
  scenario?: Scenario;
}): Promise<ReplayResult & { observed: ObservedReplay }> => {
  const observed = await observeReplay(replayed, alarm, scenario);
  return { ...observed.result, observed };
};
const behaviour = (settings: NonNullable<Scenario['globalDatastores']>[string]): Scenario => ({
  globalDatastores: { [GLOBAL_ID]: settings },
});
const highLag = behaviour({ lag: [{ atSeconds: -600, lagSeconds: 45 }] });

describe('replay of a failover of a Global Datastore', () => {
  it('makes the recovery group the primary and points the parameters at its endpoint', async () => {
    const result = await replay({ plan, event: alarm });

    expect(result.outcome).toBe('succeeded');
    expect(datastore(result)).toMatchObject({
      status: 'available',
      primary: { replicationGroupId: RECOVERY_GROUP, region: 'us-west-2' },
    });
    expect(result.cloud.parameters['/shop/cache/host']?.value).toBe(datastore(result)?.recoveryEndpoint);
    expect(result.cloud.parameters['/shop/active-region']?.value).toBe('us-west-2');
    expect(failovers(result.observed)).toHaveLength(1);
    expect(lastMessage(result)).toContain(`global datastore ${GLOBAL_ID}`);
    expect(result.rtoSeconds! - result.criticalPathSeconds).toBeLessThanOrEqual(6);
  });

  it('aborts at the RPO gate with nothing changed when lag stays over the threshold (abort)', async () => {
    const result = await replay({ plan, event: alarm, scenario: highLag });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('ReplicaLagExceededError');
    expect(result.mutatingCalls).toBe(0);
    expect(datastore(result)?.primary.replicationGroupId).toBe(PRIMARY_GROUP);
    expect(subjects(result).at(-1)).toMatch(/^Failover FAILED/);
    expect(lastMessage(result)).toContain('lag 45s is above 5s');
  });

  it('fails over anyway when lag stays over the threshold and the policy is promote, saying so', async () => {
    const result = await replay({ plan: promotePlan, event: alarm, scenario: highLag });

    expect(result.outcome).toBe('succeeded');
    expect(datastore(result)?.primary.replicationGroupId).toBe(RECOVERY_GROUP);
    expect(failovers(result.observed)).toHaveLength(1);
    // The gate waited lagWaitSeconds (120 s) before deciding.
    const firstFailover = failovers(result.observed)[0]!.time - Date.parse(result.startedAt);
    expect(firstFailover).toBeGreaterThanOrEqual((60 + 120) * 1000);
  });

  it('fails with the service message, and a notice of what was not done, when ElastiCache refuses the failover', async () => {
    const result = await replay({ plan, event: alarm, scenario: behaviour({ refuseFailover: true }) });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('GlobalFailoverRefusedError');
    expect(datastore(result)?.primary.replicationGroupId).toBe(PRIMARY_GROUP);
    const body = lastMessage(result);
    expect(body).toContain('Error: GlobalFailoverRefusedError');
    expect(body).toContain('not available or in primary-only state');
    expect(body).toContain(`global datastore ${GLOBAL_ID}: ${RECOVERY_GROUP} is still SECONDARY`);
    expect(result.cloud.parameters['/shop/cache/host']?.value).not.toBe(datastore(result)?.recoveryEndpoint);
  });

  it('succeeds without asking ElastiCache again when the datastore already failed over', async () => {
    const result = await replay({ plan, event: alarm, scenario: behaviour({ alreadyFailedOver: true }) });

    expect(result.outcome).toBe('succeeded');
    expect(failovers(result.observed)).toHaveLength(0);
    expect(datastore(result)?.primary.replicationGroupId).toBe(RECOVERY_GROUP);
    expect(result.cloud.parameters['/shop/cache/host']?.value).toBe(datastore(result)?.recoveryEndpoint);
  });
});
