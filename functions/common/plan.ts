import * as z from 'zod';
import { PlanValidationError, type PlanIssue } from './errors.js';
import { KINDS } from '../kinds/registry.js';
import type { TemplateSource } from './templates.js';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const regionSchema = z.string().regex(REGION, 'must be an AWS region code such as us-west-2');
const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);

/** One alarm whose entry into ALARM starts a failover. */
const alarmSchema = z.strictObject({
  /** Alarm name as it appears in the EventBridge event's `detail.alarmName`. */
  name: z.string().min(1).max(255),
  /**
   * Region the alarm lives in. A Route 53 `HealthCheckStatus` alarm must be in us-east-1.
   * @default the plan's primaryRegion
   */
  region: regionSchema.optional(),
});

type Kinds = (typeof KINDS)[number];
/** Each kind's section of the plan: an array of its items, empty by default. */
type KindSections = {
  readonly [K in Kinds as K['planKey']]: z.ZodDefault<z.ZodArray<K['itemSchema']>>;
};
const kindSections = Object.fromEntries(
  KINDS.map((kind) => [kind.planKey, z.array(kind.itemSchema).max(kind.maxItems).default([])]),
) as unknown as KindSections;

/** The failover plan: one file feeds CDK, the CLI and local replay. */
export const planSchema = z.strictObject({
  /** Plan name; a live game day asks for it to be typed. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and hyphens'),
  description: z.string().max(1024).optional(),
  primaryRegion: regionSchema,
  recoveryRegion: regionSchema,
  objectives: z.strictObject({
    /** Recovery time objective: trigger to last parameter repointed. */
    rtoSeconds: z.number().int().min(60).max(86_400),
    /** Recovery point objective: acceptable data-loss window (replica lag at promotion). */
    rpoSeconds: z.number().int().min(0).max(86_400),
  }),
  triggers: z.strictObject({
    alarms: z.array(z.union([z.string().min(1).max(255), alarmSchema])).min(1, 'name at least one alarm'),
    /** Wait this long after the alarm, then re-check it; a recovered alarm aborts (flap damping). @default 60 */
    confirmSeconds: seconds(3_600).default(60),
    /** Refuse a new failover within this many minutes of the last one. @default 60 */
    minMinutesBetweenExecutions: z.number().int().min(0).max(10_080).default(60),
    /**
     * Accounts whose alarm events may start a failover, besides the account the orchestrator is
     * deployed to (cross-account alarms). An event from any other account is ignored.
     * @default [] (only the orchestrator's own account)
     */
    accounts: z
      .array(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))
      .max(50)
      .default([]),
  }),
  /**
   * Start the reversible kinds' change (Auto Scaling groups) as soon as the lock is taken, while
   * the outage is being confirmed and the gate runs, instead of after them; a run that then ends
   * without failing over (the alarm recovered, the gate refused) scales them back to the capacity
   * recorded before. Never in a dry run. @default false
   */
  prewarm: z.boolean().default(false),
  ...kindSections,
  /**
   * A person approves the failover after the gate passed and before the first change (dry runs
   * skip it). The approval notice names the exact `failover approve|decline <execution>` commands.
   * @default no approval: the failover goes on once the gate passes
   */
  approval: z
    .strictObject({
      /** How long the workflow waits for an answer. @default 900 */
      timeoutSeconds: z.number().int('must be a whole number of seconds').min(60).max(86_400).default(900),
      /** What an unanswered request does: `proceed` with the failover, or `abort` it (notified, nothing changed). */
      onTimeout: z.enum(['proceed', 'abort']),
    })
    .optional(),
  /**
   * The way back (issue 10: `failover failback`). Every field has a default, so a plan without the
   * section can fail back with them.
   */
  failback: z
    .strictObject({
      /** The failback gate: the home replicas' ReplicaLag must stay at or under this... @default 1 */
      maxLagSeconds: z.number().min(0).max(3_600).default(1),
      /** ...for this long before writes are frozen, and again after. @default 60 */
      settleSeconds: seconds(3_600).default(60),
      /** Give up (refuse the failback, nothing switched) when lag has not settled after this long. @default 900 */
      lagWaitSeconds: seconds(86_400).default(900),
      /** Give up on a re-protection replica that is not available and replicating after this long. @default 3600 */
      replicaTimeoutSeconds: seconds(86_400).min(60).default(3_600),
      /**
       * A parameter the application honours to stop writing (in the recovery region): set to
       * `frozenValue` before the home database is promoted, back to `openValue` at the end.
       */
      freezeParameter: z
        .strictObject({
          name: z
            .string()
            .regex(/^\/[A-Za-z0-9_./-]{1,1010}$/, 'must be an SSM parameter name starting with /'),
          frozenValue: z.string().min(1).max(4_096),
          openValue: z.string().min(1).max(4_096),
        })
        .optional(),
      /** After freezing, wait this long for in-flight writes before the final lag check. @default 30 */
      drainSeconds: seconds(3_600).default(30),
    })
    .default({
      maxLagSeconds: 1,
      settleSeconds: 60,
      lagWaitSeconds: 900,
      replicaTimeoutSeconds: 3_600,
      drainSeconds: 30,
    }),
  notifications: z
    .strictObject({
      /** SNS topic for started/succeeded/failed messages. @default the topic the CDK construct creates */
      topicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
        .optional(),
    })
    .default({}),
});

/** The plan as written in the file (defaults optional). */
export type PlanInput = z.input<typeof planSchema>;

export interface AlarmRef {
  readonly name: string;
  readonly region: string;
}

/** The validated plan with defaults applied and alarm regions resolved. */
export type Plan = Omit<z.output<typeof planSchema>, 'triggers'> & {
  readonly triggers: Omit<z.output<typeof planSchema>['triggers'], 'alarms'> & {
    readonly alarms: AlarmRef[];
  };
};
export type { DatabasePlan } from '../kinds/rds-replica/definition.js';
export type { ScalingGroupPlan } from '../kinds/auto-scaling-group/definition.js';
export type { ParameterPlan } from '../kinds/ssm-parameter/definition.js';

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose =>
  value !== null && typeof value === 'object' ? (value as Loose) : {};
const asArray = (value: unknown): Loose[] => (Array.isArray(value) ? value.map(asRecord) : []);
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The outputs of the kinds with `templateOutputs` that this document's parameter templates may name. */
function templateSources(doc: Loose): TemplateSource[] {
  return KINDS.flatMap((kind) => {
    const outputs = 'templateOutputs' in kind ? kind.templateOutputs : undefined;
    if (outputs === undefined) return [];
    const items = asArray(doc[kind.planKey]);
    const idsOf = (list: Loose[]) =>
      new Set(list.map((item) => asString(item.id)).filter((id): id is string => id !== undefined));
    return [
      {
        root: kind.planKey,
        noun: outputs.noun,
        fields: outputs.fields,
        ids: idsOf(items),
        optionalIds: idsOf(items.filter((item) => item.optional === true)),
      },
    ];
  });
}

/**
 * Checks that relate fields to each other. They read the raw document defensively (a field of
 * the wrong type is skipped here; the schema reports it), so that `parsePlan` can report field
 * problems and cross-field problems together, in one pass.
 */
function crossFieldIssues(document: unknown): PlanIssue[] {
  const doc = asRecord(document);
  const issues: PlanIssue[] = [];
  const primaryRegion = asString(doc.primaryRegion);
  const recoveryRegion = asString(doc.recoveryRegion);
  const objectives = asRecord(doc.objectives);
  const triggers = asRecord(doc.triggers);
  const rto = asNumber(objectives.rtoSeconds);
  const confirmSeconds = asNumber(triggers.confirmSeconds) ?? 60;

  if (primaryRegion !== undefined && primaryRegion === recoveryRegion) {
    issues.push({ path: 'recoveryRegion', message: `must differ from primaryRegion (${primaryRegion})` });
  }
  if (rto !== undefined && confirmSeconds >= rto) {
    issues.push({
      path: 'triggers.confirmSeconds',
      message: `${confirmSeconds}s confirm window leaves no time within objectives.rtoSeconds (${rto}s)`,
    });
  }
  const context = { templateSources: templateSources(doc) };
  for (const kind of KINDS) issues.push(...(kind.crossFieldIssues?.(doc, context) ?? []));
  const alarmKeys = (Array.isArray(triggers.alarms) ? triggers.alarms : []).map((alarm: unknown) =>
    typeof alarm === 'string'
      ? `${primaryRegion}/${alarm}`
      : `${asString(asRecord(alarm).region) ?? primaryRegion}/${asString(asRecord(alarm).name)}`,
  );
  for (const key of duplicates(alarmKeys)) {
    issues.push({ path: 'triggers.alarms', message: `alarm ${key} is listed more than once` });
  }
  const topicRegion = asString(asRecord(doc.notifications).topicArn)?.split(':')[3];
  if (topicRegion !== undefined && recoveryRegion !== undefined && topicRegion !== recoveryRegion) {
    issues.push({
      path: 'notifications.topicArn',
      message: `topic is in ${topicRegion}, but notifications must not depend on the failed region: use a topic in recoveryRegion (${recoveryRegion})`,
    });
  }
  const reversible = KINDS.filter((kind) => kind.reversible === true);
  if (doc.prewarm === true && reversible.every((kind) => asArray(doc[kind.planKey]).length === 0)) {
    issues.push({
      path: 'prewarm',
      message: `nothing to prewarm: only ${reversible.map((kind) => kind.planKey).join(', ') || 'reversible kinds'} can start early`,
    });
  }
  if (KINDS.every((kind) => asArray(doc[kind.planKey]).length === 0)) {
    issues.push({
      path: '(root)',
      message: `the plan fails over nothing: add ${KINDS.map((kind) => kind.planKey).join(', ')}`,
    });
  }
  return issues;
}

/**
 * Validates a parsed plan document. Every problem is reported at once, each with its path;
 * unknown keys are rejected so that a typo (`maxLagSecond`) is an error, not a silent default.
 * @throws PlanValidationError
 */
export function parsePlan(document: unknown, source = 'plan'): Plan {
  const result = planSchema.safeParse(document);
  const issues: PlanIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  issues.push(...crossFieldIssues(document));
  if (!result.success || issues.length > 0) throw new PlanValidationError(issues, source);
  const { triggers, ...rest } = result.data;
  return {
    ...rest,
    triggers: {
      ...triggers,
      alarms: triggers.alarms.map((alarm) =>
        typeof alarm === 'string'
          ? { name: alarm, region: rest.primaryRegion }
          : { name: alarm.name, region: alarm.region ?? rest.primaryRegion },
      ),
    },
  };
}

/** The JSON Schema of the plan file, for editors (`schema/plan.schema.json`). */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planSchema, { io: 'input' }) as Record<string, unknown>;
}
