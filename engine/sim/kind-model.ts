import type { ResponseMetadata } from '@smithy/types';
import type { z } from 'zod';
import type { AwsService } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import type { ErrorSpec, SimulatedServiceError } from './sdk-errors.js';
import type { OperationTable, SimWorld } from './world.js';

/**
 * How a resource kind brings its part of the simulated AWS. Each kind's folder exports one
 * `simulatedKind` from `functions/kinds/<id>/sim.ts`, found by convention (engine/sim/kinds.ts),
 * so that adding a kind edits nothing in engine/sim. The services the workflow itself calls
 * (SNS, DynamoDB, Step Functions, CloudWatch alarms) stay in engine/sim.
 *
 * Only the local engine imports a kind's sim code: a kind's Lambda bundle never does.
 *
 * This module is a leaf: a kind's sim code may import it (and world.ts, sdk-errors.ts, ids.ts),
 * never engine/sim/kinds.ts, whose top-level await loads the kinds (an import cycle through it
 * would never settle).
 */

/** A scenario's sections that kinds add (`lag`, `promotion`, …), each typed by its kind's sim.ts. */
// Each kind augments this interface from its sim.ts (`declare module`), so Scenario stays typed.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KindScenarioSections {}

/** The cloud snapshot's sections that kinds add (`databases`, `groups`, …), typed by each kind's sim.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KindSnapshotSections {}

/** An SDK exception class of a service (modeled error or base exception). */
export type ModeledErrorClass = new (options: {
  message: string;
  Message: string;
  $metadata: ResponseMetadata;
  // Members of the error shape besides the message, e.g. ConditionalCheckFailedException's Item.
  [member: string]: unknown;
}) => SimulatedServiceError;

export type BaseErrorClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: ResponseMetadata;
}) => SimulatedServiceError;

/** How a service's errors look on the wire and in the SDK: what the transport and the fault injector need. */
export interface SimulatedServiceSpec {
  /** The client package's base exception (`RDSServiceException`). */
  readonly baseException: BaseErrorClass;
  /** The client package's modeled exceptions the simulation raises, by shape name. */
  readonly modeledErrors: Readonly<Record<string, ModeledErrorClass>>;
  /** `json` services send the modeled `ThrottlingException`; `query` ones `Throttling` (HTTP 400). */
  readonly protocol: 'query' | 'json';
  /** The 500 error's name (`InternalFailure`, `InternalServerError`, …). */
  readonly serverErrorName: string;
  /** The 403 error's name (`AccessDenied`, `AccessDeniedException`, …). */
  readonly accessDeniedName: string;
  /** The IAM action prefix, for the AccessDenied message (`rds`, `SNS`, `states`). */
  readonly iamPrefix: string;
}

/**
 * What an injected fault does to a call: fail with an error, or (a describe-style call whose real
 * service reports a missing resource by leaving it out) answer as if the resource did not exist.
 */
export type FaultEffect = { readonly error: ErrorSpec } | { readonly absent: true };
export type FaultEffectFor = (input: Readonly<Record<string, unknown>>) => FaultEffect;

/** One operation a model serves, as known before any cloud exists (scenario checks, fault matrix). */
export interface SimulatedOperationSpec {
  /** Changes the stack being failed over (counted as a mutating call). @default false */
  readonly mutating?: boolean;
  /** The operation's own answer to an injected `notFound`; without it the fault has no meaning here. */
  readonly notFound?: FaultEffectFor;
  /** The operation's own answer to an injected `invalidState`; without it the fault has no meaning here. */
  readonly invalidState?: FaultEffectFor;
}

/** The operations one side (the workflow's services, or a kind) serves of each service. */
export type ServedOperations = Readonly<
  Partial<Record<AwsService, Readonly<Record<string, SimulatedOperationSpec>>>>
>;

/** One scenario section a kind adds: a map from its resources' plan names (or `"*"`) to settings. */
export interface ScenarioSectionSpec {
  /** One entry of the map (a strict object: unknown keys are typos). */
  readonly entry: z.ZodType;
  /** The names the plan gives this kind's resources: a key outside them (and `"*"`) is a typo. */
  readonly names: (plan: Plan) => readonly string[];
  /** What a key names, for the message: "replica", "scaling group". */
  readonly what: string;
}

/** A CloudWatch metric query as the simulated CloudWatch receives it. */
export interface MetricQuery {
  readonly namespace: string | undefined;
  readonly metricName: string | undefined;
  readonly dimensions: readonly { readonly Name?: string; readonly Value?: string }[] | undefined;
  readonly region: string;
  /** Epoch ms: [from, to), and the call's time (only samples published by then are readable). */
  readonly from: number;
  readonly to: number;
  readonly now: number;
}

/** One published datapoint of a metric. */
export interface MetricSample {
  readonly at: number;
  readonly value: number;
}

/** What the other kinds' models offer one kind's model (e.g. what parameter templates render against). */
export interface SimulatedPeers {
  /** Template values before the failover, merged from every kind (e.g. `databases` → the primaries). */
  readonly templateValues: () => Readonly<Record<string, unknown>>;
}

/** One kind's part of one simulated cloud. */
export interface SimulatedKindModel {
  /** Operation handlers per service, merged into the transport's per-service tables. */
  readonly operations: Readonly<Partial<Record<AwsService, OperationTable>>>;
  /** Plain JSON of its resources at `now`, the cloud snapshot's section `snapshotKey`. */
  readonly snapshot: (now: number) => unknown;
  /** Seeds what depends on other kinds, once every kind's model exists. */
  readonly seed?: (peers: SimulatedPeers) => void;
  /** Values parameter templates render against before the failover (`{ databases: … }`). */
  readonly templateValues?: () => Readonly<Record<string, unknown>>;
  /** Samples of a CloudWatch metric the kind's resources publish; undefined for any other metric. */
  readonly metricSamples?: (query: MetricQuery) => readonly MetricSample[] | undefined;
}

export interface SimulatedKind {
  /** The kind's id (its folder under functions/kinds/). */
  readonly id: string;
  /** Services the kind brings to the simulation (the workflow's own are in engine/sim/services.ts). */
  readonly services?: Readonly<Partial<Record<AwsService, SimulatedServiceSpec>>>;
  /** The operations it serves, per service (two kinds may share a service, not an operation). */
  readonly operations: ServedOperations;
  /** Scenario sections by key (`lag`, `promotion`): the scenario file's format. */
  readonly scenario: Readonly<Record<string, ScenarioSectionSpec>>;
  /** The cloud snapshot's key for its resources (what the CLI and reports read). */
  readonly snapshotKey: string;
  /** Builds its resources from the plan and the scenario. */
  readonly create: (world: SimWorld) => SimulatedKindModel;
  /**
   * Its lines of the replay's "End state of the simulated cloud", from a cloud snapshot (the CLI
   * prints them after the first kinds' own lines); absent for a kind whose end state the CLI
   * already prints.
   */
  readonly endStateLines?: (snapshot: Readonly<Record<string, unknown>>) => readonly string[];
  /**
   * What parameter templates render to once its resources failed over, read from a cloud snapshot
   * (`{ main: { endpoint, port, … } }` by the plan's item id): only the items the snapshot shows
   * failed over. The fault matrix judges a repointed parameter by it.
   */
  readonly outputsAfter?: (
    plan: Plan,
    snapshot: Readonly<Record<string, unknown>>,
  ) => Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * When each of its resources could be ready at best (seconds from the trigger), for the
   * critical path; a kind whose resources do not gate the failover's end returns none.
   */
  readonly criticalPath?: (
    world: Pick<SimWorld, 'plan' | 'scenario'>,
    confirmSeconds: number,
  ) => CriticalPathItem[];
}

/** One resource on the critical path (engine/sim/critical-path.ts). */
export interface CriticalPathItem {
  readonly name: string;
  /** Seconds from the start until this resource is ready, or null when it never is. */
  readonly readySeconds: number | null;
  readonly why: string;
}

/** Declares a kind's simulated model (a typed identity, like `defineKind`). */
export const defineSimulatedKind = (kind: SimulatedKind): SimulatedKind => kind;

/** The settings for one resource: the `"*"` entry, overridden field by field by the named one. */
export function settingsFor<T extends object>(
  map: Readonly<Record<string, T>> | undefined,
  name: string,
): T | undefined {
  const all = map?.['*'];
  const own = map?.[name];
  if (all === undefined && own === undefined) return undefined;
  return { ...all, ...own } as T;
}

/** The first of `names` that is a string member of an SDK input (for fault messages), else ''. */
export const inputField =
  (...names: string[]) =>
  (input: Readonly<Record<string, unknown>>): string =>
    names.map((name) => input[name]).find((value): value is string => typeof value === 'string') ?? '';
