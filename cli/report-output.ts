import type { Plan } from '../functions/common/plan.js';
import {
  buildFailoverReport,
  DEFAULT_REPORT_DIR,
  writeReport,
  type ExecutionOutcome,
  type ExecutionRecord,
  type FailoverReport,
} from '../engine/report/index.js';
import { EXIT, type CliIo } from './cli-io.js';

/** The endings that need nobody: the failover succeeded, or nothing had to be done. */
const OK_OUTCOMES: ReadonlySet<ExecutionOutcome> = new Set(['succeeded', 'ignored', 'duplicate']);

/**
 * 0 when the failover succeeded or the event was rightly left alone (ignored, a duplicate of a
 * running failover); 1 for every other end (refused, aborted, failed, stopped, timed out).
 */
export function exitCodeFor(outcome: ExecutionOutcome): number {
  return OK_OUTCOMES.has(outcome) ? EXIT.ok : EXIT.failed;
}

/** One line saying how the execution ended, for stderr. */
export function outcomeLine(report: FailoverReport): string {
  const error = report.error === null ? '' : `: ${report.error.error}: ${report.error.cause}`;
  const mode = report.dryRun === true ? ' (dry run)' : '';
  switch (report.outcome) {
    case 'succeeded':
      return `failover succeeded${mode}`;
    case 'ignored':
      return 'event ignored: not for this plan';
    case 'duplicate':
      return 'duplicate: another execution of this plan holds the lock (nothing was changed)';
    case 'refused':
      return `failover refused${mode}: ${report.error?.cause ?? ''}`;
    case 'aborted':
      return `failover aborted${mode}: ${report.error?.cause ?? ''}`;
    case 'stopped':
      return `execution stopped (ABORTED in Step Functions)${error}`;
    case 'timed-out':
      return `execution timed out${error}`;
    case 'running':
      return 'execution still running';
    default:
      return `failover failed${mode}${error}`;
  }
}

/** The RTO/RPO lines printed after a run, the report's headline figures. */
export function figureLines(report: FailoverReport): string[] {
  const value = (seconds: number | null) => (seconds === null ? 'n/a' : `${seconds}s`);
  const verdict = (met: boolean | null) => (met === null ? '' : met ? ' (met)' : ' (MISSED)');
  const { rto } = report;
  const rtoLine =
    rto.achievedSeconds === null
      ? `RTO: not measured (${rto.note ?? 'unknown'}); objective ${value(rto.objectiveSeconds)}`
      : `RTO achieved: ${value(rto.achievedSeconds)} against objective ${value(rto.objectiveSeconds)}${verdict(rto.met)}, from the ${rto.basis === 'outage' ? 'outage' : rto.basis === 'drill' ? 'drill request' : 'alarm'}: ${(rto.parts ?? []).map((part) => `${part.part} ${part.seconds}s`).join(' + ')}`;
  return [
    rtoLine,
    `RPO estimate: ${value(report.rpo.estimateSeconds)} against objective ${value(report.rpo.objectiveSeconds)}${verdict(report.rpo.met)}`,
  ];
}

/** One line per resource: what it did, from the failover record (or each kind's summary). */
export function resourceLines(report: FailoverReport): string[] {
  if (report.resources !== null) {
    return report.resources.map(
      (resource) => `  ${resource.noun} ${resource.label}: ${resource.status}: ${resource.detail}`,
    );
  }
  return report.phases.map(
    (phase) =>
      `  ${phase.phase} ${phase.kind}: ${phase.total - phase.pending} of ${phase.total} done: ${phase.message}`,
  );
}

/** Builds the report of a run, writes the Markdown, HTML and JSON, and says where. */
export async function reportRun(
  record: ExecutionRecord,
  options: {
    readonly plan?: Plan;
    readonly dir?: string;
    readonly figures?: boolean;
    /** The execution's input, when known: names the trigger of a run that kept no state. */
    readonly input?: unknown;
  },
  io: CliIo,
): Promise<FailoverReport> {
  const report = buildFailoverReport(
    options.input === undefined || record.input !== undefined ? record : { ...record, input: options.input },
    options.plan,
  );
  return publishReport(report, options, io);
}

/** Writes a report's Markdown, HTML and JSON, and prints its figures and where it went. */
export async function publishReport(
  report: FailoverReport,
  options: { readonly dir?: string; readonly figures?: boolean },
  io: CliIo,
): Promise<FailoverReport> {
  const written = await writeReport(report, options.dir ?? DEFAULT_REPORT_DIR);
  if (options.figures !== false) {
    if (report.dryRun === true) {
      io.out(
        ['Would do (dry run: nothing was changed):', ...report.wouldDo.map((line) => `  ${line}`)].join('\n'),
      );
    } else {
      const resources = resourceLines(report);
      if (resources.length > 0) io.out(['What each resource did:', ...resources].join('\n'));
      // A local run: what the simulated AWS shows at the end, every kind's resources.
      if (report.endState?.source === 'simulated-cloud' && report.endState.lines.length > 0)
        io.out(
          ['End state of the simulated cloud:', ...report.endState.lines.map((line) => `  ${line}`)].join(
            '\n',
          ),
        );
    }
    for (const line of figureLines(report)) io.out(line);
  }
  if (written.renamedFrom !== null) {
    io.out(
      `A report named ${written.renamedFrom}.* exists already: this one is written beside it, not over it`,
    );
  }
  io.out(`Report: ${written.htmlPath} (Markdown: ${written.markdownPath}, facts: ${written.jsonPath})`);
  if (written.trend.length > 1) {
    io.out(
      `Trend: this run and ${written.trend.length - 1} earlier report(s) of plan ${report.plan?.name ?? ''}`,
    );
  }
  return report;
}
