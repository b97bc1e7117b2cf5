export { discoverOperations, operationKey, operationsOf, type WorkflowOperation } from './operations.js';
export { observeReplay, type ObservedReplay } from './observed-replay.js';
export {
  FAULT_DURATIONS,
  MATRIX_FAULTS,
  matrixCases,
  runFaultMatrix,
  lambdaViolations,
  totalsOf,
  violations,
  type FaultDuration,
  type MatrixCase,
  type MatrixFault,
  type MatrixReport,
  type MatrixRow,
  type NotApplicable,
} from './matrix.js';
export {
  judgeReplay,
  notificationKind,
  originalFailure,
  VERDICTS,
  type ScenarioVerdict,
  type Verdict,
} from './verdict.js';
export { duplicatePromotions, invariantViolations, parametersAtUnpromotedReplicas } from './invariants.js';
export {
  LAMBDA_FAULT_DURATIONS,
  lambdaMatrixCases,
  runLambdaMatrix,
  taskStatesRun,
  type LambdaFaultDuration,
  type LambdaMatrixCase,
  type LambdaMatrixRow,
} from './lambda-matrix.js';
export {
  formatLambdaRows,
  formatLambdaViolations,
  formatMatrixRows,
  formatMatrixTotals,
  formatNotApplicable,
  formatViolations,
} from './report.js';
export { severalOfEachKind } from './plans.js';
