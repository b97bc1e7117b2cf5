import type { Plan } from '../../functions/common/plan.js';
import { faultApplies } from '../sim/faults.js';
import type { FaultKind, Scenario } from '../sim/index.js';
import type { FaultRule } from '../sim/scenario.js';
import { runLambdaMatrix, taskStatesRun, type LambdaMatrixRow } from './lambda-matrix.js';
import { observeReplay } from './observed-replay.js';
import { discoverOperations, type WorkflowOperation } from './operations.js';
import { judgeReplay, type ScenarioVerdict, type Verdict } from './verdict.js';

/**
 * The API faults of the matrix (Lambda's own: lambda-matrix.ts): throttling, 500, 503, a timeout
 * before the call is applied and one after (the response is lost: the caller cannot know the
 * change happened), access denied, not found, invalid state.
 */
export const MATRIX_FAULTS = [
  'throttling',
  'server',
  'unavailable',
  'timeout',
  'timeoutAfterApply',
  'accessDenied',
  'notFound',
  'invalidState',
] as const satisfies readonly FaultKind[];

/** A lost response differs from a plain timeout only where the call changes something. */
const appliesTo = (fault: MatrixFault, operation: WorkflowOperation): boolean =>
  fault !== 'timeoutAfterApply' || operation.mutating;
export type MatrixFault = (typeof MATRIX_FAULTS)[number];

/**
 * `persistent`: every call of the operation fails. `transient`: the first two attempts from the
 * operation's first call in that region fail (the SDK's own retry sees one of them; a Task
 * Retry or the step's own handling the rest), the kind of blip a failover must ride out.
 * `late`: calls fail from the operation's last call of the healthy run on, so an operation the
 * workflow calls more than once (Publish, DescribeDBInstances, GetParameter…) fails only after
 * the cloud has been changed; skipped for operations called once, where it equals `persistent`.
 */
export const FAULT_DURATIONS = ['persistent', 'transient', 'late'] as const;
export type FaultDuration = (typeof FAULT_DURATIONS)[number];

const TRANSIENT_ATTEMPTS = 2;

export interface MatrixCase {
  readonly operation: WorkflowOperation;
  readonly fault: MatrixFault;
  readonly duration: FaultDuration;
  readonly scenario: Scenario;
}

export interface NotApplicable {
  readonly operation: WorkflowOperation;
  readonly fault: MatrixFault;
}

export interface MatrixRow extends ScenarioVerdict {
  readonly case: MatrixCase;
  /** Real milliseconds the replay took. */
  readonly wallMs: number;
}

export interface MatrixReport {
  readonly operations: readonly WorkflowOperation[];
  readonly rows: readonly MatrixRow[];
  /** The Task states a healthy failover runs: each is put under Lambda's own faults. */
  readonly taskStates: readonly string[];
  /** One row per (Task state, Lambda fault, duration). */
  readonly lambdaRows: readonly LambdaMatrixRow[];
  /** (operation, fault) pairs the simulator rejects as meaningless, e.g. invalidState on GetParameter. */
  readonly notApplicable: readonly NotApplicable[];
  readonly totals: Readonly<Record<Verdict, number>> & {
    readonly scenarios: number;
    readonly notApplicable: number;
  };
  readonly wallMs: number;
}

function faultRule(operation: WorkflowOperation, fault: MatrixFault, duration: FaultDuration): FaultRule {
  const where = {
    service: operation.service,
    operation: operation.operation,
    region: operation.region,
    error: fault,
  };
  switch (duration) {
    case 'persistent':
      return { ...where, calls: 'all' };
    case 'transient':
      return { ...where, from: operation.firstCallNumber, count: TRANSIENT_ATTEMPTS };
    case 'late':
      return { ...where, from: operation.lastCallNumber };
  }
}

/** Every (operation, fault, duration) case, and the (operation, fault) pairs that mean nothing. */
export function matrixCases(operations: readonly WorkflowOperation[]): {
  cases: MatrixCase[];
  notApplicable: NotApplicable[];
} {
  const cases: MatrixCase[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const operation of operations) {
    for (const fault of MATRIX_FAULTS) {
      if (!faultApplies(fault, operation.service, operation.operation) || !appliesTo(fault, operation)) {
        notApplicable.push({ operation, fault });
        continue;
      }
      for (const duration of FAULT_DURATIONS) {
        if (duration === 'late' && operation.attempts < 2) continue;
        cases.push({
          operation,
          fault,
          duration,
          scenario: { faults: [faultRule(operation, fault, duration)] },
        });
      }
    }
  }
  return { cases, notApplicable };
}

export function totalsOf(
  rows: readonly Pick<MatrixRow, 'verdict'>[],
  notApplicable: number,
): MatrixReport['totals'] {
  const count = (verdict: Verdict) => rows.filter((row) => row.verdict === verdict).length;
  return {
    scenarios: rows.length,
    succeeded: count('succeeded'),
    notified: count('notified'),
    'sns-down': count('sns-down'),
    'silent-partial': count('silent-partial'),
    unnotified: count('unnotified'),
    notApplicable,
  };
}

/**
 * Runs the fault matrix for one plan and trigger: discovers the operations a healthy failover
 * calls, then replays the failover once per (operation, fault, duration) with that fault
 * injected, and judges each ending. Replays run one after another: each installs the virtual
 * clock and the client interceptor, which are process-wide.
 */
export async function runFaultMatrix(plan: Plan, event: unknown): Promise<MatrixReport> {
  const started = performance.now();
  const { operations, healthy } = await discoverOperations(plan, event);
  const { cases, notApplicable } = matrixCases(operations);
  const rows: MatrixRow[] = [];
  for (const matrixCase of cases) {
    const observed = await observeReplay(plan, event, matrixCase.scenario);
    rows.push({ ...judgeReplay(plan, observed), case: matrixCase, wallMs: observed.result.wallMs });
  }
  const taskStates = await taskStatesRun(plan, healthy);
  const lambdaRows = await runLambdaMatrix(plan, event, taskStates);
  return {
    operations,
    rows,
    taskStates,
    lambdaRows,
    notApplicable,
    totals: totalsOf([...rows, ...lambdaRows], notApplicable.length),
    wallMs: Math.round(performance.now() - started),
  };
}

/** Rows that break the rule: a silent partial state, a missing notification, or a wrong error. */
export const violations = (report: Pick<MatrixReport, 'rows'>): MatrixRow[] =>
  report.rows.filter((row) => row.problems.length > 0);

/** Lambda fault rows that break the same rule. */
export const lambdaViolations = (report: Pick<MatrixReport, 'lambdaRows'>): LambdaMatrixRow[] =>
  report.lambdaRows.filter((row) => row.problems.length > 0);
