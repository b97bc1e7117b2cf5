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
  type ObjectiveVerdict,
  type ReportStep,
} from './failover-report.js';
export { causeText, failureOf, itemLabel, parseJson, recordFromHistory } from './history.js';
export { GANTT_DATE_FORMAT, renderGantt, renderMarkdown } from './markdown.js';
export { DEFAULT_REPORT_DIR, writeReport, type WrittenReport } from './write-report.js';
export { parseReplayResult } from './replay-file.js';
