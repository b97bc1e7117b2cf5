import type { Plan } from '../functions/common/plan.js';
import { onSimulatedCloud, runFenceRetries } from '../engine/fence-retries.js';
import type { Scenario } from '../engine/sim/index.js';
import { FENCE_RETRY_MINUTES } from '../functions/fence-retry/fencing-kinds.js';
import { alarmStateChangeEvent } from './events-command.js';
import { BadInputError } from './command-inputs.js';
import { runLocalDrill } from './local-drill.js';
import { readFencingStatus, type KindFencing } from './status-command.js';

const MINUTE_MS = 60_000;
const DEFAULT_ACCOUNT = '111111111111';

/**
 * `failover status --local`: a failover of the plan replayed on the simulated AWS (its first
 * alarm entering ALARM; the scenario may keep the primary region down), then the scheduled
 * fence retry every 5 minutes for `afterMinutes`, then the fencing records as the table holds them.
 */
export async function localFencingStatus(
  plan: Plan,
  scenario: Scenario,
  afterMinutes: number,
): Promise<KindFencing[]> {
  const [alarm] = plan.triggers.alarms;
  if (alarm === undefined) throw new BadInputError(`plan ${plan.name} has no alarm to start a failover with`);
  const account = plan.notifications.topicArn?.split(':')[4] ?? DEFAULT_ACCOUNT;
  const start = scenario.startTime ?? '2026-01-01T09:00:00.000Z';
  const event = alarmStateChangeEvent(alarm, 'ALARM', account, new Date(start).toISOString());
  const { result, cloud } = await runLocalDrill(plan, event, { scenario });
  const endMs = Date.parse(result.endedAt);
  const runs = Math.floor(afterMinutes / FENCE_RETRY_MINUTES);
  await runFenceRetries({
    plan,
    cloud,
    at: Array.from({ length: runs }, (_, index) => endMs + (index + 1) * FENCE_RETRY_MINUTES * MINUTE_MS),
  });
  return onSimulatedCloud(plan, cloud, endMs + afterMinutes * MINUTE_MS + 1, () =>
    readFencingStatus(plan, cloud.lockTableName),
  );
}
