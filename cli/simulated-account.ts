import '../engine/local-env.js';
import FakeTimers from '@sinonjs/fake-timers';
import { setClientInterceptor } from '../functions/common/aws-clients.js';
import type { Plan } from '../functions/common/plan.js';
import { createSimulatedCloud, type Scenario, type SimulatedCloud } from '../engine/sim/index.js';

/**
 * Runs `work` against a simulated AWS built from the plan (and a scenario to break it), the way
 * `replay` does for a whole workflow: the SDK clients of functions/common/aws-clients.ts talk to
 * the simulated cloud, on a virtual clock that starts now, so simulated API latency and retry
 * back-offs take no real time. Scenario seconds count from now.
 */
export async function withSimulatedAccount<T>(
  plan: Plan,
  scenario: Scenario,
  work: (cloud: SimulatedCloud) => Promise<T>,
): Promise<T> {
  const cloud = createSimulatedCloud(plan, {
    ...scenario,
    startTime: scenario.startTime ?? new Date().toISOString(),
  });
  const clock = FakeTimers.install({
    now: cloud.startTime,
    loopLimit: 1_000_000,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
  });
  setClientInterceptor(cloud.interceptor);
  try {
    let settled = false;
    const running = work(cloud).finally(() => {
      settled = true;
    });
    // Keep a rejection from being reported as unhandled while the clock is driven.
    running.catch(() => undefined);
    while (!settled) {
      await clock.runAllAsync();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return await running;
  } finally {
    setClientInterceptor(undefined);
    clock.uninstall();
  }
}
