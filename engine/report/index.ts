export {
  asWorkflowState,
  recordFromReplay,
  type ExecutionOutcome,
  type ExecutionRecord,
  type ExecutionStep,
  type StepOutcome,
} from './execution-record.js';
export {
  buildFailoverReport,
  type DatabaseLag,
  type FailoverReport,
  type GateRecordLook,
  type ObjectiveVerdict,
  type PhaseSummary,
  type ReportStep,
} from './failover-report.js';
export {
  resourceOutcomes,
  runRecordFromTables,
  type KindRunRecord,
  type ResourceOutcome,
  type RunRecord,
} from './run-record.js';
export { causeText, failureOf, itemLabel, parseJson, recordFromHistory } from './history.js';
export { GANTT_DATE_FORMAT, renderGantt, renderMarkdown } from './markdown.js';
export { DEFAULT_REPORT_DIR, writeReport, type WrittenReport } from './write-report.js';
export { parseReplayResult } from './replay-file.js';
