// The package's main entry (`import { FailoverOrchestrator } from 'failover-orchestrator'`):
// the construct, its stack, the alarm-forwarding stack and the plan helpers. The subpaths
// `failover-orchestrator/alarm-forwarding` and `failover-orchestrator/plan` export parts of it.
export {
  FailoverOrchestrator,
  FailoverOrchestratorPropsError,
  type FailoverOrchestratorProps,
} from './failover-orchestrator.js';
export {
  FailoverOrchestratorStack,
  type FailoverOrchestratorStackProps,
} from './failover-orchestrator-stack.js';
export {
  AlarmForwardingStack,
  alarmForwardingRegions,
  ROUTE53_METRICS_REGION,
  type AlarmForwardingStackProps,
  type HealthCheckAlarmSpec,
} from './alarm-forwarding.js';
export { KindAlarms, KindHealthChecks, kindAlarmSpecs, kindHealthCheckSpecs } from './kind-alarms.js';
export type { KindHealthChecksProps } from './kind-alarms.js';
export * from './plan-file.js';
