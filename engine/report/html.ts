import { KINDS } from '../../functions/kinds/registry.js';
import type { FailoverReport } from './failover-report.js';
import { rtoText } from './markdown.js';
import type { PhaseOutcome, PhaseRow, TimelinePhase } from './phases.js';
import type { TrendRow } from './trend.js';

/**
 * The HTML report: one self-contained file (inline CSS and SVG; no script, font or image from
 * anywhere), readable on screen, printed or saved as PDF from the browser. Every figure comes
 * from the FailoverReport the JSON sibling holds. The timeline is drawn to scale: a bar's width
 * is its duration times the chart's pixels per second (`data-duration-ms` on each bar lets a
 * test check it).
 */

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

const seconds = (value: number | null | undefined): string =>
  value === null || value === undefined ? 'n/a' : `${value} s`;
const clock = (iso: string | null): string => (iso === null ? '' : iso.slice(11, 23));
const px = (value: number): string => String(Math.round(value * 100) / 100);

/** Width of the drawing area of a timeline, in SVG pixels (the label column is separate). */
export const TIMELINE_WIDTH = 760;
const LABEL_WIDTH = 280;
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 26;

const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --run: #9a6700; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; padding: 24px 32px 48px; max-width: 1160px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; font-size: 13px; vertical-align: middle; }
.badge.succeeded { background: var(--ok); } .badge.failed, .badge.timed-out, .badge.stopped { background: var(--bad); }
.badge.aborted, .badge.refused, .badge.running { background: var(--run); } .badge.ignored, .badge.duplicate { background: var(--muted); }
.badge.dry { background: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--bg); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; }
.card .note { font-size: 12px; color: var(--muted); }
.met { color: var(--ok); } .missed { color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.current td { font-weight: 600; background: #ddf4ff; }
.status-done, .status-promoted, .status-ready, .status-repointed { color: var(--ok); font-weight: 600; }
.status-not-done, .status-not-started, .status-failed { color: var(--bad); font-weight: 600; }
.status-dry-run, .status-would-repoint, .status-already { color: var(--accent); font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #1f2328; }
svg .axis text { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .bar.succeeded { fill: #2da44e; } svg .bar.failed { fill: #cf222e; } svg .bar.running { fill: #bf8700; }
svg .bar.kind { opacity: .75; } svg .bar.resource { opacity: .55; }
svg .fail-mark { fill: #cf222e; font-weight: 700; }
svg .objective { stroke: #1f2328; stroke-dasharray: 4 3; stroke-width: 1.5; }
svg .part-detection { fill: #8250df; } svg .part-decision { fill: #bf8700; } svg .part-aws-work { fill: #0969da; } svg .part-routing { fill: #1a7f37; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend svg.swatch { display: inline-block; margin-right: 4px; vertical-align: -2px; }
ul.plain { margin: 4px 0; padding-left: 20px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 1px 4px; border-radius: 4px; }
details { margin: 6px 0; } summary { cursor: pointer; color: var(--accent); }
.callout { border-left: 4px solid var(--accent); background: #ddf4ff; padding: 8px 12px; margin: 10px 0; }
.callout.bad { border-color: var(--bad); background: #ffebe9; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  details { display: block; } details > summary { display: none; }
  h2 { break-after: avoid; } table, svg { break-inside: avoid; }
  .card { background: none; }
}
`;

const PART_COLOURS = ['part-detection', 'part-decision', 'part-aws-work', 'part-routing'];

function verdictSpan(met: boolean | null): string {
  if (met === null) return '';
  return met ? ' <span class="met">met</span>' : ' <span class="missed">missed</span>';
}

function header(report: FailoverReport): string {
  const plan = report.plan;
  const trigger = report.trigger;
  const who =
    trigger === null
      ? 'unknown trigger'
      : trigger.kind === 'drill'
        ? `drill requested by ${trigger.requestedBy ?? 'unknown'}`
        : `alarm ${trigger.alarmName ?? ''}`;
  return `<header>
<h1>Failover report: ${escape(report.executionName)} <span class="badge ${escape(report.outcome)}">${escape(report.outcome)}</span>${
    report.dryRun === true ? ' <span class="badge dry">dry run</span>' : ''
  }</h1>
<p class="sub">Plan <b>${escape(plan === null ? 'unknown' : `${plan.name}`)}</b>${
    plan === null ? '' : ` (${escape(plan.primaryRegion)} → ${escape(plan.recoveryRegion)})`
  } · trigger: ${escape(who)}${trigger === null ? '' : ` at ${escape(trigger.triggeredAt)}: ${escape(trigger.reason)}`}<br>
${escape(report.executionArn ?? `${report.executionName} (local replay on the simulated AWS)`)} · ${escape(report.startedAt)} → ${escape(report.endedAt)} (${report.durationSeconds} s, ${report.timeBase} time)</p>
${
  report.error === null
    ? ''
    : `<div class="callout bad"><b>${escape(report.error.error)}</b>: ${escape(report.error.cause)}</div>`
}
</header>`;
}

function cards(report: FailoverReport): string {
  const rto = report.rto;
  const rpo = report.rpo;
  const card = (label: string, value: string, note: string) =>
    `<div class="card"><div class="label">${escape(label)}</div><div class="value">${value}</div><div class="note">${note}</div></div>`;
  return `<section class="cards">
${card('RTO', `${escape(seconds(rto.achievedSeconds))}${verdictSpan(rto.met)}`, escape(rto.achievedSeconds === null ? `not measured: ${rto.note ?? ''}` : `objective ${seconds(rto.objectiveSeconds)}, from the ${rto.basis === 'outage' ? 'outage' : rto.basis === 'drill' ? 'drill request' : 'alarm'}`))}
${card('Detection', escape(seconds(report.detection.seconds)), escape(report.detection.note))}
${card('RPO (lag at promotion)', `${escape(seconds(rpo.estimateSeconds))}${verdictSpan(rpo.met)}`, escape(`objective ${seconds(rpo.objectiveSeconds)}`))}
${report.local === null ? '' : card('Simulated AWS', `${report.local.mutatingCalls} changes`, escape(`${report.local.apiCalls} calls; critical path of AWS durations ${report.local.criticalPathSeconds} s`))}
</section>`;
}

/** The RTO as a stacked bar of its parts against the objective, and the table of parts. */
function rtoSection(report: FailoverReport): string {
  const { rto } = report;
  const title = '<h2 id="rto">RTO from the outage</h2>';
  if (rto.parts === null || rto.achievedSeconds === null) {
    return `${title}<p>No RTO: ${escape(rto.note ?? 'unknown')}. Objective ${escape(seconds(rto.objectiveSeconds))}.</p>`;
  }
  const scale = Math.max(rto.achievedSeconds, rto.objectiveSeconds ?? 0) || 1;
  const width = TIMELINE_WIDTH + LABEL_WIDTH;
  let x = 0;
  const bars = rto.parts
    .map((part, i) => {
      const w = (part.seconds / scale) * width;
      const rect = `<rect class="rto-part ${PART_COLOURS[i]}" data-part="${part.part}" data-seconds="${part.seconds}" x="${px(x)}" y="4" width="${px(w)}" height="26"><title>${escape(`${part.title}: ${part.seconds} s`)}</title></rect>`;
      x += w;
      return rect;
    })
    .join('');
  const objective =
    rto.objectiveSeconds === null
      ? ''
      : `<line class="objective" x1="${px((rto.objectiveSeconds / scale) * width - 1)}" x2="${px((rto.objectiveSeconds / scale) * width - 1)}" y1="0" y2="40"/><text x="${px(Math.max(0, (rto.objectiveSeconds / scale) * width - 4))}" y="52" text-anchor="end">objective ${rto.objectiveSeconds} s</text>`;
  const legend = rto.parts
    .map(
      (part, i) =>
        `<span><svg class="swatch" width="12" height="12" viewBox="0 0 12 12"><rect class="${PART_COLOURS[i]}" width="12" height="12" rx="2"/></svg>${escape(part.title)}</span>`,
    )
    .join('');
  const rows = rto.parts
    .map(
      (part) =>
        `<tr><td>${escape(part.title)}</td><td>${clock(part.from)}</td><td>${clock(part.to)}</td><td class="num">${part.seconds}</td><td class="num">${part.percentOfObjective === null ? 'n/a' : `${part.percentOfObjective} %`}</td></tr>`,
    )
    .join('\n');
  return `${title}
<p>${escape(rtoText(report))}. ${escape(report.detection.note)}.</p>
<svg class="rto-chart" viewBox="0 0 ${width} 60" width="${width}" height="60" role="img" aria-label="RTO parts against the objective">${bars}${objective}</svg>
<div class="legend">${legend}</div>
<table><thead><tr><th>Part</th><th>From</th><th>To</th><th class="num">Seconds</th><th class="num">Share of the objective</th></tr></thead><tbody>
${rows}
<tr class="current"><td>Total (RTO)</td><td>${clock(rto.from)}</td><td>${clock(rto.to)}</td><td class="num">${rto.achievedSeconds}</td><td class="num">${
    rto.objectiveSeconds === null
      ? 'n/a'
      : `${Math.round((rto.achievedSeconds / rto.objectiveSeconds) * 1000) / 10} %`
  }</td></tr></tbody></table>`;
}

interface ChartRow {
  readonly label: string;
  readonly className: 'phase' | 'kind' | 'resource';
  readonly phase: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly outcome: PhaseOutcome;
  readonly note: string | null;
}

/** Ticks at a round step so that there are at most ~8 across the chart. */
function tickStep(totalSeconds: number): number {
  const steps = [0.1, 0.5, 1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  return steps.find((step) => totalSeconds / step <= 8) ?? 86400;
}

const offsetLabel = (value: number): string => {
  if (value >= 60) {
    const minutes = Math.floor(value / 60);
    const rest = Math.round((value - minutes * 60) * 10) / 10;
    return `+${minutes}m${rest === 0 ? '' : `${rest}s`}`;
  }
  return `+${Math.round(value * 10) / 10}s`;
};

/** One timeline SVG over [origin, end]: a row per ChartRow, bars to scale. */
function chart(rows: readonly ChartRow[], origin: number, end: number, className: string): string {
  const total = Math.max(end - origin, 1) / 1000;
  const perSecond = TIMELINE_WIDTH / total;
  const height = AXIS_HEIGHT + rows.length * ROW_HEIGHT + 6;
  const width = LABEL_WIDTH + TIMELINE_WIDTH + 40;
  const step = tickStep(total);
  const ticks: string[] = [];
  for (let t = 0; t <= total + 1e-9; t += step) {
    const x = LABEL_WIDTH + t * perSecond;
    ticks.push(
      `<line class="grid" x1="${px(x)}" x2="${px(x)}" y1="${AXIS_HEIGHT - 6}" y2="${height}"/><text x="${px(x)}" y="${AXIS_HEIGHT - 10}" text-anchor="middle">${offsetLabel(t)}</text>`,
    );
  }
  const body = rows
    .map((row, i) => {
      const y = AXIS_HEIGHT + i * ROW_HEIGHT;
      const start = Date.parse(row.startedAt);
      const durationMs = Date.parse(row.endedAt) - start;
      const x = LABEL_WIDTH + ((start - origin) / 1000) * perSecond;
      const w = (durationMs / 1000) * perSecond;
      const indent = row.className === 'phase' ? 0 : row.className === 'kind' ? 14 : 28;
      const label = row.label.length > 40 ? `${row.label.slice(0, 38)}…` : row.label;
      const tooltip = `${row.label}: ${clock(row.startedAt)} → ${clock(row.endedAt)} (${durationMs / 1000} s, ${row.outcome})${row.note === null ? '' : `: ${row.note}`}`;
      const mark =
        row.outcome === 'failed'
          ? `<text class="fail-mark" x="${px(x + w + 4)}" y="${y + 15}">✕ failed</text>`
          : `<text class="axis" x="${px(x + w + 4)}" y="${y + 15}" fill="#57606a">${durationMs / 1000} s</text>`;
      return `<g class="row ${row.className}"><text x="${indent}" y="${y + 15}"${row.className === 'phase' ? ' font-weight="600"' : ''}>${escape(label)}</text><rect class="bar ${row.className} ${row.outcome}" data-phase="${escape(row.phase)}" data-duration-ms="${durationMs}" data-px-per-second="${perSecond}" x="${px(x)}" y="${y + 4}" width="${px(w)}" height="${ROW_HEIGHT - 8}" rx="2"><title>${escape(tooltip)}</title></rect>${
        w < 2
          ? `<line x1="${px(x)}" x2="${px(x)}" y1="${y + 2}" y2="${y + ROW_HEIGHT - 2}" stroke="#57606a" stroke-width="1"/>`
          : ''
      }${mark}</g>`;
    })
    .join('\n');
  return `<svg class="${className}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Timeline drawn to scale"><g class="axis">${ticks.join('')}</g>
${body}</svg>`;
}

/** Above this many resources of one kind, their rows fold into a closed <details>. */
const OPEN_RESOURCES = 10;

function timelineSection(report: FailoverReport): string {
  const phases = report.timeline;
  if (phases.length === 0) return '<h2 id="timeline">Timeline</h2><p>No step ran.</p>';
  const origin = Math.min(...phases.map((phase) => Date.parse(phase.startedAt)));
  const end = Math.max(...phases.map((phase) => Date.parse(phase.endedAt)));
  const rows: ChartRow[] = [];
  const folded: { phase: TimelinePhase; kind: string; resources: PhaseRow[] }[] = [];
  for (const phase of phases) {
    rows.push({
      label: phase.title,
      className: 'phase',
      phase: phase.id,
      startedAt: phase.startedAt,
      endedAt: phase.endedAt,
      outcome: phase.outcome,
      note: phase.error,
    });
    for (const kind of [...new Set(phase.rows.map((row) => row.kind))]) {
      const own = phase.rows.filter((row) => row.kind === kind);
      for (const row of own.filter((candidate) => candidate.level === 'kind')) {
        rows.push({ label: row.title, className: 'kind', phase: phase.id, ...row, note: row.detail });
      }
      const resources = own.filter((row) => row.level === 'resource');
      if (resources.length <= OPEN_RESOURCES) {
        for (const row of resources) {
          rows.push({ label: row.title, className: 'resource', phase: phase.id, ...row, note: row.detail });
        }
      } else {
        folded.push({ phase, kind, resources });
      }
    }
  }
  const zone = report.timeBase === 'simulated' ? 'simulated time' : 'real time';
  const more = folded
    .map(({ phase, kind, resources }) => {
      const title = KINDS.find((candidate) => candidate.id === kind)?.title ?? kind;
      return `<details><summary>${escape(`${phase.title}: ${resources.length} ${title}, one row each`)}</summary>${chart(
        resources.map((row) => ({
          label: row.title,
          className: 'resource',
          phase: phase.id,
          ...row,
          note: row.detail,
        })),
        origin,
        end,
        'timeline resources',
      )}</details>`;
    })
    .join('\n');
  const table = phases
    .map(
      (phase) =>
        `<tr><td>${escape(phase.title)}</td><td>${clock(phase.startedAt)}</td><td>${clock(phase.endedAt)}</td><td class="num">${phase.durationSeconds}</td><td class="status-${phase.outcome === 'succeeded' ? 'done' : 'failed'}">${escape(phase.outcome)}${phase.error === null ? '' : `: ${escape(phase.error)}`}</td><td>${escape(phase.states.map((state) => (state.runs > 1 ? `${state.state} ×${state.runs}` : state.state)).join(', '))}</td></tr>`,
    )
    .join('\n');
  return `<h2 id="timeline">Timeline by phase (drawn to scale, ${zone}, UTC)</h2>
${chart(rows, origin, end, 'timeline phases')}
${more}
<table><thead><tr><th>Phase</th><th>Start</th><th>End</th><th class="num">Seconds</th><th>Outcome</th><th>Workflow states</th></tr></thead><tbody>
${table}</tbody></table>`;
}

function resourcesSection(report: FailoverReport): string {
  const title = '<h2 id="resources">What was done and what was not</h2>';
  if (report.resources === null) {
    if (report.phases.length === 0)
      return `${title}<p>The run did not reach any resource: nothing was changed.</p>`;
    return `${title}<p>The failover record was not read: each kind as the execution state summarises it.</p>
<table><thead><tr><th>Phase</th><th>Kind</th><th>Done</th><th class="num">Pending</th><th>Summary</th></tr></thead><tbody>
${report.phases.map((phase) => `<tr><td>${phase.phase}</td><td>${escape(phase.kind)}</td><td>${phase.done ? 'yes' : 'no'}</td><td class="num">${phase.pending} of ${phase.total}</td><td>${escape(phase.message)}</td></tr>`).join('\n')}
</tbody></table>`;
  }
  if (report.resources.length === 0)
    return `${title}<p>The run did not reach any resource: nothing was changed.</p>`;
  const resources = report.resources;
  const done = resources.filter((resource) => !/^not-/.test(resource.status)).length;
  const table = `<table><thead><tr><th>Kind</th><th>Resource</th><th>Status</th><th>What happened</th></tr></thead><tbody>
${resources.map((resource) => `<tr><td>${escape(resource.noun)}</td><td><code>${escape(resource.label)}</code></td><td class="status-${escape(resource.status)}">${escape(resource.status)}</td><td>${escape(resource.detail)}</td></tr>`).join('\n')}
</tbody></table>`;
  const intro = `<p>${done} of ${resources.length} resources ${report.dryRun === true ? 'checked (dry run: nothing was changed)' : 'through their change'}.</p>`;
  if (resources.length <= FOLD_LIST_ABOVE) return `${title}${intro}${table}`;
  // Many resources: a count per kind and status first, every resource on demand.
  const counts = new Map<string, number>();
  for (const resource of resources) {
    const key = `${resource.noun}\u0000${resource.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const summary = [...counts]
    .map(([key, count]) => {
      const [noun = '', status = ''] = key.split('\u0000');
      return `<tr><td>${escape(noun)}</td><td class="status-${escape(status)}">${escape(status)}</td><td class="num">${count}</td></tr>`;
    })
    .join('\n');
  return `${title}${intro}
<table><thead><tr><th>Kind</th><th>Status</th><th class="num">Resources</th></tr></thead><tbody>
${summary}</tbody></table>
<details><summary>Every resource (${resources.length})</summary>${table}</details>`;
}

/** Above this many lines, a list or table shows a summary and folds its rows into <details>. */
const FOLD_LIST_ABOVE = 20;

function wouldDoSection(report: FailoverReport): string {
  if (report.dryRun !== true) return '';
  return `<h2 id="would-do">What the dry run would have done</h2>
<div class="callout">A dry run reads and changes nothing: each step said what it would do.</div>
${report.wouldDo.length === 0 ? '<p>Nothing: no step reached a resource.</p>' : `<ul class="plain">${report.wouldDo.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>`}`;
}

function rpoSection(report: FailoverReport): string {
  const { rpo } = report;
  const gate = report.gateRan
    ? 'The gate ran (read-only checks before any change).'
    : 'The run did not reach the gate: no lag was read, nothing was checked before a change.';
  if (rpo.databases.length === 0) {
    return `<h2 id="rpo">RPO: replica lag at promotion</h2><p>${escape(gate)} ${
      report.gateRan ? 'No replica lag was recorded.' : ''
    }</p>`;
  }
  const scale = Math.max(
    1,
    rpo.objectiveSeconds ?? 0,
    ...rpo.databases.map((db) => Math.max(db.lagSeconds ?? 0, db.maxLagSeconds ?? 0)),
  );
  const barWidth = 260;
  const rows = rpo.databases
    .map((db) => {
      const lag = db.lagSeconds ?? 0;
      const w = (lag / scale) * barWidth;
      const limit =
        db.maxLagSeconds === null
          ? ''
          : `<line class="objective" x1="${px((db.maxLagSeconds / scale) * barWidth)}" x2="${px((db.maxLagSeconds / scale) * barWidth)}" y1="0" y2="16"/>`;
      const over = db.maxLagSeconds !== null && lag > db.maxLagSeconds;
      return `<tr><td><code>${escape(db.replica)}</code></td><td class="num">${escape(seconds(db.lagSeconds))}</td><td class="num">${escape(seconds(db.maxLagSeconds))}</td><td><svg width="${barWidth + 4}" height="16" viewBox="0 0 ${barWidth + 4} 16"><rect class="bar ${over ? 'failed' : 'succeeded'}" x="0" y="3" width="${px(w)}" height="10"/>${limit}</svg></td><td>${escape(db.message ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<h2 id="rpo">RPO: replica lag at promotion</h2>
<p>${escape(gate)} Highest lag ${escape(seconds(rpo.estimateSeconds))} against objective ${escape(seconds(rpo.objectiveSeconds))}${verdictSpan(rpo.met)}.</p>
${(() => {
  const table = `<table><thead><tr><th>Replica</th><th class="num">Lag</th><th class="num">Max lag</th><th>Lag against max (dashed)</th><th>Note</th></tr></thead><tbody>
${rows}</tbody></table>`;
  if (rpo.databases.length <= FOLD_LIST_ABOVE) return table;
  const over = rpo.databases.filter(
    (db) => db.maxLagSeconds !== null && (db.lagSeconds ?? 0) > db.maxLagSeconds,
  );
  return `<p>${rpo.databases.length} databases; ${over.length} above their max lag.</p><details><summary>Every database (${rpo.databases.length})</summary>${table}</details>`;
})()}`;
}

function endStateSection(report: FailoverReport): string {
  const title =
    report.endState?.source === 'failover-record'
      ? 'Final state of each resource (read back)'
      : report.source === 'local'
        ? 'End state of the simulated cloud'
        : 'Final state of the resources';
  const lines = report.endState?.lines ?? [];
  const list = `<ul class="plain">${lines.map((line) => `<li><code>${escape(line)}</code></li>`).join('')}</ul>`;
  return `<h2 id="end-state">${title}</h2>${
    lines.length === 0
      ? '<p>Not known: the run left no record of its resources.</p>'
      : lines.length <= FOLD_LIST_ABOVE
        ? list
        : `<details><summary>${lines.length} resources</summary>${list}</details>`
  }
<h2 id="notifications">Notifications sent</h2>${
    report.notifications.length === 0
      ? '<p>None.</p>'
      : `<ul class="plain">${report.notifications.map((note) => `<li>${escape(`${note.time === null ? '' : `${clock(note.time)} `}${note.subject}`)}</li>`).join('')}</ul>`
  }`;
}

function trendSection(report: FailoverReport, trend: readonly TrendRow[]): string {
  if (trend.length < 2) return '';
  const phases = (['detect', 'decide', 'confirm', 'gate', 'approve', 'recover', 'route'] as const).filter(
    (id) => trend.some((row) => row.phases[id] !== undefined),
  );
  const cell = (value: number | null | undefined) =>
    `<td class="num">${value === null || value === undefined ? '–' : `${value} s`}</td>`;
  const rows = trend
    .map(
      (row) =>
        `<tr${row.current ? ' class="current"' : ''}><td>${escape(row.executionName)}${row.current ? ' (this run)' : ''}</td><td>${escape(row.startedAt)}</td><td>${escape(row.outcome)}${row.dryRun === true ? ' (dry run)' : ''}</td>${cell(row.rtoSeconds)}${cell(row.rpoSeconds)}${cell(row.detectionSeconds)}${phases.map((id) => cell(row.phases[id])).join('')}</tr>`,
    )
    .join('\n');
  const measured = trend.filter((row) => row.rtoSeconds !== null);
  const max = Math.max(1, report.rto.objectiveSeconds ?? 0, ...measured.map((row) => row.rtoSeconds ?? 0));
  const barWidth = 28;
  const chartHeight = 90;
  const bars = trend
    .map((row, i) => {
      const h = ((row.rtoSeconds ?? 0) / max) * chartHeight;
      return `<rect class="bar ${row.rtoSeconds === null ? 'running' : 'succeeded'}" x="${i * (barWidth + 8)}" y="${px(chartHeight - h)}" width="${barWidth}" height="${px(h)}"><title>${escape(`${row.executionName}: RTO ${row.rtoSeconds ?? 'n/a'}`)}</title></rect>`;
    })
    .join('');
  const objective =
    report.rto.objectiveSeconds === null
      ? ''
      : `<line class="objective" x1="0" x2="${trend.length * (barWidth + 8)}" y1="${px(chartHeight - (report.rto.objectiveSeconds / max) * chartHeight)}" y2="${px(chartHeight - (report.rto.objectiveSeconds / max) * chartHeight)}"/>`;
  return `<h2 id="trend">Trend across drills of ${escape(report.plan?.name ?? 'this plan')}</h2>
<p>From the earlier reports of this plan in the report directory (RTO per run; dashed: the objective).</p>
<svg class="trend-chart" width="${trend.length * (barWidth + 8)}" height="${chartHeight + 2}" viewBox="0 0 ${trend.length * (barWidth + 8)} ${chartHeight + 2}">${bars}${objective}</svg>
<table class="trend"><thead><tr><th>Run</th><th>Started</th><th>Outcome</th><th class="num">RTO</th><th class="num">RPO</th><th class="num">Detection</th>${phases.map((id) => `<th class="num">${id}</th>`).join('')}</tr></thead><tbody>
${rows}</tbody></table>`;
}

/** The whole HTML document; `trend` the earlier drills of the plan and this one (oldest first). */
export function renderHtml(report: FailoverReport, trend: readonly TrendRow[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(`Failover report: ${report.executionName}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${header(report)}
${cards(report)}
${rtoSection(report)}
${wouldDoSection(report)}
${timelineSection(report)}
${resourcesSection(report)}
${rpoSection(report)}
${endStateSection(report)}
${trendSection(report, trend)}
<footer>failover-orchestrator · the facts of this report are in its JSON sibling · ${report.steps.length} workflow state rows folded into ${report.timeline.length} phases</footer>
</body>
</html>
`;
}
