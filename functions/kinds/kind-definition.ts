import type { z } from 'zod';
import type { AwsService } from '../common/aws-service.js';
import type { PlanIssue } from '../common/errors.js';
import type { TemplateSource } from '../common/templates.js';
import type { Phase } from '../common/vocabulary.js';

/**
 * What the rest of the product knows about a resource kind, without its AWS code: the plan
 * schema section, where it sits in the workflow and what its states are called, its IAM needs
 * as plain actions and ARNs (infra turns them into statements), and labels for notices and
 * reports. Each kind's folder exports one of these from `definition.ts`; functions/kinds/registry.ts
 * lists them. A kind's Lambda code (`runtime.ts`, `handler.ts`) is separate, so that a bundle
 * imports only the kind whose function it is.
 */

/** The AWS partition, account and regions an IAM ARN is built from (tokens at synth). */
export interface ArnScope {
  readonly partition: string;
  readonly account: string;
}

/** One IAM permission a kind's function needs: actions on resources, optionally with conditions. */
export interface KindPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The names of a kind's states in the workflow (readable, unique across kinds). */
export interface KindStates {
  /** The read-only gate (preflight, RPO) Task and its Wait, for kinds with a gate. */
  readonly gate?: string;
  readonly gateWait?: string;
  readonly gatePassed?: string;
  /** Starts every item (idempotent). */
  readonly start: string;
  /** Polls every item still pending, and the Wait between polls. */
  readonly check: string;
  readonly wait: string;
  readonly doneChoice: string;
  readonly done: string;
  readonly readBack: string;
  readonly readBackFailed: string;
  /**
   * Reversible kinds: the Task that starts the change early and the Pass recording that it could
   * not, and the Task that undoes it after an abort and its Pass (state-machines/states.ts).
   */
  readonly prewarm?: string;
  readonly prewarmFailed?: string;
  readonly unwarm?: string;
  readonly unwarmFailed?: string;
  /** Kinds with `fences`: the Task that fences the old region's resources, and the Pass recording that it could not. */
  readonly fence?: string;
  readonly fenceFailed?: string;
}

/**
 * A CloudWatch alarm the construct creates in the recovery region for one of a kind's items,
 * optionally with a Route 53 health check on it: plain data (no CDK, no SDK), which infra turns
 * into resources (infra/kind-alarms.ts) and the simulated AWS and the readiness checks read alike.
 */
export interface KindAlarm {
  /** Unique within the kind: the construct id and the stack output's name are built from it. */
  readonly key: string;
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly statistic: 'Average' | 'Minimum' | 'Maximum' | 'Sum' | 'SampleCount';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator:
    | 'GreaterThanOrEqualToThreshold'
    | 'GreaterThanThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  readonly treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  /** A Route 53 health check of type CLOUDWATCH_METRIC on this alarm (a global resource). */
  readonly healthCheck?: {
    readonly name: string;
    readonly insufficientDataHealthStatus: 'Healthy' | 'Unhealthy' | 'LastKnownStatus';
  };
}

/**
 * A Route 53 health check the construct creates for one of a kind's items that needs no alarm
 * (e.g. one of type RECOVERY_CONTROL on a routing control): plain data, which infra turns into a
 * resource (infra/kind-alarms.ts), keyed like the alarms' health checks.
 */
export interface KindHealthCheck {
  /** Unique among the kinds' health checks: the construct id and the stack output's name are built from it. */
  readonly key: string;
  /** The Name tag the Route 53 console lists the health check by. */
  readonly name: string;
  readonly type: 'RECOVERY_CONTROL';
  /** The routing control whose state the health check reports (On: healthy, Off: unhealthy). */
  readonly routingControlArn: string;
}

/** What every kind may read of the plan besides its own section. */
export interface PlanCore {
  readonly name: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
}

export interface KindDefinition<Key extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Folder name under functions/kinds/, function id, record key part. */
  readonly id: string;
  /** The plan's array of this kind's resources. */
  readonly planKey: Key;
  /** One item of that array (a strict object: unknown keys are typos). */
  readonly itemSchema: Schema;
  readonly maxItems: number;
  /** Plural noun for notices: "replicas", "groups", "parameters". */
  readonly noun: string;
  /** Title for reports and the plan guide. */
  readonly title: string;
  readonly phase: Phase;
  /** The kind checks its resources read-only before any change (preflight, RPO). */
  readonly hasGate: boolean;
  readonly states: KindStates;
  /** Error names the kind's steps raise that are worth retrying, beyond the common policy. */
  readonly extraRetry?: readonly {
    readonly errors: readonly string[];
    readonly intervalSeconds: number;
    readonly maxAttempts: number;
    readonly backoffRate: number;
  }[];
  /**
   * The longest its gate and its change may take for these items (their own timeouts): the
   * builder sizes the execution's timeout from them, so that a kind's own timeout, which ends
   * in a failure notice, always fires before the execution's, which would not.
   */
  readonly budgetSeconds: (items: readonly z.output<Schema>[]) => {
    readonly gate: number;
    readonly change: number;
  };
  /**
   * Fencing (issue 10), when the kind has it: one line saying how it stops writers in the old
   * region from reaching the old primary (docs, notices). The kind's runtime then has `fence`.
   */
  readonly fences?: string;
  /**
   * Kinds with `fences`: the old-region resource an item fences (e.g. the old primary's id), or
   * undefined when the plan names none for it (nothing to fence: `not-applicable`).
   */
  readonly fenceLabel?: (item: z.output<Schema>) => string | undefined;
  /** Kinds with `fences`: what a fenced resource is called in notices ("old primary", "old group"). */
  readonly fenceNoun?: string;
  /**
   * The kind's change can be undone exactly (capacity up, then back to what was recorded): the
   * workflow may start it early (`prewarm`) and undo it after an abort (`unwarm`); the kind's
   * runtime then has both.
   */
  readonly reversible?: boolean;
  /**
   * The shortest function timeout its steps can run in for these items, when a step waits on a
   * call longer than the usual few seconds (a hook's synchronous invocation): the construct
   * refuses a `stepTimeout` below it.
   */
  readonly minFunctionSeconds?: (items: readonly z.output<Schema>[]) => number;
  /** The SDK clients its function uses (the record's DynamoDB is added by infra). */
  readonly services: readonly AwsService[];
  /** The label of one item in notices and reports (e.g. the replica's identifier). */
  readonly label: (item: z.output<Schema>) => string;
  /**
   * Facts the kind records for an item once it failed over (`rememberOnce` under the kind's id and
   * the item's index) that parameter templates may name: `{{<planKey>.<id>.<field>}}`. The kind's
   * items then have an `id` and an `optional` flag.
   */
  readonly templateOutputs?: { readonly noun: string; readonly fields: readonly string[] };
  /** Checks across the kind's items and the rest of the plan document (raw, defensively read). */
  readonly crossFieldIssues?: (
    document: Readonly<Record<string, unknown>>,
    context: CrossFieldContext,
  ) => PlanIssue[];
  /** The permissions its function needs for this plan. */
  readonly permissions: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
    scope: ArnScope,
  ) => KindPermission[];
  /**
   * The CloudWatch alarms (and Route 53 health checks) the construct creates for this plan's
   * items, in the recovery region; absent for kinds that need none.
   */
  readonly alarms?: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
  ) => readonly KindAlarm[];
  /**
   * The Route 53 health checks that need no alarm (e.g. RECOVERY_CONTROL) the construct creates
   * for this plan's items; absent for kinds that need none.
   */
  readonly healthChecks?: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
  ) => readonly KindHealthCheck[];
  /** The read-only permissions its readiness checks (`readiness.ts`) need, for the scheduled check. */
  readonly readinessPermissions: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
    scope: ArnScope,
  ) => KindPermission[];
}

/** What the plan's validation gives every kind's cross-field check. */
export interface CrossFieldContext {
  /** The outputs the kinds with `templateOutputs` offer parameter templates, for this plan document. */
  readonly templateSources: readonly TemplateSource[];
}

/** The `${...}` substitution variable naming a kind's (or a step's) function ARN in the definition. */
export const functionArnVariable = (id: string): string =>
  `${id.replace(/(^|-)([a-z])/g, (_whole, _dash: string, letter: string) => letter.toUpperCase())}FunctionArn`;

/** Declares a kind, keeping its plan key and item schema as literal types (the plan's type is built from them). */
export const defineKind = <const Key extends string, Schema extends z.ZodType>(
  definition: KindDefinition<Key, Schema>,
): KindDefinition<Key, Schema> => definition;

/** A plan document's field read defensively, for cross-field checks (the schema reports wrong types). */
export type Loose = Readonly<Record<string, unknown>>;

/** The objects of a plan document's array field; anything else reads as empty. */
export const records = (value: unknown): Loose[] =>
  Array.isArray(value)
    ? value.map((item) => (item !== null && typeof item === 'object' ? (item as Loose) : {}))
    : [];
