import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../functions/common/plan.js';
import { AlarmForwardingStack } from '../../infra/alarm-forwarding.js';
import {
  FailoverOrchestrator,
  FailoverOrchestratorPropsError,
  type FailoverOrchestratorProps,
} from '../../infra/failover-orchestrator.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { ReferenceBaseStack, type ReferenceBaseStackProps } from '../../infra/reference-base-stack.js';
import { ACCOUNT, fixturePath } from './infra-helpers.js';

const plan = loadPlanFile(fixturePath('multi-region.plan.yaml'));

function orchestrator(
  region: string | undefined,
  props: Partial<FailoverOrchestratorProps> = {},
): FailoverOrchestrator {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Stack', region ? { env: { account: ACCOUNT, region } } : {});
  return new FailoverOrchestrator(stack, 'Orchestrator', { plan, ...props });
}

function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the construct to throw');
}

describe('FailoverOrchestrator props', () => {
  it('accepts a plan whose alarms are all outside the recovery region', () => {
    const outside: Plan = {
      ...plan,
      triggers: {
        ...plan.triggers,
        alarms: plan.triggers.alarms.filter((a) => a.region !== plan.recoveryRegion),
      },
    };
    expect(() => orchestrator('us-west-2', { plan: outside })).not.toThrow();
  });

  it.each([
    [
      'a stack outside the recovery region',
      'us-east-1',
      {},
      /must run in the plan's recoveryRegion \(us-west-2\)/,
    ],
    ['an environment-agnostic stack', undefined, {}, /needs an explicit env\.region/],
    [
      'a Node.js 20 runtime',
      'us-west-2',
      { runtime: Runtime.NODEJS_20_X },
      /Node\.js 22 or later, got nodejs20\.x/,
    ],
    [
      'a Python runtime',
      'us-west-2',
      { runtime: Runtime.PYTHON_3_13 },
      /Node\.js 22 or later, got python3\.13/,
    ],
    ['too little memory', 'us-west-2', { memorySize: 64 }, /memorySize must be .* got 64/],
    [
      'no reserved concurrency',
      'us-west-2',
      { reservedConcurrency: 0 },
      /reservedConcurrency must be a whole number from 1 to 100, got 0/,
    ],
    [
      'a fraction of a reserved execution',
      'us-west-2',
      { reservedConcurrency: 1.5 },
      /reservedConcurrency must be a whole number .* got 1\.5/,
    ],
    [
      'more reserved concurrency than a failover can use',
      'us-west-2',
      { reservedConcurrency: 500 },
      /reservedConcurrency must be .* got 500/,
    ],
    [
      'a function timeout beyond the wait for in-flight functions',
      'us-west-2',
      { stepTimeout: Duration.minutes(5) },
      /stepTimeout .* got 300/,
    ],
    [
      'a step timeout shorter than a hook of the plan may take (30 s, and the step around it)',
      'us-west-2',
      { stepTimeout: Duration.seconds(30) },
      /stepTimeout must be at least 45 seconds for the plan's hooks, got 30/,
    ],
    [
      'a state machine name with spaces',
      'us-west-2',
      { stateMachineName: 'my failover' },
      /stateMachineName/,
    ],
    [
      'a handlers directory without the prebuilt handlers',
      'us-west-2',
      { handlersDirectory: '/nonexistent' },
      /no prebuilt handler \/nonexistent\/validate-trigger\/index\.mjs.*\/nonexistent\/rds-replica\/index\.mjs/,
    ],
    [
      'both a plan and a plan file',
      'us-west-2',
      { planFile: fixturePath('multi-region.plan.yaml') },
      /give exactly one of plan and planFile/,
    ],
    [
      'a plan file that does not exist',
      'us-west-2',
      { plan: undefined, planFile: '/nonexistent/plan.yaml' },
      /plan file \/nonexistent\/plan\.yaml/,
    ],
  ] as const)('rejects %s with a clear message', (_case, region, props, message) => {
    const error = errorOf(() => orchestrator(region, props as Partial<FailoverOrchestratorProps>));
    expect(error).toBeInstanceOf(FailoverOrchestratorPropsError);
    expect(error.message).toMatch(message);
  });

  it('rejects a plan that does not validate, listing the plan problems', () => {
    const broken = {
      ...plan,
      name: 'Not A Name',
      databases: [{ ...plan.databases[0], maxLagSeconds: 999 }],
    } as Plan;
    const error = errorOf(() => orchestrator('us-west-2', { plan: broken }));
    expect(error.message).toMatch(/name: must be lower-case/);
    expect(error.message).toMatch(/databases\[0\]\.maxLagSeconds/);
  });

  it('reads and validates the plan file it is given instead of a plan', () => {
    const built = orchestrator('us-west-2', {
      plan: undefined,
      planFile: fixturePath('multi-region.plan.yaml'),
    });
    expect(built.plan).toEqual(plan);
  });

  it('reports every problem at once, before building anything', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const error = errorOf(
      () =>
        new FailoverOrchestrator(stack, 'Orchestrator', {
          plan,
          runtime: Runtime.NODEJS_18_X,
          memorySize: 1,
        }),
    ) as FailoverOrchestratorPropsError;
    expect(error.problems).toHaveLength(3);
    expect(stack.node.findAll().filter((construct) => construct instanceof CfnElement)).toEqual([]);
  });
});

describe('AlarmForwardingStack props', () => {
  const forwarding = (region: string, alarmName: string, healthCheckId: string) => () =>
    new AlarmForwardingStack(new App(), 'Alarms', {
      env: { account: ACCOUNT, region },
      plan,
      healthChecks: [{ alarmName, healthCheckId }],
    });
  const uuid = '3f0c2a4e-8d1b-4c5e-9a7f-123456789abc';

  it.each([
    [
      'a health check alarm outside us-east-1',
      forwarding('eu-west-1', 'shop-primary-health', uuid),
      /must be in us-east-1/,
    ],
    [
      'a health check alarm the plan does not list',
      forwarding('us-east-1', 'other-alarm', uuid),
      /not one of the plan's trigger alarms/,
    ],
    [
      'a health check id that is not one',
      forwarding('us-east-1', 'shop-primary-health', 'abc'),
      /must be a Route 53 health check id/,
    ],
  ] as const)('rejects %s', (_case, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('ReferenceBaseStack props', () => {
  const base: ReferenceBaseStackProps = {
    env: { account: ACCOUNT, region: 'us-east-1' },
    siteRole: 'primary',
    hostedZone: { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE0000000000' },
    appGroup: { name: 'app', minCapacity: 1, maxCapacity: 2 },
    database: { kind: 'primary', instanceIdentifier: 'db' },
    activeRegion: 'us-east-1',
  };

  it.each([
    [
      'an empty group',
      { appGroup: { name: 'app', minCapacity: 0, maxCapacity: 2 } },
      /minCapacity <= maxCapacity/,
    ],
    ['a single instance type', { instanceTypes: ['t4g.small'] }, /at least two types/],
    [
      'a zone id that is not one',
      { hostedZone: { zoneName: 'example.com', hostedZoneId: 'example' } },
      /Route 53 zone id/,
    ],
    [
      'a recovery site with a primary database',
      { siteRole: 'recovery' },
      /a recovery site needs a replica database/,
    ],
  ] as const)('rejects %s', (_case, override, message) => {
    expect(
      () => new ReferenceBaseStack(new App(), 'Base', { ...base, ...override } as ReferenceBaseStackProps),
    ).toThrow(message);
  });
});
