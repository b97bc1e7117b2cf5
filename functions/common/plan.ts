import { z } from 'zod';
import { PlanValidationError, type PlanIssue } from './errors.js';
import { templateReferences } from './templates.js';

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

const databaseSchema = z.strictObject({
  /** Short id used in parameter templates: `{{databases.<id>.endpoint}}`. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** DB instance identifier of the cross-region read replica in the recovery region. */
  replica: z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
      'must be an RDS DB instance identifier (letters, digits, hyphens)',
    ),
  /** Highest acceptable ReplicaLag at promotion (the RPO gate). */
  maxLagSeconds: seconds(86_400),
  /** How long to wait for lag to fall under the threshold before applying `onLagExceeded`. @default 120 */
  lagWaitSeconds: seconds(3_600).default(120),
  /** What to do when lag is still too high after `lagWaitSeconds`. @default 'abort' */
  onLagExceeded: z.enum(['abort', 'promote']).default('abort'),
  /** Give up on promotion after this long. RDS promotion usually takes minutes. @default 1800 */
  promotionTimeoutSeconds: seconds(86_400).min(60).default(1_800),
});

const scalingGroupSchema = z.strictObject({
  /** Auto Scaling group name in the recovery region. */
  name: z.string().min(1).max(255),
  min: z.number().int().min(0).max(10_000),
  desired: z.number().int().min(0).max(10_000),
  max: z.number().int().min(1).max(10_000),
  /** Give up waiting for InService instances after this long. @default 900 */
  capacityTimeoutSeconds: seconds(86_400).min(60).default(900),
  /** Share of `desired` that must be InService and Healthy for the group to count as ready. @default 100 */
  minHealthyPercent: z.number().int().min(1).max(100).default(100),
});

const parameterSchema = z.strictObject({
  /** SSM parameter name (hierarchical, starts with `/`). */
  name: z
    .string()
    .regex(/^\/[a-zA-Z0-9_.\-/]{1,1010}$/, 'must be an SSM parameter path such as /shop/db/host'),
  /** New value; `{{databases.<id>.endpoint}}`, `{{recoveryRegion}}` … are filled from step outputs. */
  value: z.string().min(1).max(4096),
});

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
  }),
  databases: z.array(databaseSchema).max(100).default([]),
  scalingGroups: z.array(scalingGroupSchema).max(100).default([]),
  parameters: z.array(parameterSchema).max(200).default([]),
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
export type DatabasePlan = Plan['databases'][number];
export type ScalingGroupPlan = Plan['scalingGroups'][number];
export type ParameterPlan = Plan['parameters'][number];

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
const present = (values: readonly (string | undefined)[]): string[] =>
  values.filter((value): value is string => value !== undefined);

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
  const rpo = asNumber(objectives.rpoSeconds);
  const confirmSeconds = asNumber(triggers.confirmSeconds) ?? 60;
  const databases = asArray(doc.databases);
  const groups = asArray(doc.scalingGroups);
  const parameters = asArray(doc.parameters);

  if (primaryRegion !== undefined && primaryRegion === recoveryRegion) {
    issues.push({ path: 'recoveryRegion', message: `must differ from primaryRegion (${primaryRegion})` });
  }
  if (rto !== undefined && confirmSeconds >= rto) {
    issues.push({
      path: 'triggers.confirmSeconds',
      message: `${confirmSeconds}s confirm window leaves no time within objectives.rtoSeconds (${rto}s)`,
    });
  }
  databases.forEach((db, i) => {
    const maxLag = asNumber(db.maxLagSeconds);
    if (maxLag !== undefined && rpo !== undefined && maxLag > rpo) {
      issues.push({
        path: `databases[${i}].maxLagSeconds`,
        message: `${maxLag}s exceeds objectives.rpoSeconds (${rpo}s): the RPO gate would allow breaking the RPO`,
      });
    }
  });
  for (const id of duplicates(present(databases.map((db) => asString(db.id))))) {
    issues.push({ path: 'databases', message: `database id "${id}" is used more than once` });
  }
  for (const replica of duplicates(present(databases.map((db) => asString(db.replica))))) {
    issues.push({ path: 'databases', message: `replica "${replica}" is listed more than once` });
  }
  groups.forEach((group, i) => {
    const [min, desired, max] = [asNumber(group.min), asNumber(group.desired), asNumber(group.max)];
    if (min === undefined || desired === undefined || max === undefined) return;
    if (!(min <= desired && desired <= max)) {
      issues.push({
        path: `scalingGroups[${i}]`,
        message: `needs min <= desired <= max, got min ${min}, desired ${desired}, max ${max}`,
      });
    }
  });
  for (const name of duplicates(present(groups.map((group) => asString(group.name))))) {
    issues.push({ path: 'scalingGroups', message: `group "${name}" is listed more than once` });
  }
  for (const name of duplicates(present(parameters.map((parameter) => asString(parameter.name))))) {
    issues.push({ path: 'parameters', message: `parameter "${name}" is listed more than once` });
  }
  const databaseIds = new Set(present(databases.map((db) => asString(db.id))));
  parameters.forEach((parameter, i) => {
    const value = asString(parameter.value);
    if (value === undefined) return;
    for (const problem of templateReferences(value, databaseIds).problems) {
      issues.push({ path: `parameters[${i}].value`, message: problem });
    }
  });
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
  if (databases.length + groups.length + parameters.length === 0) {
    issues.push({
      path: '(root)',
      message: 'the plan fails over nothing: add databases, scalingGroups or parameters',
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
