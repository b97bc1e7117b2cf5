import type { Plan } from '../../functions/common/plan.js';
import { cycleCloud, runFailbackCycle, type CycleResult } from '../failback/cycle.js';
import type { Scenario } from '../sim/index.js';
import { matrixCases, totalsOf, type MatrixCase, type MatrixReport, type NotApplicable } from './matrix.js';
import { operationsOf, type WorkflowOperation } from './operations.js';
import type { Verdict } from './verdict.js';

/**
 * The fault matrix on the failback path (issue 10, must-show 4, `npm run faults -- --direction
 * failback`): the whole cycle replayed once per (AWS operation the failback leg calls) × fault ×
 * duration, the fault injected into the failback leg only (from that operation's first, or last,
 * call of the healthy failback on: the failover and the fencing before it run unharmed), each
 * ending judged by the same rule as the failover's:
 * - `succeeded`: the failback succeeded, the shape is back and the success notice went out;
 * - `notified`: refused or failed, and its last notice is the refusal or the failure notice, which
 *   tells the truth about frozen writes;
 * - `sns-down`: the final notice could not be published (SNS Publish was the fault);
 * - `silent-partial`: something was changed and no final notice says so, or a success was
 *   announced with the shape not restored, or writes left frozen with a notice saying otherwise;
 * - `unnotified`: nothing changed and no final notice.
 */

export interface FailbackMatrixRow {
  readonly case: MatrixCase;
  readonly verdict: Verdict;
  readonly outcome: string;
  readonly error: string | undefined;
  readonly lastNotice: string | undefined;
  readonly mutatingCalls: number;
  readonly problems: readonly string[];
}

export interface FailbackMatrixReport {
  readonly operations: readonly WorkflowOperation[];
  readonly rows: readonly FailbackMatrixRow[];
  readonly notApplicable: readonly NotApplicable[];
  readonly totals: MatrixReport['totals'];
  readonly wallMs: number;
}

/** The failback leg's operations in a healthy cycle (call numbers count over the whole cloud). */
export async function failbackOperations(
  plan: Plan,
): Promise<{ operations: WorkflowOperation[]; healthy: CycleResult }> {
  const cloud = cycleCloud(plan);
  const healthy = await runFailbackCycle(plan, { cloud });
  if (healthy.differences.length > 0)
    throw new Error(
      `the fault-free cycle did not restore the shape (${healthy.differences.join('; ')}): fix that before running the fault matrix`,
    );
  const arn = healthy.failback?.executionArn;
  return { operations: operationsOf(cloud.calls.filter((call) => call.executionArn === arn)), healthy };
}

/** Faults start at the failback leg: a persistent fault runs from the operation's first call in it on. */
function failbackScenario(matrixCase: MatrixCase): Scenario {
  const rule = matrixCase.scenario.faults?.[0];
  if (rule === undefined || rule.calls !== 'all') return matrixCase.scenario;
  const { service, operation, region, error } = rule;
  return {
    faults: [
      {
        service,
        operation,
        error,
        from: matrixCase.operation.firstCallNumber,
        ...(region !== undefined ? { region } : {}),
      },
    ],
  };
}

export function judgeFailback(
  plan: Plan,
  cycle: CycleResult,
  snsFault = false,
): Omit<FailbackMatrixRow, 'case'> {
  const failback = cycle.failback;
  const problems: string[] = [];
  const last = cycle.notices.at(-1);
  const finalNotice = last !== undefined && /succeeded|refused|FAILED/.test(last) && !/started$/.test(last);
  const mutatingCalls = failback?.mutatingCalls ?? 0;
  const outcome = failback?.outcome ?? 'not run';
  const error = failback?.error?.error;
  const published =
    cycle.after.notifications.filter((notice) => notice.subject === last).at(-1)?.message ?? '';
  const freeze = plan.failback.freezeParameter;
  const frozen = freeze !== undefined && cycle.after.parameters[freeze.name]?.value === freeze.frozenValue;
  if (failback === null)
    problems.push(`the failover before the failback did not succeed: ${cycle.differences.join('; ')}`);
  let verdict: Verdict;
  if (outcome === 'succeeded' && cycle.differences.length === 0 && last?.endsWith('succeeded') === true)
    verdict = 'succeeded';
  else if (outcome === 'succeeded') {
    verdict = 'silent-partial';
    problems.push(`announced a success with the shape not restored: ${cycle.differences.join('; ')}`);
  } else if (finalNotice) {
    verdict = 'notified';
    if (frozen && !/STILL FROZEN/.test(published)) {
      verdict = 'silent-partial';
      problems.push(`writes are left frozen (${freeze.name}) and the notice does not say so`);
    }
  } else if (snsFault) {
    verdict = 'sns-down';
  } else {
    verdict = mutatingCalls > 0 ? 'silent-partial' : 'unnotified';
    problems.push(
      `ended ${outcome} (${error ?? 'no error'}) with no final notice${mutatingCalls > 0 ? ` after ${mutatingCalls} mutating calls` : ''}`,
    );
  }
  return { verdict, outcome, error, lastNotice: last, mutatingCalls, problems };
}

export async function runFailbackFaultMatrix(
  plan: Plan,
  options: { durations?: readonly string[] } = {},
): Promise<FailbackMatrixReport> {
  const started = performance.now();
  const { operations } = await failbackOperations(plan);
  const { cases, notApplicable } = matrixCases(operations);
  const rows: FailbackMatrixRow[] = [];
  for (const matrixCase of cases.filter(
    (candidate) => options.durations?.includes(candidate.duration) ?? true,
  )) {
    const cycle = await runFailbackCycle(plan, { scenario: failbackScenario(matrixCase) });
    rows.push({ ...judgeFailback(plan, cycle, matrixCase.operation.service === 'sns'), case: matrixCase });
  }
  return {
    operations,
    rows,
    notApplicable,
    totals: totalsOf(rows, notApplicable.length),
    wallMs: Math.round(performance.now() - started),
  };
}
