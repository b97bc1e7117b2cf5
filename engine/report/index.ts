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
  RTO_PART_TITLES,
  type RtoPart,
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
export {
  GANTT_DATE_FORMAT,
  GANTT_RESOURCES_PER_KIND,
  renderGantt,
  renderMarkdown,
  rtoText,
} from './markdown.js';
export { renderHtml, TIMELINE_WIDTH } from './html.js';
export {
  PHASE_IDS,
  PHASE_TITLES,
  phaseOfState,
  timelinePhases,
  type PhaseId,
  type TimelinePhase,
} from './phases.js';
export { readTrend, trendRow, type TrendRow } from './trend.js';
export { DEFAULT_REPORT_DIR, writeReport, type WrittenReport } from './write-report.js';
export { parseReplayResult } from './replay-file.js';
