import type { z } from 'zod';
import type { AwsService } from '../common/aws-service.js';
import type { PlanIssue } from '../common/errors.js';
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
}

/**
 * Values parameter templates may name once a kind's change is done:
 * `{{<planKey>.<item's idField>.<field>}}` (functions/common/templates.ts). The kind records them
 * as strings in each item's write-once facts (the failover record) when the item is done, so a
 * template can never point at a resource that has not failed over.
 */
export interface TemplateOutputs {
  /** The item's field whose value names it in templates (`id`). */
  readonly idField: string;
  /** One item, for messages: "database". */
  readonly noun: string;
  /** The facts a template may name (`endpoint`, `port`, …). */
  readonly fields: readonly string[];
}

/** What a kind declares of itself that other kinds' plan checks may read (the registry passes every kind). */
export interface KindOutline {
  readonly planKey: string;
  readonly templateOutputs?: TemplateOutputs;
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
   * The kind's change can be undone exactly (capacity up, then back to what was recorded): the
   * workflow may start it early (`prewarm`) and undo it after an abort (`unwarm`); the kind's
   * runtime then has both.
   */
  readonly reversible?: boolean;
  /** The SDK clients its function uses (the record's DynamoDB is added by infra). */
  readonly services: readonly AwsService[];
  /** The label of one item in notices and reports (e.g. the replica's identifier). */
  readonly label: (item: z.output<Schema>) => string;
  /** Values its items give parameter templates once done; absent when it gives none. */
  readonly templateOutputs?: TemplateOutputs;
  /**
   * Checks across the kind's items and the rest of the plan document (raw, defensively read);
   * `kinds` outlines every kind of the registry (e.g. which sections templates may name).
   */
  readonly crossFieldIssues?: (
    document: Readonly<Record<string, unknown>>,
    kinds: readonly KindOutline[],
  ) => PlanIssue[];
  /** The permissions its function needs for this plan. */
  readonly permissions: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
    scope: ArnScope,
  ) => KindPermission[];
  /** The read-only permissions its readiness checks (`readiness.ts`) need, for the scheduled check. */
  readonly readinessPermissions: (
    plan: PlanCore & { readonly [K in Key]: readonly z.output<Schema>[] },
    scope: ArnScope,
  ) => KindPermission[];
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
