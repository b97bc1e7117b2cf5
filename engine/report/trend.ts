import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailoverReport } from './failover-report.js';
import type { PhaseId } from './phases.js';

/**
 * A trend across drills of the same plan: one row per earlier report (the JSON siblings in the
 * report directory) and this run, oldest first, with the figures a team compares from one game
 * day to the next. Older reports lack some figures (written before the RTO had parts): those
 * cells are null.
 */
export interface TrendRow {
  readonly executionName: string;
  readonly startedAt: string;
  readonly outcome: string;
  readonly dryRun: boolean | null;
  readonly rtoSeconds: number | null;
  readonly rpoSeconds: number | null;
  readonly detectionSeconds: number | null;
  /** Each phase's duration, by phase id. */
  readonly phases: Readonly<Partial<Record<PhaseId, number>>>;
  /** This run (the last row). */
  readonly current: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** A trend row from a report's JSON, or undefined when the document is not a failover report. */
export function trendRow(document: unknown, current = false): TrendRow | undefined {
  if (!isObject(document) || typeof document.executionName !== 'string') return undefined;
  if (typeof document.startedAt !== 'string' || typeof document.outcome !== 'string') return undefined;
  const rto = isObject(document.rto) ? document.rto : {};
  const rpo = isObject(document.rpo) ? document.rpo : {};
  const detection = isObject(document.detection) ? document.detection : {};
  const timeline = Array.isArray(document.timeline) ? document.timeline : [];
  const phases: Partial<Record<PhaseId, number>> = {};
  for (const phase of timeline) {
    if (isObject(phase) && typeof phase.id === 'string' && typeof phase.durationSeconds === 'number') {
      phases[phase.id as PhaseId] = phase.durationSeconds;
    }
  }
  return {
    executionName: document.executionName,
    startedAt: document.startedAt,
    outcome: document.outcome,
    dryRun: typeof document.dryRun === 'boolean' ? document.dryRun : null,
    rtoSeconds: numberOrNull(rto.achievedSeconds),
    rpoSeconds: numberOrNull(rpo.estimateSeconds),
    detectionSeconds: numberOrNull(detection.seconds),
    phases,
    current,
  };
}

const planNameOf = (document: unknown): string | undefined =>
  isObject(document) && isObject(document.plan) && typeof document.plan.name === 'string'
    ? document.plan.name
    : undefined;

/**
 * The earlier reports of `report`'s plan in `dir` (every `*.json` that is a failover report of
 * the same plan and another execution), then this run; empty when the plan is unknown or there
 * is no earlier report (a trend needs two drills).
 */
export async function readTrend(report: FailoverReport, dir: string): Promise<TrendRow[]> {
  if (report.plan === null) return [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const earlier: TrendRow[] = [];
  for (const file of files) {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown;
    } catch {
      continue;
    }
    if (planNameOf(document) !== report.plan.name) continue;
    const row = trendRow(document);
    if (
      row === undefined ||
      (row.executionName === report.executionName && row.startedAt === report.startedAt)
    ) {
      continue;
    }
    earlier.push(row);
  }
  if (earlier.length === 0) return [];
  const current = trendRow(JSON.parse(JSON.stringify(report)) as unknown, true);
  return [...earlier, ...(current === undefined ? [] : [current])].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || Number(a.current) - Number(b.current),
  );
}
