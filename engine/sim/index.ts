export {
  createSimulatedCloud,
  DEFAULT_LATENCY_MS,
  SimulatedCloud,
  type CloudSnapshot,
  type SimulatedCloudOptions,
} from './cloud.js';
export type { CriticalPath, CriticalPathItem } from './critical-path.js';
export {
  DEFAULT_START_TIME,
  FAULT_KINDS,
  loadScenario,
  MODELED_OPERATIONS,
  parseScenario,
  scenarioSchema,
  ScenarioValidationError,
  type ApprovalBehaviour,
  type FaultKind,
  type Scenario,
  type ScenarioIssue,
  type SimulatedService,
} from './scenario.js';
export { MUTATING_OPERATIONS, SimulationNotModeledError, type CallRecord } from './transport.js';
export type { AlarmSnapshot } from './cloudwatch.js';
export type {
  KindScenarioSections,
  KindSnapshotSections,
  SimulatedKind,
  SimulatedKindModel,
} from './kind-model.js';
export { SIMULATED_KINDS } from './kinds.js';
export { WORKFLOW_SERVICES } from './services.js';
export type { PublishedMessage } from './sns.js';
export type { PlainItem, TableDefinition } from './dynamodb.js';
export { stateMachineArnOf, type ExecutionSnapshot, type ExecutionStatus, type WaitingTask } from './sfn.js';
export { callerExecution, runAsExecution, setSoleExecution } from './execution-context.js';
