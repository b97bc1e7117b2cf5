import '../../unit/support/aws-sdk-matchers.js';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { ecsServiceRuntime } from '../../../functions/kinds/ecs-service/runtime.js';
import type { ServiceFacts } from '../../../functions/kinds/ecs-service/types.js';
import type { KindContext } from '../../../functions/kinds/kind-step.js';
import { examplePlan } from '../../fixtures/plans.js';
import { mockRecordTable, RECORD_SCOPE, RECORD_TABLE } from '../../fixtures/record-table.js';

/**
 * The ECS service kind's prewarm and unwarm with the SDK mocked (aws-sdk-client-mock) and the
 * failover record in memory: which calls each sends, and what each records. The same actions
 * against the simulated ECS are in runtime.test.ts.
 */

const ecs = mockClient(ECSClient);
const record = mockRecordTable();
const KIND = 'ecs-service';

const plan = examplePlan((document) => {
  document.ecsServices = [{ cluster: 'shop-usw2', service: 'storefront', desiredCount: 6 }];
});
const context = (dryRun = false): KindContext => ({
  plan,
  scope: RECORD_SCOPE,
  dryRun,
  planned: false,
  direction: 'failover',
});

/** ECS answers DescribeServices with the service at `desired` tasks, all running. */
let desired = 2;
const service = (): Service => ({
  serviceName: 'storefront',
  status: 'ACTIVE',
  desiredCount: desired,
  runningCount: desired,
  pendingCount: 0,
  deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: desired }],
});

beforeEach(() => {
  setClientInterceptor(undefined);
  process.env.FAILOVER_LOCK_TABLE = RECORD_TABLE;
  record.reset();
  ecs.reset();
  desired = 2;
  ecs.on(DescribeServicesCommand).callsFake(() => ({ services: [service()], failures: [] }));
  ecs.on(UpdateServiceCommand).callsFake((input: UpdateServiceCommand['input']) => {
    desired = input.desiredCount ?? desired;
    return { service: service() };
  });
});

afterEach(() => {
  delete process.env.FAILOVER_LOCK_TABLE;
});

describe('ecs-service prewarm', () => {
  it('raises the desired count to the plan and records the count before, marked as the prewarm', async () => {
    const summary = await ecsServiceRuntime.prewarm?.(context());

    expect(summary).toMatchObject({ kind: KIND, action: 'prewarm', done: true });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: 'shop-usw2',
      service: 'storefront',
      desiredCount: 6,
    });
    expect(record.read<ServiceFacts>(RECORD_SCOPE, [KIND, 0], 'facts')).toEqual({
      previousDesired: 2,
      raisedTo: 6,
      raisedBy: 'prewarm',
    });
    // Progress is the start's: a prewarm writes none.
    expect(record.read(RECORD_SCOPE, [KIND], 'progress')).toBeUndefined();
  });

  it('sends no UpdateService and keeps the first facts when run again', async () => {
    await ecsServiceRuntime.prewarm?.(context());

    await ecsServiceRuntime.prewarm?.(context());

    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
    expect(record.read<ServiceFacts>(RECORD_SCOPE, [KIND, 0], 'facts')).toMatchObject({ previousDesired: 2 });
  });
});

describe('ecs-service unwarm', () => {
  it('sets a prewarmed service back to the recorded count, and only once', async () => {
    await ecsServiceRuntime.prewarm?.(context());

    await ecsServiceRuntime.unwarm?.(context());
    await ecsServiceRuntime.unwarm?.(context());

    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.desiredCount)).toEqual([
      6, 2,
    ]);
  });

  it('changes nothing once the failover start has run', async () => {
    await ecsServiceRuntime.prewarm?.(context());
    await ecsServiceRuntime.start(context());

    const summary = await ecsServiceRuntime.unwarm?.(context());

    expect(summary?.message).toBe('shop-usw2/storefront kept: the failover scaled it');
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
  });

  it('says what it would set back in a dry run, and sends nothing', async () => {
    await ecsServiceRuntime.prewarm?.(context());

    const summary = await ecsServiceRuntime.unwarm?.(context(true));

    expect(summary?.message).toBe('dry run: would set shop-usw2/storefront back from 6 to 2 desired tasks');
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
  });
});
