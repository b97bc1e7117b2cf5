import { KINDS } from '../../functions/kinds/registry.js';
import type { FailoverReport, ObjectiveVerdict, ReportStep } from './failover-report.js';

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
const WORKFLOW_SECTION = 'Workflow';

const ganttTime = (iso: string): string => iso.replace(/Z$/, '');

/** Task names end at `:` in gantt syntax; `#` and `;` start entities and statements. */
const ganttText = (text: string): string => text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();

const stepName = (step: ReportStep): string => {
  const item = step.item === undefined ? '' : ` (${step.item})`;
  const runs = step.runs > 1 ? ` x${step.runs}` : '';
  return `${step.state}${item}${runs}`;
};

/** `done` for finished steps, `crit` for failed (and caught) ones, `active` for the rest. */
function ganttTag(step: ReportStep): string {
  if (step.outcome === 'failed' || step.outcome === 'caught') return 'crit';
  return step.outcome === 'succeeded' ? 'done' : 'active';
}

/** Each kind's state names (its Parallel branch in every phase), to its title. */
const KIND_SECTIONS = new Map<string, string>(
  KINDS.flatMap((kind) => {
    const names = Object.values(kind.states).filter((name): name is string => name !== undefined);
    // The gate branch ends in "<gate> Passed" (state-machines/workflow-builder.ts).
    const passed = kind.states.gate === undefined ? [] : [`${kind.states.gate} Passed`];
    return [...names, ...passed].map((name) => [name, kind.title] as const);
  }),
);

/**
 * The gantt: one task per timeline row, the workflow's own states first, then a section per
 * resource kind (its branch in the Gate, Recover, Route and Read Back Parallels). No `title`
 * line: the Markdown heading carries it.
 */
export function renderGantt(report: FailoverReport): string {
  const sections = new Map<string, { step: ReportStep; index: number }[]>([[WORKFLOW_SECTION, []]]);
  report.steps.forEach((step, index) => {
    const kind = KIND_SECTIONS.get(step.state);
    const section =
      step.item !== undefined
        ? ganttText(step.item)
        : kind === undefined
          ? WORKFLOW_SECTION
          : ganttText(kind);
    sections.set(section, [...(sections.get(section) ?? []), { step, index }]);
  });
  const lines = [
    'gantt',
    `    dateFormat ${GANTT_DATE_FORMAT}`,
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
  ];
  for (const [section, rows] of sections) {
    if (rows.length === 0) continue;
    lines.push(`    section ${section}`);
    for (const { step, index } of rows) {
      lines.push(
        `    ${ganttText(stepName(step))} :${ganttTag(step)}, s${index + 1}, ${ganttTime(step.startedAt)}, ${ganttTime(step.endedAt)}`,
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
    [
      'RTO achieved',
      `${seconds(report.rto.achievedSeconds)} (trigger → last resource failed over) against objective ${seconds(report.rto.objectiveSeconds)}: ${verdict(report.rto.achievedSeconds, report.rto)}`,
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
  if (report.rpo.databases.length === 0)
    return ['The run did not reach the replica lag gate: no lag was read.'];
  return [
    '| Replica | Lag at promotion | Max lag | Note |',
    '|---|---:|---:|---|',
    ...report.rpo.databases.map(
      (db) =>
        `| ${cell(db.replica)} | ${seconds(db.lagSeconds)} | ${seconds(db.maxLagSeconds)} | ${cell(db.message ?? '')} |`,
    ),
  ];
}

/** The whole Markdown report. */
export function renderMarkdown(report: FailoverReport): string {
  const zone = report.timeBase === 'simulated' ? 'simulated time, UTC' : 'UTC';
  return [
    `# Failover report: ${report.executionName}`,
    '',
    ...summaryRows(report),
    '',
    `## Timeline (${zone})`,
    '',
    '```mermaid',
    renderGantt(report),
    '```',
    '',
    `## Steps (${zone})`,
    '',
    ...stepRows(report),
    '',
    '## What each resource did',
    '',
    ...resourceRows(report),
    '',
    '## Replica lag at promotion (RPO)',
    '',
    ...lagRows(report),
    '',
  ].join('\n');
}
