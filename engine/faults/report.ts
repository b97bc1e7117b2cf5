import type { LambdaMatrixRow } from './lambda-matrix.js';
import type { MatrixReport, MatrixRow } from './matrix.js';

/** Plain-text rendering of a fault matrix for `npm run faults`. */

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function notifiedText(row: MatrixRow | LambdaMatrixRow): string {
  if (row.verdict === 'sns-down')
    return 'state' in row.case ? 'impossible: notify down' : 'impossible: SNS down';
  if (row.notified) return 'yes';
  return row.outcome === 'ignored' || row.outcome === 'duplicate' ? 'n/a' : 'NO';
}

function terminalText(row: MatrixRow | LambdaMatrixRow): string {
  const error = row.error === undefined ? '' : ` ${row.error}`;
  const step = row.failedStep === undefined ? '' : ` @ ${row.failedStep}`;
  return `${row.outcome}${error}${step}`;
}

export function formatMatrixRows(rows: readonly MatrixRow[]): string {
  return table(
    ['operation', 'fault', 'duration', 'terminal state', 'notified?', 'silent partial?', 'mutating calls'],
    rows.map((row) => [
      `${row.case.operation.service} ${row.case.operation.region} ${row.case.operation.operation}`,
      row.case.fault,
      row.case.duration,
      terminalText(row),
      notifiedText(row),
      row.verdict === 'silent-partial' ? 'YES' : 'no',
      String(row.mutatingCalls),
    ]),
  );
}

export function formatLambdaRows(rows: readonly LambdaMatrixRow[]): string {
  return table(
    [
      'Task state',
      'Lambda fault',
      'duration',
      'terminal state',
      'notified?',
      'silent partial?',
      'mutating calls',
    ],
    rows.map((row) => [
      row.case.state,
      row.case.fault,
      row.case.duration,
      terminalText(row),
      notifiedText(row),
      row.verdict === 'silent-partial' ? 'YES' : 'no',
      String(row.mutatingCalls),
    ]),
  );
}

export function formatLambdaViolations(rows: readonly LambdaMatrixRow[]): string {
  return rows
    .map((row) => {
      const { state, fault, duration } = row.case;
      return [
        `${state} × ${fault} (${duration}): ${row.verdict}`,
        ...row.problems.map((p) => `  - ${p}`),
      ].join('\n');
    })
    .join('\n');
}

export function formatMatrixTotals(report: MatrixReport): string {
  const { totals } = report;
  const failedNotified = [...report.rows, ...report.lambdaRows].filter(
    (row) => row.verdict === 'notified',
  ).length;
  return [
    `operations under fault: ${report.operations.length} (from the call log of a fault-free replay)`,
    `Task states under Lambda faults: ${report.taskStates.length} (from the same replay)`,
    `scenarios: ${totals.scenarios} (${report.lambdaRows.length} of them Lambda faults), not applicable: ${totals.notApplicable}`,
    `succeeded: ${totals.succeeded}`,
    `failed or aborted, notified: ${failedNotified}`,
    `notification impossible (SNS or the notify function down): ${totals['sns-down']}`,
    `silent partial state: ${totals['silent-partial']}`,
    `no notification, nothing changed: ${totals.unnotified}`,
    `wall time: ${report.wallMs} ms`,
  ].join('\n');
}

/** The problems of every scenario that broke the rule, one block per scenario. */
export function formatViolations(rows: readonly MatrixRow[]): string {
  return rows
    .map((row) => {
      const { operation, fault, duration } = row.case;
      const title = `${operation.service} ${operation.region} ${operation.operation} × ${fault} (${duration}): ${row.verdict}`;
      return [title, ...row.problems.map((problem) => `  - ${problem}`)].join('\n');
    })
    .join('\n');
}

export function formatNotApplicable(report: MatrixReport): string {
  return report.notApplicable
    .map(({ operation, fault }) => `${operation.service} ${operation.operation} × ${fault}`)
    .join(', ');
}
