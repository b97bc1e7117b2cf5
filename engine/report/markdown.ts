import { KINDS } from '../../functions/kinds/registry.js';
import type { FailoverReport, ObjectiveVerdict, ReportStep } from './failover-report.js';
import type { PhaseOutcome, PhaseRow, TimelinePhase } from './phases.js';
import type { TrendRow } from './trend.js';

/**
 * The Markdown report: a summary, a Mermaid gantt of the steps, the table of steps, what each
 * resource did and the replica lag behind the RPO estimate. Every figure comes from the
 * FailoverReport, which the JSON sibling holds as is.
 */

/**
 * Mermaid reads dates in this format with dayjs in the viewer's local time; the report writes
 * UTC clock times, so the axis shows the UTC clock whatever the viewer's zone.
 */
export const GANTT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss.SSS';
const PHASES_SECTION = 'Phases';

const ganttTime = (iso: string): string => iso.replace(/Z$/, '');

/** Task names end at `:` in gantt syntax; `#` and `;` start entities and statements. */
const ganttText = (text: string): string => text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();

/** `done` for finished phases, `crit` for failed ones, `active` for the rest. */
function ganttTag(outcome: PhaseOutcome): string {
  if (outcome === 'failed') return 'crit';
  return outcome === 'succeeded' ? 'done' : 'active';
}

/**
 * Above this many resources of one kind, the gantt draws the kind's resources as one row (first
 * start to last end), so that the largest plan stays under Mermaid's default maxTextSize (50,000
 * characters); the HTML report draws every resource.
 */
export const GANTT_RESOURCES_PER_KIND = 10;

/** The rows of one phase's section: per kind, then its resources (or one row for all of them). */
function sectionRows(phase: TimelinePhase): { title: string; row: Omit<PhaseRow, 'title' | 'level'> }[] {
  const rows: { title: string; row: Omit<PhaseRow, 'title' | 'level'> }[] = [];
  const kinds = [...new Set(phase.rows.map((row) => row.kind))];
  for (const kind of kinds) {
    const own = phase.rows.filter((row) => row.kind === kind);
    for (const row of own.filter((candidate) => candidate.level === 'kind'))
      rows.push({ title: row.title, row });
    const resources = own.filter((row) => row.level === 'resource');
    if (resources.length <= GANTT_RESOURCES_PER_KIND) {
      for (const row of resources) rows.push({ title: row.title, row });
      continue;
    }
    const start = Math.min(...resources.map((row) => Date.parse(row.startedAt)));
    const end = Math.max(...resources.map((row) => Date.parse(row.endedAt)));
    const noun = KINDS.find((candidate) => candidate.id === kind)?.noun ?? 'resources';
    rows.push({
      title: `${resources.length} ${noun} (first start to last done)`,
      row: {
        kind,
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(end).toISOString(),
        durationSeconds: (end - start) / 1000,
        outcome: resources.some((row) => row.outcome === 'failed')
          ? 'failed'
          : resources.some((row) => row.outcome === 'running')
            ? 'running'
            : 'succeeded',
        detail: null,
      },
    });
  }
  return rows;
}

/**
 * The gantt: one task per phase of the run (section "Phases"), then a section per phase that has
 * resource kinds (gate, recover, route, read back) with a row per kind and per resource. No
 * Choice or Pass state of its own, no `title` line: the Markdown heading carries it.
 */
export function renderGantt(report: FailoverReport): string {
  const lines = [
    'gantt',
    `    dateFormat ${GANTT_DATE_FORMAT}`,
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
  ];
  if (report.timeline.length === 0) return lines.join('\n');
  lines.push(`    section ${PHASES_SECTION}`);
  report.timeline.forEach((phase, i) => {
    lines.push(
      `    ${ganttText(phase.title)} :${ganttTag(phase.outcome)}, p${i + 1}, ${ganttTime(phase.startedAt)}, ${ganttTime(phase.endedAt)}`,
    );
  });
  let n = 0;
  for (const phase of report.timeline) {
    const rows = sectionRows(phase);
    if (rows.length === 0) continue;
    lines.push(`    section ${ganttText(phase.title)}`);
    for (const { title, row } of rows) {
      n += 1;
      lines.push(
        `    ${ganttText(title)} :${ganttTag(row.outcome)}, r${n}, ${ganttTime(row.startedAt)}, ${ganttTime(row.endedAt)}`,
      );
    }
  }
  return lines.join('\n');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const seconds = (value: number | null): string => (value === null ? 'n/a' : `${value} s`);
const clock = (iso: string): string => iso.slice(11, 23);

function verdict(value: number | null, figure: ObjectiveVerdict): string {
  if (figure.met === null) return value === null ? 'not measured' : 'no objective';
  return figure.met ? 'met' : '**missed**';
}

function outcomeText(report: FailoverReport): string {
  const mode = report.dryRun === true ? ' (dry run: nothing was changed)' : '';
  const error = report.error === null ? '' : `: ${report.error.error}: ${report.error.cause}`;
  return `${report.outcome}${mode}${error}`;
}

function triggerText(report: FailoverReport): string {
  const trigger = report.trigger;
  if (trigger === null) return 'unknown';
  const who =
    trigger.kind === 'drill'
      ? `drill requested by ${trigger.requestedBy ?? 'unknown'}`
      : `alarm ${trigger.alarmName ?? ''}`;
  return `${who} at ${trigger.triggeredAt}: ${trigger.reason}`;
}

const RTO_FROM: Readonly<Record<NonNullable<FailoverReport['rto']['basis']>, string>> = {
  outage: 'outage',
  alarm: 'alarm (outage start unknown)',
  drill: 'drill request',
};

/** The RTO line: the figure, what it counts from, the objective; or why there is none. */
export function rtoText(report: FailoverReport): string {
  const { rto } = report;
  if (rto.achievedSeconds === null || rto.basis === null) {
    return `n/a against objective ${seconds(rto.objectiveSeconds)}: not measured (${rto.note ?? 'unknown'})`;
  }
  return `${seconds(rto.achievedSeconds)} (${RTO_FROM[rto.basis]} → last resource failed over) against objective ${seconds(rto.objectiveSeconds)}: ${verdict(rto.achievedSeconds, rto)}`;
}

function breakdownRows(report: FailoverReport): string[] {
  const { parts } = report.rto;
  if (parts === null) return [`No RTO: ${report.rto.note ?? 'unknown'}.`];
  return [
    '| Part | From | To | Seconds | Share of the RTO objective |',
    '|---|---|---|---:|---:|',
    ...parts.map(
      (part) =>
        `| ${cell(part.title)} | ${clock(part.from)} | ${clock(part.to)} | ${part.seconds} | ${part.percentOfObjective === null ? 'n/a' : `${part.percentOfObjective} %`} |`,
    ),
    `| **Total (RTO)** | ${clock(report.rto.from ?? '')} | ${clock(report.rto.to ?? '')} | ${report.rto.achievedSeconds} | ${
      report.rto.objectiveSeconds === null || report.rto.achievedSeconds === null
        ? 'n/a'
        : `${Math.round((report.rto.achievedSeconds / report.rto.objectiveSeconds) * 1000) / 10} %`
    } |`,
  ];
}

function phaseRows(report: FailoverReport): string[] {
  if (report.timeline.length === 0) return ['No step ran.'];
  return [
    '| Phase | Start | End | Duration | Outcome | States |',
    '|---|---|---|---:|---|---|',
    ...report.timeline.map(
      (phase) =>
        `| ${cell(phase.title)} | ${clock(phase.startedAt)} | ${clock(phase.endedAt)} | ${phase.durationSeconds} s | ${phase.outcome}${phase.error === null ? '' : `: ${cell(phase.error)}`} | ${cell(phase.states.map((state) => (state.runs > 1 ? `${state.state} x${state.runs}` : state.state)).join(', '))} |`,
    ),
  ];
}

const trendCell = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : `${value} s`;

/** The trend across drills of the plan; empty without an earlier report. */
export function trendRows(trend: readonly TrendRow[]): string[] {
  if (trend.length < 2) return [];
  const phases = (['detect', 'decide', 'confirm', 'gate', 'approve', 'recover', 'route'] as const).filter(
    (id) => trend.some((row) => row.phases[id] !== undefined),
  );
  return [
    `| Run | Started | Outcome | RTO | RPO | Detection |${phases.map((id) => ` ${id} |`).join('')}`,
    `|---|---|---|---:|---:|---:|${phases.map(() => '---:|').join('')}`,
    ...trend.map(
      (row) =>
        `| ${cell(row.executionName)}${row.current ? ' (this run)' : ''} | ${row.startedAt} | ${row.outcome}${row.dryRun === true ? ' (dry run)' : ''} | ${trendCell(row.rtoSeconds)} | ${trendCell(row.rpoSeconds)} | ${trendCell(row.detectionSeconds)} |${phases.map((id) => ` ${trendCell(row.phases[id])} |`).join('')}`,
    ),
  ];
}

function summaryRows(report: FailoverReport): string[] {
  const plan = report.plan;
  const rows: [string, string][] = [
    ['Plan', plan === null ? 'unknown' : `${plan.name} (${plan.primaryRegion} → ${plan.recoveryRegion})`],
    ['Outcome', outcomeText(report)],
    ['Trigger', triggerText(report)],
    ['Execution', report.executionArn ?? `${report.executionName} (local replay on the simulated AWS)`],
    [
      'Time',
      `${report.startedAt} → ${report.endedAt} (${report.durationSeconds} s, ${report.timeBase} time)`,
    ],
    ['RTO achieved', rtoText(report)],
    [
      'Detection',
      `${seconds(report.detection.seconds)}: ${report.detection.note}${report.detection.outageStartedAt === null ? '' : ` (outage began ${report.detection.outageStartedAt})`}`,
    ],
    [
      'RPO estimate',
      `${seconds(report.rpo.estimateSeconds)} (highest replica lag at promotion) against objective ${seconds(report.rpo.objectiveSeconds)}: ${verdict(report.rpo.estimateSeconds, report.rpo)}`,
    ],
  ];
  if (report.local !== null) {
    rows.push([
      'Simulated AWS',
      `${report.local.apiCalls} calls, ${report.local.mutatingCalls} mutating; critical path of AWS durations ${report.local.criticalPathSeconds} s`,
    ]);
  }
  return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${cell(value)} |`)];
}

function stepRows(report: FailoverReport): string[] {
  // Only results saved before the workflow polled per kind have per-item rows.
  const items = report.steps.some((step) => step.item !== undefined);
  const item = (step: ReportStep) => (items ? ` ${cell(step.item ?? '')} |` : '');
  return [
    `| # | Step |${items ? ' Item |' : ''} Start | End | Duration | Outcome | Runs | Retries | Error |`,
    `|---:|---|${items ? '---|' : ''}---|---|---:|---|---:|---:|---|`,
    ...report.steps.map(
      (step, i) =>
        `| ${i + 1} | ${cell(step.state)} |${item(step)} ${clock(step.startedAt)} | ${clock(step.endedAt)} | ${step.durationSeconds} s | ${step.outcome} | ${step.runs} | ${step.retries} | ${cell(step.error ?? '')} |`,
    ),
  ];
}

function resourceRows(report: FailoverReport): string[] {
  if (report.resources === null) {
    if (report.phases.length === 0) return ['The run did not reach any resource: nothing was changed.'];
    return [
      'The failover record was not read: each kind as the execution state summarises it.',
      '',
      '| Phase | Kind | Done | Pending | Completed | Summary |',
      '|---|---|---|---:|---|---|',
      ...report.phases.map(
        (phase) =>
          `| ${phase.phase} | ${cell(phase.kind)} | ${phase.done ? 'yes' : 'no'} | ${phase.pending} of ${phase.total} | ${phase.completedAt ?? ''} | ${cell(phase.message)} |`,
      ),
    ];
  }
  if (report.resources.length === 0) return ['The run did not reach any resource: nothing was changed.'];
  return [
    '| Kind | Resource | Status | What happened |',
    '|---|---|---|---|',
    ...report.resources.map(
      (resource) =>
        `| ${resource.noun} | ${cell(resource.label)} | ${resource.status} | ${cell(resource.detail)} |`,
    ),
  ];
}

function lagRows(report: FailoverReport): string[] {
  if (report.rpo.databases.length === 0) {
    return [
      report.gateRan
        ? 'The gate ran, but no replica lag was recorded (no database in the plan, or the record was not read).'
        : 'The run did not reach the replica lag gate: no lag was read.',
    ];
  }
  return [
    '| Replica | Lag at promotion | Max lag | Note |',
    '|---|---:|---:|---|',
    ...report.rpo.databases.map(
      (db) =>
        `| ${cell(db.replica)} | ${seconds(db.lagSeconds)} | ${seconds(db.maxLagSeconds)} | ${cell(db.message ?? '')} |`,
    ),
  ];
}

function listOr(lines: readonly string[], empty: string): string[] {
  return lines.length === 0 ? [empty] : lines.map((line) => `- ${line.replace(/\s*\n\s*/g, ' ')}`);
}

function gateText(report: FailoverReport): string {
  return report.gateRan
    ? 'The gate ran (read-only checks before any change).'
    : 'The run did not reach the gate: no lag was read, nothing was checked before a change.';
}

/** The whole Markdown report; `trend` the earlier drills of the plan and this one (oldest first). */
export function renderMarkdown(report: FailoverReport, trend: readonly TrendRow[] = []): string {
  const zone = report.timeBase === 'simulated' ? 'simulated time, UTC' : 'UTC';
  const trendLines = trendRows(trend);
  return [
    `# Failover report: ${report.executionName}`,
    '',
    ...summaryRows(report),
    '',
    '## RTO from the outage',
    '',
    ...breakdownRows(report),
    '',
    ...(report.dryRun === true
      ? [
          '## What the dry run would have done',
          '',
          ...listOr(report.wouldDo, 'Nothing: no step reached a resource.'),
          '',
        ]
      : []),
    `## Timeline (${zone})`,
    '',
    '```mermaid',
    renderGantt(report),
    '```',
    '',
    ...phaseRows(report),
    '',
    '## What each resource did',
    '',
    ...resourceRows(report),
    '',
    '## Replica lag at promotion (RPO)',
    '',
    gateText(report),
    '',
    ...lagRows(report),
    '',
    report.endState?.source === 'failover-record'
      ? '## Final state of each resource (read back)'
      : '## End state of the cloud',
    '',
    ...listOr(report.endState?.lines ?? [], 'Not known: the run left no record of its resources.'),
    '',
    '## Notifications sent',
    '',
    ...listOr(
      report.notifications.map((note) => `${note.time ?? ''} ${note.subject}`.trim()),
      'None.',
    ),
    '',
    ...(trendLines.length === 0
      ? []
      : [`## Trend across drills of ${report.plan?.name ?? 'this plan'}`, '', ...trendLines, '']),
    `## Steps (${zone})`,
    '',
    ...stepRows(report),
    '',
  ].join('\n');
}
