import type { Assessed } from '../../functions/kinds/kind-step.js';
import { KINDS } from '../../functions/kinds/registry.js';
import type { Plan } from '../../functions/common/plan.js';

/**
 * One run's failover record (functions/common/failover-record.ts) as a report reads it back:
 * the lock table holds, per kind, a progress item `<plan>#record#<execution>#<kind>` (JSON
 * strings `progress`, `gate`, `assessment`, and `prewarm` for reversible kinds) and per resource a facts item `…#<kind>#<index>`.
 * A local replay's cloud snapshot (and a saved `failover replay --json` result) carries the
 * table's items, so a report can say what each resource did without the execution state, which
 * carries only counts.
 */

/** What the record holds for one kind; every list is in plan order. */
export interface KindRunRecord {
  readonly kind: string;
  /** Each resource's last start/check (Promotion, Scaling, ParameterProgress…). */
  readonly progress?: readonly unknown[];
  /** The gate's last look at each resource (LagCheck for replicas). */
  readonly gate?: readonly unknown[];
  /** What the read-back found in AWS, before a failure notice. */
  readonly assessment?: readonly Assessed[];
  /** Reversible kinds: what the prewarm did to each resource, and its undo (GroupPrewarm…). */
  readonly prewarm?: readonly unknown[];
  /** Facts recorded once per resource (what failback restores), by resource index. */
  readonly facts: Readonly<Record<number, unknown>>;
}

export interface RunRecord {
  readonly kinds: readonly KindRunRecord[];
}

/** A table item as the simulated DynamoDB's snapshot gives it: attribute name to plain value. */
type PlainItem = Readonly<Record<string, string | number | boolean | null>>;

const KEY_ATTRIBUTE = 'planName';

function parseAttribute(item: PlainItem, attribute: string): unknown {
  const value = item[attribute];
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const list = (value: unknown): readonly unknown[] | undefined => (Array.isArray(value) ? value : undefined);

/**
 * The record of the execution named `executionName`, from the tables of a cloud snapshot (any
 * table: the lock table is the one with record items). Kinds come out in registry order; null
 * when the run wrote no record (it ended before any kind's step ran).
 */
export function runRecordFromTables(
  tables: Readonly<Record<string, readonly PlainItem[]>> | undefined,
  executionName: string,
): RunRecord | null {
  const marker = `#record#${executionName}#`;
  const byKind = new Map<
    string,
    {
      progress?: unknown;
      gate?: unknown;
      assessment?: unknown;
      prewarm?: unknown;
      facts: Record<number, unknown>;
    }
  >();
  const entry = (kind: string) => {
    let found = byKind.get(kind);
    if (found === undefined) {
      found = { facts: {} };
      byKind.set(kind, found);
    }
    return found;
  };
  for (const items of Object.values(tables ?? {})) {
    for (const item of items) {
      const key = item[KEY_ATTRIBUTE];
      if (typeof key !== 'string') continue;
      const at = key.indexOf(marker);
      if (at < 0) continue;
      const [kind, index, ...rest] = key.slice(at + marker.length).split('#');
      if (kind === undefined || kind === '' || rest.length > 0) continue;
      if (index === undefined) {
        const record = entry(kind);
        record.progress = parseAttribute(item, 'progress');
        record.gate = parseAttribute(item, 'gate');
        record.assessment = parseAttribute(item, 'assessment');
        record.prewarm = parseAttribute(item, 'prewarm');
      } else if (/^\d+$/.test(index)) {
        entry(kind).facts[Number(index)] = parseAttribute(item, 'facts');
      }
    }
  }
  if (byKind.size === 0) return null;
  const order = (kind: string) => {
    const i = KINDS.findIndex((candidate) => candidate.id === kind);
    return i < 0 ? KINDS.length : i;
  };
  return {
    kinds: [...byKind]
      .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
      .map(([kind, record]) => ({
        kind,
        ...(list(record.progress) ? { progress: list(record.progress) } : {}),
        ...(list(record.gate) ? { gate: list(record.gate) } : {}),
        ...(list(record.assessment) ? { assessment: list(record.assessment) as readonly Assessed[] } : {}),
        ...(list(record.prewarm) ? { prewarm: list(record.prewarm) } : {}),
        facts: record.facts,
      })),
  };
}

/** What one resource of the plan did in a run, as the record tells it. */
export interface ResourceOutcome {
  /** The kind's id (rds-replica, auto-scaling-group, ssm-parameter). */
  readonly kind: string;
  /** "replica", "group", "parameter". */
  readonly noun: string;
  /** The resource's name (replica identifier, group name, parameter name). */
  readonly label: string;
  /**
   * `done`: through its change (or read back as changed); `not-done`: read back as not changed,
   * or still under way; `not-started`: no step of its kind ran for it; the kind's own status
   * word otherwise (promoted, ready, repointed, already, would-repoint, promoting…).
   */
  readonly status: string;
  /** One line: the read-back's detail after a failure, else the last progress message. */
  readonly detail: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The label a progress entry gives when the plan is not known. */
function progressLabel(entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  return text(entry.instanceId) ?? text(entry.groupName) ?? text(entry.replica) ?? text(entry.name);
}

/**
 * One line per resource of the plan (or, without the plan, per resource the record names), in
 * registry order. After a failure the read-back (what AWS showed) wins over the last progress
 * (what the step last did).
 */
export function resourceOutcomes(record: RunRecord | null, plan?: Plan): ResourceOutcome[] {
  const kinds =
    plan === undefined ? KINDS.filter((kind) => record?.kinds.some((k) => k.kind === kind.id)) : KINDS;
  return kinds.flatMap((kind) => {
    const kept = record?.kinds.find((candidate) => candidate.kind === kind.id);
    const items = plan === undefined ? undefined : (plan[kind.planKey] as readonly unknown[]);
    const count =
      items?.length ??
      Math.max(kept?.progress?.length ?? 0, kept?.gate?.length ?? 0, kept?.assessment?.length ?? 0);
    const noun = kind.noun.replace(/s$/, '');
    return Array.from({ length: count }, (_unused, i): ResourceOutcome => {
      const item = items?.[i];
      const assessed = kept?.assessment?.[i];
      const progress = kept?.progress?.[i];
      const gate = kept?.gate?.[i];
      const label =
        (item === undefined ? undefined : (kind.label as (value: unknown) => string)(item)) ??
        assessed?.label ??
        progressLabel(progress) ??
        progressLabel(gate) ??
        `${noun} ${i + 1}`;
      if (assessed !== undefined) {
        return {
          kind: kind.id,
          noun,
          label,
          status: assessed.done ? 'done' : 'not-done',
          detail: assessed.detail,
        };
      }
      if (isObject(progress) && text(progress.status) !== 'not-started') {
        const status = text(progress.status) ?? 'unknown';
        // A dry run records its kind's done status ("promoted") for what it only would have done.
        const dryRun = progress.dryRun === true && status !== 'already' && !status.startsWith('would');
        return {
          kind: kind.id,
          noun,
          label,
          status: dryRun ? 'dry-run' : status,
          detail: text(progress.message) ?? '',
        };
      }
      const gateMessage = isObject(gate) ? text(gate.message) : undefined;
      return {
        kind: kind.id,
        noun,
        label,
        status: 'not-started',
        detail: gateMessage === undefined ? 'no step ran for it' : `not started; gate: ${gateMessage}`,
      };
    });
  });
}
