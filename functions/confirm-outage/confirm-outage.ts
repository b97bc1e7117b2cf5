import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { BEST_EFFORT } from '../common/aws-clients.js';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import { describeError } from '../common/errors.js';
import { nowIso } from '../common/step-handler.js';
import type { Confirmation, ConfirmOutageInput } from '../common/workflow-state.js';

/**
 * Re-checks the triggering alarm after the confirm window (flap damping). The alarm may live
 * in the failed region (or in us-east-1 for a Route 53 health check), so the call is best
 * effort with a short timeout: a region that does not answer is itself evidence of the outage
 * and confirms it; only an alarm seen back in OK (or deleted) aborts.
 */
export async function confirmOutage({ trigger }: ConfirmOutageInput): Promise<Confirmation> {
  const checkedAt = nowIso();
  if (trigger.kind === 'drill' || trigger.alarmName === undefined || trigger.alarmRegion === undefined) {
    return { confirmed: true, alarmState: 'NOT_CHECKED', checkedAt, message: 'drill: no alarm to re-check' };
  }
  const name = trigger.alarmName;
  try {
    const response = await cloudWatchClient(trigger.alarmRegion, BEST_EFFORT).send(
      new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    const alarm = response.MetricAlarms?.[0] ?? response.CompositeAlarms?.[0];
    if (alarm === undefined) {
      return {
        confirmed: false,
        alarmState: 'NOT_CHECKED',
        checkedAt,
        message: `alarm "${name}" no longer exists in ${trigger.alarmRegion}: not failing over on a deleted alarm`,
      };
    }
    const state = alarm.StateValue ?? 'INSUFFICIENT_DATA';
    if (state === 'OK') {
      return {
        confirmed: false,
        alarmState: 'OK',
        checkedAt,
        message: `alarm "${name}" returned to OK within the ${trigger.confirmSeconds}s confirm window (flap): nothing was changed`,
      };
    }
    // INSUFFICIENT_DATA after ALARM is what a dying region looks like: its metrics stop.
    return {
      confirmed: true,
      alarmState: state,
      checkedAt,
      message: `alarm "${name}" still ${state} after ${trigger.confirmSeconds}s`,
    };
  } catch (error) {
    return {
      confirmed: true,
      alarmState: 'UNREACHABLE',
      checkedAt,
      message: `could not re-check alarm "${name}" in ${trigger.alarmRegion} (${describeError(error)}): treating the outage as confirmed`,
    };
  }
}
