import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import { flagAlarmName, FLAG_ALARM } from './definition.js';
import { alarmProblem, describeFlagAlarms } from './flag-alarm.js';

/**
 * Each flag's alarm exists in the recovery region, watches the flag's metric (namespace, name,
 * dimensions), keeps its state when no data arrives, and is OK now: traffic on the primary. A
 * never published flag (INSUFFICIENT_DATA) is ready too: the health check of a new alarm with no
 * last known status is healthy (definition.ts), and publishing 1 flips it like an OK one.
 */
export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  if (plan.dnsFlags.length === 0) return [];
  const region = plan.recoveryRegion;
  const names = plan.dnsFlags.map((flag) => flagAlarmName(plan.name, flag)).join(', ');
  return guarded('dns-flag-alarm', names, `alarms ${names} in ${region}`, async () => {
    const alarms = await describeFlagAlarms(region, plan.name, plan.dnsFlags);
    return plan.dnsFlags.map((flag) => {
      const name = flagAlarmName(plan.name, flag);
      const alarm = alarms.get(name);
      const problem = alarmProblem(region, plan.name, flag, alarm);
      if (problem !== undefined) return fail('dns-flag-alarm', name, problem);
      if (alarm?.TreatMissingData !== FLAG_ALARM.treatMissingData)
        return fail(
          'dns-flag-alarm',
          name,
          `alarm ${name} treats missing data as ${alarm?.TreatMissingData ?? 'missing'}, not ${FLAG_ALARM.treatMissingData}: a gap in the flag's data would move traffic by itself`,
        );
      if (alarm.StateValue === 'ALARM')
        return fail(
          'dns-flag-alarm',
          name,
          `alarm ${name} is ALARM: flag ${flag.id} is flipped, Route 53 answers with the recovery record`,
        );
      return pass(
        'dns-flag-alarm',
        name,
        `alarm ${name} is ${alarm.StateValue} in ${region} on ${flag.namespace} ${flag.metricName}: traffic on the primary`,
      );
    });
  });
}
