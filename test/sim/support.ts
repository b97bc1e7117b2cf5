import FakeTimers from '@sinonjs/fake-timers';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { parsePlan, type Plan, type PlanInput } from '../../functions/common/plan.js';
import {
  createSimulatedCloud,
  type Scenario,
  type SimulatedCloud,
  type SimulatedCloudOptions,
} from '../../engine/sim/index.js';

/** The fake clock `FakeTimers.install` returns. */
export type InstalledClock = ReturnType<typeof FakeTimers.install>;

export const PRIMARY = 'us-east-1';
export const RECOVERY = 'us-west-2';
export const REPLICA = 'shop-db-replica';
export const GROUP = 'shop-app-usw2';
export const TOPIC = 'arn:aws:sns:us-west-2:111122223333:shop-failover';
export const HEALTH_ALARM = 'shop-primary-health';

/** The plan of DESIGN.md, with a second alarm in the primary region. */
export const planInput: PlanInput = {
  name: 'shop-prod',
  primaryRegion: PRIMARY,
  recoveryRegion: RECOVERY,
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
  triggers: { alarms: [HEALTH_ALARM, { name: 'shop-alb-5xx', region: PRIMARY }], confirmSeconds: 60 },
  databases: [{ id: 'main', replica: REPLICA, maxLagSeconds: 30, lagWaitSeconds: 300 }],
  scalingGroups: [{ name: GROUP, min: 3, desired: 6, max: 12 }],
  parameters: [
    { name: '/shop/db/host', value: '{{databases.main.endpoint}}' },
    { name: '/shop/active-region', value: '{{recoveryRegion}}' },
  ],
  notifications: { topicArn: TOPIC },
};

export interface SimHarness {
  readonly plan: Plan;
  readonly cloud: SimulatedCloud;
  readonly clock: InstalledClock;
  /** Seconds of virtual time since the scenario start. */
  readonly elapsedSeconds: () => number;
}

let installed: InstalledClock | undefined;

/**
 * Builds the cloud, installs fake timers at the scenario start and routes the SDK clients of
 * functions/common/aws-clients.ts to the cloud. Undo with `teardown()` (in afterEach).
 */
export function simulate(
  scenario: Scenario = {},
  options: SimulatedCloudOptions = {},
  plan = parsePlan(planInput),
): SimHarness {
  const cloud = createSimulatedCloud(plan, scenario, options);
  const clock = FakeTimers.install({
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    now: cloud.startTime,
  });
  installed = clock;
  setClientInterceptor(cloud.interceptor);
  return { plan, cloud, clock, elapsedSeconds: () => (Date.now() - cloud.startTime.getTime()) / 1000 };
}

export function teardown(): void {
  installed?.uninstall();
  installed = undefined;
  setClientInterceptor(undefined);
}

/** Runs the virtual clock until `promise` settles and returns its value. */
export async function settle<T>(clock: InstalledClock, promise: Promise<T>): Promise<T> {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await clock.runAllAsync();
  const result = await outcome;
  if (!result.ok) throw result.error;
  return result.value;
}

/** Runs the virtual clock until `promise` rejects and returns the error (fails if it resolves). */
export async function failure(
  clock: InstalledClock,
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await settle(clock, promise);
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
