import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as arcRoutingControl } from '../../functions/kinds/arc-routing-control/handler.js';
import { handler as auroraGlobal } from '../../functions/kinds/aurora-global/handler.js';
import { handler as autoScalingGroup } from '../../functions/kinds/auto-scaling-group/handler.js';
import { handler as customHook } from '../../functions/kinds/custom-hook/handler.js';
import { handler as ecsService } from '../../functions/kinds/ecs-service/handler.js';
import { handler as dnsFlag } from '../../functions/kinds/dns-flag/handler.js';
import { handler as elastiCacheGlobal } from '../../functions/kinds/elasticache-global/handler.js';
import {
  mapBounded,
  parseKindStepInput,
  StepInputError,
  summarise,
} from '../../functions/kinds/kind-step.js';
import { handler as postgresReplica } from '../../functions/kinds/postgres-replica/handler.js';
import { handler as proxySwitch } from '../../functions/kinds/proxy-switch/handler.js';
import { handler as rdsReplica } from '../../functions/kinds/rds-replica/handler.js';
import { handler as redisSentinel } from '../../functions/kinds/redis-sentinel/handler.js';
import { KINDS } from '../../functions/kinds/registry.js';
import { handler as ssmParameter } from '../../functions/kinds/ssm-parameter/handler.js';
import { parsePlan } from '../../functions/common/plan.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { planInput } from '../sim/support.js';
import { EXECUTION_ID } from './support.js';

const HANDLERS = [
  ['rds-replica', rdsReplica],
  ['aurora-global', auroraGlobal],
  ['elasticache-global', elastiCacheGlobal],
  ['auto-scaling-group', autoScalingGroup],
  ['ecs-service', ecsService],
  ['ssm-parameter', ssmParameter],
  ['postgres-replica', postgresReplica],
  ['redis-sentinel', redisSentinel],
  ['proxy-switch', proxySwitch],
  ['custom-hook', customHook],
  ['dns-flag', dnsFlag],
  ['arc-routing-control', arcRoutingControl],
] as const;

const valid = { action: 'start', executionId: EXECUTION_ID, dryRun: false };
const saved = process.env.FAILOVER_PLAN;

beforeEach(() => {
  process.env.FAILOVER_PLAN = JSON.stringify(parsePlan(planInput));
});

afterEach(() => {
  if (saved === undefined) delete process.env.FAILOVER_PLAN;
  else process.env.FAILOVER_PLAN = saved;
});

describe('kind step input', () => {
  it('has a handler for every kind of the registry', () => {
    expect(HANDLERS.map(([id]) => id)).toEqual(KINDS.map((kind) => kind.id));
  });

  it.each([
    ['an unknown action', { ...valid, action: 'promote' }, 'action'],
    ['no execution id', { action: 'start', dryRun: false }, 'executionId'],
    ['an execution id that is not an execution ARN', { ...valid, executionId: 'run-1' }, 'executionId'],
    ['dryRun as a string', { ...valid, dryRun: 'false' }, 'dryRun'],
    ['an unknown key (the plan must not travel in the state)', { ...valid, plan: {} }, 'plan'],
  ])('rejects %s with StepInputError naming the field', (_case, input, field) => {
    expect(() => parseKindStepInput(input)).toThrow(StepInputError);
    expect(() => parseKindStepInput(input)).toThrow(new RegExp(`\\b${field}\\b`));
  });

  it.each(HANDLERS)(
    'the %s Lambda fails with the error name StepInputError on bad input',
    async (_id, handler) => {
      // Act
      const invocation = (handler as (event: unknown, context: unknown) => Promise<unknown>)(
        { ...valid, action: 'rollback' },
        lambdaContext('kind'),
      );

      // Assert
      await expect(invocation).rejects.toMatchObject({
        name: 'StepInputError',
        message: expect.stringContaining('action'),
      });
    },
  );

  it.each(HANDLERS.filter(([id]) => KINDS.find((kind) => kind.id === id)?.hasGate !== true))(
    'the %s Lambda refuses a gate, which its kind does not have',
    async (id, handler) => {
      // Act
      const invocation = (handler as (event: unknown, context: unknown) => Promise<unknown>)(
        { ...valid, action: 'gate' },
        lambdaContext('kind'),
      );

      // Assert
      await expect(invocation).rejects.toMatchObject({
        name: 'StepInputError',
        message: `${id} has no gate`,
      });
    },
  );
});

describe('mapBounded', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    // Arrange
    let running = 0;
    let most = 0;
    const work = async (item: number) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      await Promise.resolve();
      running--;
      return item * 10;
    };

    // Act
    const results = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, work);

    // Assert
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('returns an empty list for no items', async () => {
    await expect(mapBounded([], 5, () => Promise.resolve(1))).resolves.toEqual([]);
  });
});

describe('summarise', () => {
  it('is done with the latest completion time when every item is done', () => {
    const summary = summarise(
      'k',
      'check',
      [
        { done: true, pollSeconds: 15, doneAt: '2026-11-24T09:05:00.000Z' },
        { done: true, pollSeconds: 15, doneAt: '2026-11-24T09:07:00.000Z' },
      ],
      'things ready',
    );

    expect(summary).toEqual({
      kind: 'k',
      action: 'check',
      done: true,
      waitSeconds: 0,
      total: 2,
      pending: 0,
      completedAt: '2026-11-24T09:07:00.000Z',
      message: '2 things ready',
    });
  });

  it('waits the shortest poll interval of the pending items', () => {
    const summary = summarise(
      'k',
      'check',
      [
        { done: false, pollSeconds: 30 },
        { done: false, pollSeconds: 15 },
        { done: true, pollSeconds: 5, doneAt: '2026-11-24T09:07:00.000Z' },
      ],
      'things ready',
    );

    expect(summary).toMatchObject({
      done: false,
      waitSeconds: 15,
      pending: 2,
      message: '1 of 3 things ready',
    });
    expect(summary.completedAt).toBeUndefined();
  });
});
