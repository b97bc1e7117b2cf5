import * as z from 'zod';
import { InvalidTriggerError } from '../common/errors.js';
import type { Plan } from '../common/plan.js';
import type { Trigger, ValidateTriggerInput, ValidateTriggerOutput } from '../common/workflow-state.js';
import { outageStartOf } from './detection.js';

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';
export const DRILL_SOURCE = 'failover.gameday';
export const DRILL_DETAIL_TYPE = 'Failover Drill Requested';

/** The fields of a "CloudWatch Alarm State Change" event we rely on; the rest may vary by alarm type. */
const alarmEventSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal(ALARM_STATE_CHANGE),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().min(1),
  time: z.string().refine((time) => !Number.isNaN(Date.parse(time)), 'is not a timestamp'),
  detail: z.looseObject({
    alarmName: z.string().min(1),
    state: z.looseObject({
      value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      reason: z.string().optional(),
      timestamp: z.string().min(1),
    }),
  }),
});

/** A game-day drill started by hand (`failover gameday`) or put on the bus by a person. */
const drillSchema = z.strictObject({
  source: z.literal(DRILL_SOURCE),
  'detail-type': z.literal(DRILL_DETAIL_TYPE),
  time: z.string().optional(),
  detail: z.strictObject({
    planName: z.string().min(1),
    requestedBy: z.string().min(1),
    reason: z.string().min(1),
    dryRun: z.boolean().default(false),
  }),
});

function issuesText(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
}

/**
 * CloudWatch writes `detail.state.timestamp` as `2019-10-02T17:04:40.985+0000` (no colon in
 * the offset; aws-fixtures/SOURCES.md), which is not ISO 8601 as `Date.parse` promises to read.
 */
export function parseAlarmTimestamp(timestamp: string): string {
  const normalised = timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const millis = Date.parse(normalised);
  if (Number.isNaN(millis))
    throw new InvalidTriggerError(`detail.state.timestamp "${timestamp}" is not a timestamp`);
  return new Date(millis).toISOString();
}

/** A drill's `time`, as ISO 8601 UTC. `new Date(NaN).toISOString()` would throw a bare RangeError. */
function drillTime(time: string): string {
  const millis = Date.parse(time);
  if (Number.isNaN(millis))
    throw new InvalidTriggerError(`invalid drill request: time "${time}" is not a timestamp`);
  return new Date(millis).toISOString();
}

/**
 * EventBridge refuses events over 256 KB (PutEvents: "The total entry size must be less than
 * 256KB"), so a larger execution input did not come from the rule: bad input.
 */
export const MAX_EVENT_BYTES = 262_144;

/** The account of an ARN (`arn:aws:<service>:<region>:<account>:…`), when it names one. */
const accountOf = (arn: string): string | undefined => {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
};

/**
 * The accounts whose alarms may start this plan's failover: the account the orchestrator runs
 * in (its execution's ARN names it; FAILOVER_ACCOUNT_ID overrides it, as the local engine sets
 * it to the simulated account) and the plan's `triggers.accounts`. Undefined when the own account
 * is unknown, which only a direct call outside Step Functions can cause (`$$.Execution.Id` is
 * always an ARN): then the EventBridge rule's account filter is the only one.
 */
export function trustedAccounts(plan: Plan, executionId: string): string[] | undefined {
  const own = process.env.FAILOVER_ACCOUNT_ID || accountOf(executionId);
  return own === undefined ? undefined : [...new Set([own, ...plan.triggers.accounts])];
}

function ignore(message: string): ValidateTriggerOutput {
  return { decision: 'ignore', message };
}

function fromAlarmEvent(
  event: z.infer<typeof alarmEventSchema>,
  plan: Plan,
  executionId: string,
): ValidateTriggerOutput {
  const { alarmName, state } = event.detail;
  const sameName = plan.triggers.alarms.filter((candidate) => candidate.name === alarmName);
  if (sameName.length === 0) {
    return ignore(`alarm "${alarmName}" is not a trigger of plan ${plan.name}: nothing to do`);
  }
  if (!sameName.some((candidate) => candidate.region === event.region)) {
    const regions = sameName.map((candidate) => candidate.region).join(', ');
    return ignore(
      `alarm "${alarmName}" fired in ${event.region}, but plan ${plan.name} watches it in ${regions}: nothing to do`,
    );
  }
  const trusted = trustedAccounts(plan, executionId);
  if (trusted !== undefined && !trusted.includes(event.account)) {
    return ignore(
      `alarm "${alarmName}" comes from account ${event.account}, which plan ${plan.name} does not trust ` +
        `(it trusts ${trusted.join(', ')}; triggers.accounts lists more): nothing to do`,
    );
  }
  if (state.value !== 'ALARM') {
    return ignore(`alarm "${alarmName}" entered ${state.value}, not ALARM: nothing to do`);
  }
  const triggeredAt = parseAlarmTimestamp(state.timestamp);
  const trigger: Trigger = {
    kind: 'alarm',
    alarmName,
    alarmRegion: event.region,
    reason: state.reason ?? 'alarm entered ALARM',
    triggeredAt,
    ...outageStartOf(state, Date.parse(triggeredAt)),
    confirmSeconds: plan.triggers.confirmSeconds,
    dryRun: false,
    executionId,
  };
  return {
    decision: 'proceed',
    message: `alarm "${alarmName}" entered ALARM in ${event.region}`,
    trigger,
  };
}

/**
 * Decides whether this execution's input should start a failover of `plan`. Events that are
 * well-formed but not for this plan (another alarm, an OK transition, another event type) are
 * ignored without error; malformed input raises InvalidTriggerError naming the problem.
 */
export function validateTrigger(input: ValidateTriggerInput, plan: Plan): ValidateTriggerOutput {
  const { event, executionId, executionStartedAt } = input;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    const got = event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event;
    throw new InvalidTriggerError(`execution input must be an event object, got ${got}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidTriggerError(
      `execution input is ${bytes} bytes, over the ${MAX_EVENT_BYTES} bytes of an EventBridge event: not an event from the rule`,
    );
  }
  const record = event as Record<string, unknown>;
  const source = record.source;
  const detailType = record['detail-type'];
  if (typeof source !== 'string' || typeof detailType !== 'string') {
    throw new InvalidTriggerError(
      'execution input is neither a CloudWatch Alarm State Change event nor a drill request: it has no "source" and "detail-type"',
    );
  }
  if (source === DRILL_SOURCE) {
    const drill = drillSchema.safeParse(event);
    if (!drill.success) throw new InvalidTriggerError(`invalid drill request: ${issuesText(drill.error)}`);
    if (drill.data.detail.planName !== plan.name) {
      throw new InvalidTriggerError(
        `drill request names plan "${drill.data.detail.planName}", but this orchestrator runs plan "${plan.name}"`,
      );
    }
    const trigger: Trigger = {
      kind: 'drill',
      reason: drill.data.detail.reason,
      triggeredAt: drill.data.time !== undefined ? drillTime(drill.data.time) : executionStartedAt,
      confirmSeconds: 0,
      dryRun: drill.data.detail.dryRun,
      requestedBy: drill.data.detail.requestedBy,
      executionId,
    };
    const mode = trigger.dryRun ? 'dry-run' : 'live';
    return {
      decision: 'proceed',
      message: `${mode} drill requested by ${trigger.requestedBy}`,
      trigger,
    };
  }
  if (source !== 'aws.cloudwatch' || detailType !== ALARM_STATE_CHANGE) {
    return ignore(`"${detailType}" events from ${source} do not start a failover: nothing to do`);
  }
  const alarmEvent = alarmEventSchema.safeParse(event);
  if (!alarmEvent.success) {
    throw new InvalidTriggerError(
      `malformed CloudWatch Alarm State Change event: ${issuesText(alarmEvent.error)}`,
    );
  }
  return fromAlarmEvent(alarmEvent.data, plan, executionId);
}
