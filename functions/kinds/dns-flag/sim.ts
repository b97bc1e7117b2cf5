import { defineSimulatedKind, settingsFor, stateVerdict } from '../../../engine/sim/kind-model.js';
import type { Plan } from '../../common/plan.js';
import { dnsFlagKind } from './definition.js';
import {
  flagBehaviourSchema,
  SimulatedDnsFlags,
  type FlagBehaviour,
  type FlagSnapshot,
} from './sim-flags.js';

/**
 * The simulated AWS of DNS flags (engine/sim/kind-model.ts): PutMetricData on the shared
 * CloudWatch (the workflow's services own DescribeAlarms, and show the flags' alarms through
 * `metricAlarms`), each flag's alarm evaluating its metric over virtual time, and the Route 53
 * health check following it after its delay; the scenario's `dnsFlags` section and the cloud
 * snapshot's `dnsFlags` (alarm state, and which record Route 53 answers with). Only the local
 * engine imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each flag's alarm and health check (by flag id, or `"*"`) behave. */
    readonly dnsFlags?: Readonly<Record<string, FlagBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every flag: its alarm's state and the record Route 53 answers with. */
    readonly dnsFlags: readonly FlagSnapshot[];
  }
}

/** The flag as notices name it (its record name, else its id). */
const flagLabel = (plan: Plan, id: string): string => {
  const item = plan.dnsFlags.find((flag) => flag.id === id);
  return item === undefined ? id : dnsFlagKind.label(item);
};

export const simulatedKind = defineSimulatedKind({
  id: 'dns-flag',
  operations: {
    // The only call that changes what Route 53 answers. A persistent fault is the service refusing.
    cloudwatch: { PutMetricData: { mutating: true } },
  },
  scenario: {
    dnsFlags: {
      entry: flagBehaviourSchema,
      names: (plan) => plan.dnsFlags.map((flag) => flag.id),
      what: 'DNS flag',
    },
  },
  snapshotKey: 'dnsFlags',
  verdict: stateVerdict({
    items: (plan) => plan.dnsFlags,
    label: dnsFlagKind.label,
    stateOf: (sections, item) =>
      (sections.dnsFlags as readonly FlagSnapshot[] | undefined)?.find((flag) => flag.id === item.id),
    key: (flag) => `${flag.alarmState}/${flag.answering}`,
    notFailedOver: (flag) =>
      flag.answering === 'SECONDARY'
        ? undefined
        : `Route 53 still answers ${flag.id} with the ${flag.answering} record (alarm ${flag.alarmState})`,
  }),
  create: (world) => {
    const flags = new SimulatedDnsFlags(world);
    return {
      operations: { cloudwatch: flags.operations },
      snapshot: (now) => flags.snapshot(now),
      endState: (now) =>
        flags
          .snapshot(now)
          .map(
            (flag) =>
              `DNS flag ${flagLabel(world.plan, flag.id)}: alarm ${flag.alarmName} ${flag.alarmState}, health check ${flag.healthCheck}: Route 53 answers with the ${flag.answering} record`,
          ),
      metricSamples: (query) => flags.metricSamples(query),
      metricAlarms: (region, now) => flags.alarms(region, now),
    };
  },
  // Past the confirm window (engine/sim/critical-path.ts counts a Route kind after the Recover
  // phase): at best the alarm evaluates right after the publish, then Route 53 follows after its delay.
  criticalPath: (world, confirm) =>
    world.plan.dnsFlags.map((flag) => {
      const behaviour = settingsFor(world.scenario.dnsFlags, flag.id) ?? {};
      if (behaviour.missing) return { name: flag.id, readySeconds: null, why: 'alarm missing' };
      const delay = behaviour.healthCheckDelaySeconds ?? flag.healthCheckDelaySeconds;
      return { name: flag.id, readySeconds: confirm + delay, why: `${delay}s Route 53 health check delay` };
    }),
});
