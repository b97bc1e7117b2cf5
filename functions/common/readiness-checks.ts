import { describeError } from './errors.js';

/**
 * One readiness check's verdict. `skip` is for what cannot be checked from here (e.g. no topic
 * named anywhere); it does not make the plan "not ready".
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

/**
 * A check's name, e.g. `replica-exists` or `topic-exists`: kebab-case, the resource's noun first.
 * Each kind names its own checks in its readiness.ts, so there is no list of them here.
 */
export type CheckName = string;

export interface ReadinessCheck {
  readonly check: CheckName;
  /** The replica, group, parameter, topic, alarm or state machine checked. */
  readonly resource: string;
  readonly status: CheckStatus;
  /** A sentence that says what was found, naming the resource. */
  readonly reason: string;
}

export const pass = (check: CheckName, resource: string, reason: string): ReadinessCheck => ({
  check,
  resource,
  status: 'pass',
  reason,
});
export const fail = (check: CheckName, resource: string, reason: string): ReadinessCheck => ({
  check,
  resource,
  status: 'fail',
  reason,
});
export const skip = (check: CheckName, resource: string, reason: string): ReadinessCheck => ({
  check,
  resource,
  status: 'skip',
  reason,
});

/**
 * Runs one resource's checks; an AWS error nobody expected (access denied, throttling that
 * outlasted the SDK's retries) fails that resource's first check instead of the whole run.
 */
export async function guarded(
  check: CheckName,
  resource: string,
  what: string,
  run: () => Promise<ReadinessCheck[]>,
): Promise<ReadinessCheck[]> {
  try {
    return await run();
  } catch (error) {
    return [fail(check, resource, `could not check ${what}: ${describeError(error)}`)];
  }
}
