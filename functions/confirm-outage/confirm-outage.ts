import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { BEST_EFFORT } from '../common/aws-clients.js';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import { describeError } from '../common/errors.js';
import { nowIso } from '../common/step-handler.js';
import type { AlarmCheck, Confirmation, ConfirmOutageInput, FailoverLock } from '../common/workflow-state.js';
import {
  readLock,
  recordAbortVerdict,
  type LockItem,
  type LockTableRef,
} from '../failover-lock/lock-table.js';

/**
 * Re-checks the alarms after the confirm window (flap damping): the one that started this
 * execution and every other plan alarm that entered ALARM while this execution held the lock
 * (those executions ended as duplicates and recorded their alarm on the lock item: see
 * functions/failover-lock/acquire-lock.ts). The outage is confirmed if any of them is not back to
 * OK. An alarm may live in the failed region (or in us-east-1 for a Route 53 health check), so the
 * calls are best effort with a short timeout: a region that does not answer is itself evidence of
 * the outage and confirms it; only alarms seen back in OK (or deleted) abort.
 *
 * Before aborting, the verdict is written to the lock item on the condition that no other alarm
 * arrived since the list was read: either this execution re-checks a late alarm, or that alarm's
 * execution finds the verdict and takes the lock over. No outage is lost between the two.
 */

/** New alarms arriving between every read and every verdict this many times means an outage. */
const MAX_ROUNDS = 5;

interface Watched {
  readonly alarmName: string;
  readonly alarmRegion: string;
}

const refOf = (lock: FailoverLock): LockTableRef => ({
  tableName: lock.tableName,
  region: lock.region,
  planName: lock.planName,
});

/** One DescribeAlarms per region; a region that does not answer makes its alarms UNREACHABLE. */
async function checkAlarms(alarms: readonly Watched[]): Promise<{ checks: AlarmCheck[]; errors: string[] }> {
  const regions = [...new Set(alarms.map((alarm) => alarm.alarmRegion))];
  const errors: string[] = [];
  const states = new Map<string, AlarmCheck['alarmState']>();
  await Promise.all(
    regions.map(async (region) => {
      const names = alarms.filter((alarm) => alarm.alarmRegion === region).map((alarm) => alarm.alarmName);
      try {
        const response = await cloudWatchClient(region, BEST_EFFORT).send(
          new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
        );
        const found = [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])];
        for (const name of names) {
          const alarm = found.find((candidate) => candidate.AlarmName === name);
          states.set(
            `${region}/${name}`,
            alarm === undefined ? 'NOT_FOUND' : (alarm.StateValue ?? 'INSUFFICIENT_DATA'),
          );
        }
      } catch (error) {
        errors.push(
          `could not re-check alarm${names.length > 1 ? 's' : ''} ${names.map((name) => `"${name}"`).join(', ')} in ${region} (${describeError(error)})`,
        );
        for (const name of names) states.set(`${region}/${name}`, 'UNREACHABLE');
      }
    }),
  );
  const checks = alarms.map((alarm) => ({
    ...alarm,
    alarmState: states.get(`${alarm.alarmRegion}/${alarm.alarmName}`) ?? 'UNREACHABLE',
  }));
  return { checks, errors };
}

/** The trigger's alarm, then each late one (once each). */
function watchedAlarms(own: Watched, item: LockItem | undefined, executionArn: string): Watched[] {
  const late = item?.holder?.executionArn === executionArn ? (item.lateTriggers ?? []) : [];
  const all = [
    own,
    ...late.map((trigger) => ({ alarmName: trigger.alarmName, alarmRegion: trigger.alarmRegion })),
  ];
  return all.filter(
    (alarm, i) =>
      all.findIndex(
        (other) => other.alarmName === alarm.alarmName && other.alarmRegion === alarm.alarmRegion,
      ) === i,
  );
}

const quoted = (checks: readonly AlarmCheck[]): string =>
  checks.map((check) => `"${check.alarmName}"`).join(', ');

function verdict(
  checks: readonly AlarmCheck[],
  errors: readonly string[],
  confirmSeconds: number,
  checkedAt: string,
): Confirmation {
  const [own] = checks as [AlarmCheck, ...AlarmCheck[]];
  const others =
    checks.length > 1 ? ` (re-checked ${checks.length} alarms that fired: ${quoted(checks)})` : '';
  // INSUFFICIENT_DATA after ALARM is what a dying region looks like: its metrics stop.
  const firing = checks.find(
    (check) => check.alarmState === 'ALARM' || check.alarmState === 'INSUFFICIENT_DATA',
  );
  if (firing !== undefined) {
    return {
      confirmed: true,
      alarmState: firing.alarmState as 'ALARM' | 'INSUFFICIENT_DATA',
      checkedAt,
      message: `alarm "${firing.alarmName}" still ${firing.alarmState} after ${confirmSeconds}s${others}`,
      ...(checks.length > 1 ? { alarms: checks } : {}),
    };
  }
  const unreachable = checks.find((check) => check.alarmState === 'UNREACHABLE');
  if (unreachable !== undefined) {
    return {
      confirmed: true,
      alarmState: 'UNREACHABLE',
      checkedAt,
      message: `${errors.join('; ')}: treating the outage as confirmed${others}`,
      ...(checks.length > 1 ? { alarms: checks } : {}),
    };
  }
  const ok = checks.filter((check) => check.alarmState === 'OK');
  const gone = checks.filter((check) => check.alarmState === 'NOT_FOUND');
  const message =
    checks.length === 1 && gone.length === 1
      ? `alarm "${own.alarmName}" no longer exists in ${own.alarmRegion}: not failing over on a deleted alarm`
      : checks.length === 1
        ? `alarm "${own.alarmName}" returned to OK within the ${confirmSeconds}s confirm window (flap): nothing was changed`
        : `every alarm that fired is back to OK or deleted within the ${confirmSeconds}s confirm window (flap): ` +
          `${ok.length > 0 ? `OK: ${quoted(ok)}` : ''}${ok.length > 0 && gone.length > 0 ? '; ' : ''}${gone.length > 0 ? `deleted: ${quoted(gone)}` : ''}; nothing was changed`;
  return {
    confirmed: false,
    alarmState: ok.length > 0 ? 'OK' : 'NOT_CHECKED',
    checkedAt,
    message,
    ...(checks.length > 1 ? { alarms: checks } : {}),
  };
}

export async function confirmOutage({ trigger, lock }: ConfirmOutageInput): Promise<Confirmation> {
  const checkedAt = nowIso();
  if (trigger.kind === 'drill' || trigger.alarmName === undefined || trigger.alarmRegion === undefined) {
    return { confirmed: true, alarmState: 'NOT_CHECKED', checkedAt, message: 'drill: no alarm to re-check' };
  }
  const own: Watched = { alarmName: trigger.alarmName, alarmRegion: trigger.alarmRegion };
  if (lock === undefined || lock.decision !== 'acquired') {
    const { checks, errors } = await checkAlarms([own]);
    return verdict(checks, errors, trigger.confirmSeconds, checkedAt);
  }
  const ref = refOf(lock);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const item = await readLock(ref);
    const { checks, errors } = await checkAlarms(watchedAlarms(own, item, lock.executionArn));
    const result = verdict(checks, errors, trigger.confirmSeconds, checkedAt);
    if (result.confirmed || item?.holder?.executionArn !== lock.executionArn) return result;
    const outcome = await recordAbortVerdict(ref, lock.executionArn, item);
    // Written: the abort is on record, a later alarm takes the lock over. Not written and no
    // longer the holder: nothing to decide for. Otherwise another alarm arrived: look again.
    if (outcome.written || outcome.current?.holder?.executionArn !== lock.executionArn) return result;
  }
  return {
    confirmed: true,
    alarmState: 'ALARM',
    checkedAt,
    message: `plan alarms kept entering ALARM while this execution re-checked them (${MAX_ROUNDS} rounds): treating the outage as confirmed`,
  };
}
