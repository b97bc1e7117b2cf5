import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describeError } from '../../common/errors.js';
import {
  readProgress,
  rememberOnce,
  writeAssessment,
  writeGate,
  writeProgress,
} from '../../common/failover-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import {
  healthCheckDelay,
  mapBounded,
  pollInterval,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { requireAll, type PreflightFinding } from '../preflight.js';
import { dnsFlagKind, flagAlarmName, FLAG_ALARM, FLAG_VALUES, type DnsFlagPlan } from './definition.js';
import { DnsFlagAlarmNotFoundError, DnsFlagTimeoutError } from './errors.js';
import { alarmProblem, describeFlagAlarms, publishFlag } from './flag-alarm.js';
import type { FlagFacts, FlagPreflight, FlagProgress } from './types.js';

const KIND = dnsFlagKind.id;
const CONCURRENCY = 10;
/** Looks while the alarm has not yet evaluated the period holding the value (it evaluates once a period). */
const PUBLISH_POLL_SECONDS = 15;

/**
 * The DNS flag kind (definition.ts says how the metric, the alarm and the Route 53 health check
 * fit together). Gate: each flag's alarm exists in the recovery region and watches the flag's
 * metric. Start: publish the value (1 to fail over, 0 to fail back), recording once when and from
 * what. Check: the alarm in the target state (DescribeAlarms, the recovery region's data plane),
 * then the plan's health check delay counted from the alarm's transition, waited out in Wait
 * states: Route 53 is never called. Until the alarm follows, each look publishes the value again.
 */

const TARGET = { failover: 'ALARM', failback: 'OK' } as const;
const VALUE = { failover: FLAG_VALUES.failedOver, failback: FLAG_VALUES.home } as const;

const summary = (action: 'start' | 'check', progress: readonly FlagProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((flag) => ({
      done: flag.status === 'routed' || flag.status === 'would-flip',
      pollSeconds: flag.pollSeconds,
      ...(flag.routedAt !== undefined ? { doneAt: laterOf(flag.routedAt, flag.startedAt) } : {}),
    })),
    'DNS flags routed',
  );

const laterOf = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

const metricText = (planName: string, flag: DnsFlagPlan, value: number): string =>
  `${flag.namespace} ${flag.metricName}{Plan=${planName},Flag=${flag.id}} = ${value}`;

const answers = (state: string | undefined): string =>
  state === 'ALARM' ? 'the SECONDARY (recovery) record' : 'the PRIMARY record';

/**
 * Where a published flag stands: the alarm in the target state and Route 53's delay run out
 * (`routed`), running (`routing`), or the alarm not there yet (`publishing`).
 */
function assess(flag: DnsFlagPlan, progress: FlagProgress, alarm: MetricAlarm | undefined): FlagProgress {
  if (alarm?.StateValue === progress.target) {
    const transitioned = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp ?? new Date();
    const alarmAt = transitioned.toISOString();
    const { routedAt, remaining, routed } = healthCheckDelay(
      transitioned.getTime(),
      flag.healthCheckDelaySeconds,
    );
    return {
      ...progress,
      status: routed ? 'routed' : 'routing',
      alarmAt,
      routedAt,
      pollSeconds: routed ? 0 : remaining,
      message: routed
        ? `alarm ${progress.alarmName} ${progress.target} since ${alarmAt}: Route 53 answers with ${answers(progress.target)} (health check delay ${flag.healthCheckDelaySeconds}s counted)`
        : `alarm ${progress.alarmName} ${progress.target} since ${alarmAt}: waiting ${remaining}s more for the Route 53 health check`,
    };
  }
  return {
    ...progress,
    status: 'publishing',
    pollSeconds: pollInterval(PUBLISH_POLL_SECONDS, secondsSince(progress.startedAt)),
    message: `published ${progress.value} (${progress.publishes}x); alarm ${progress.alarmName} is ${alarm?.StateValue ?? 'missing'}, waiting for ${progress.target} (it evaluates every ${FLAG_ALARM.periodSeconds}s)`,
  };
}

async function gate({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const alarms = await describeFlagAlarms(region, plan.name, plan.dnsFlags);
  const findings: PreflightFinding[] = plan.dnsFlags.map((flag) => {
    const problem = alarmProblem(region, plan.name, flag, alarms.get(flagAlarmName(plan.name, flag)));
    return { label: flag.id, optional: false, ...(problem !== undefined ? { problem } : {}) };
  });
  const looks: FlagPreflight[] = findings.map((finding, i) => {
    const alarm = alarms.get(flagAlarmName(plan.name, plan.dnsFlags[i] as DnsFlagPlan));
    return {
      skipped: false,
      message: finding.problem ?? `alarm ${alarm?.AlarmName} is ${alarm?.StateValue} in ${region}`,
    };
  });
  // Recorded before a refusal, so the failure notice can say which flags stopped the failover.
  await writeGate(scope, KIND, looks);
  requireAll(dnsFlagKind.noun, findings);
  return summarise(
    KIND,
    'gate',
    looks.map(() => ({ done: true, pollSeconds: 0 })),
    'DNS flags through the preflight',
  );
}

async function start({ plan, scope, dryRun, direction }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const recorded = (await readProgress<FlagProgress[]>(scope, KIND)) ?? [];
  const alarms = await describeFlagAlarms(region, plan.name, plan.dnsFlags);
  const value = VALUE[direction];
  const target = TARGET[direction];
  const progress = await mapBounded(plan.dnsFlags, CONCURRENCY, async (flag, i): Promise<FlagProgress> => {
    const done = recorded[i];
    if (done !== undefined) return done;
    const alarmName = flagAlarmName(plan.name, flag);
    const alarm = alarms.get(alarmName);
    const base = {
      flagId: flag.id,
      alarmName,
      value,
      target,
      alarmBefore: alarm?.StateValue ?? 'missing',
      startedAt: nowIso(),
      publishes: 0,
      pollSeconds: 0,
      dryRun,
    };
    if (dryRun) {
      return {
        ...base,
        status: 'would-flip',
        message:
          `would publish ${metricText(plan.name, flag, value)} in ${region}; alarm ${alarmName} is ` +
          `${base.alarmBefore} now (Route 53 answers with ${answers(alarm?.StateValue)}); it would reach ` +
          `${target} within ${FLAG_ALARM.periodSeconds * FLAG_ALARM.evaluationPeriods}s, then ${flag.healthCheckDelaySeconds}s for the health check`,
      };
    }
    const facts = await rememberOnce<FlagFacts>(scope, KIND, i, {
      flippedAt: base.startedAt,
      value,
      alarmBefore: base.alarmBefore,
    });
    await publishFlag(region, plan.name, flag, value);
    return assess(
      flag,
      { ...base, alarmBefore: facts.alarmBefore, status: 'publishing', publishes: 1, message: '' },
      alarm,
    );
  });
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const recorded = (await readProgress<FlagProgress[]>(scope, KIND)) ?? [];
  const pending = plan.dnsFlags.filter((_flag, i) => {
    const status = recorded[i]?.status;
    return status === 'publishing' || status === 'routing';
  });
  const alarms = await describeFlagAlarms(region, plan.name, pending);
  const progress = await mapBounded(plan.dnsFlags, CONCURRENCY, async (flag, i): Promise<FlagProgress> => {
    const flagProgress = recorded[i];
    if (flagProgress === undefined)
      throw new Error(`DNS flag ${flag.id} was never flipped: Check ran before Start`);
    if (flagProgress.status !== 'publishing' && flagProgress.status !== 'routing') return flagProgress;
    // Passed the gate, gone now (deleted meanwhile): no value can reach Route 53, so stop here.
    if (!alarms.has(flagProgress.alarmName))
      throw new DnsFlagAlarmNotFoundError(
        `DNS flag ${flag.id}: alarm ${flagProgress.alarmName} is no longer in ${region}; ${flagProgress.value} was published, Route 53 cannot follow it`,
      );
    const looked = assess(flag, flagProgress, alarms.get(flagProgress.alarmName));
    if (looked.status !== 'publishing') return looked;
    if (secondsSince(flagProgress.startedAt) > flag.flipTimeoutSeconds) {
      throw new DnsFlagTimeoutError(
        `DNS flag ${flag.id}: alarm ${flagProgress.alarmName} is still ${alarms.get(flagProgress.alarmName)?.StateValue ?? 'missing'} ` +
          `${flag.flipTimeoutSeconds}s after ${flagProgress.value} was published in ${region}; Route 53 still answers with ${answers(alarms.get(flagProgress.alarmName)?.StateValue)}`,
      );
    }
    // The alarm has not followed a full period after the last publish: publish the value again
    // (idempotent), so that a datapoint CloudWatch lost cannot leave the flag unflipped.
    const overdue =
      secondsSince(flagProgress.startedAt) >=
      FLAG_ALARM.periodSeconds * FLAG_ALARM.evaluationPeriods * flagProgress.publishes;
    if (!overdue) return looked;
    await publishFlag(region, plan.name, flag, flagProgress.value);
    return assess(
      flag,
      { ...flagProgress, publishes: flagProgress.publishes + 1 },
      alarms.get(flagProgress.alarmName),
    );
  });
  await writeProgress(scope, KIND, progress);
  return summary('check', progress);
}

async function readBack({ plan, scope, direction }: KindContext): Promise<readonly Assessed[]> {
  const target = TARGET[direction];
  let alarms: Map<string, MetricAlarm> | undefined;
  let failure = '';
  try {
    alarms = await describeFlagAlarms(plan.recoveryRegion, plan.name, plan.dnsFlags);
  } catch (error) {
    failure = describeError(error);
  }
  const assessed = plan.dnsFlags.map((flag): Assessed => {
    const label = dnsFlagKind.label(flag);
    if (alarms === undefined) return { label, done: false, detail: `unknown: ${failure}` };
    const name = flagAlarmName(plan.name, flag);
    const alarm = alarms.get(name);
    if (alarm === undefined)
      return { label, done: false, detail: `alarm ${name} not found in ${plan.recoveryRegion}` };
    const since = alarm.StateTransitionedTimestamp?.toISOString() ?? 'unknown';
    return {
      label,
      done: alarm.StateValue === target,
      detail: `alarm ${name} is ${alarm.StateValue} since ${since}: Route 53 answers with ${answers(alarm.StateValue)}`,
    };
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const dnsFlagRuntime: KindRuntime = { kind: KIND, gate, start, check, readBack };
