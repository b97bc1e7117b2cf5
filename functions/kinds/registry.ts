import { arcRoutingControlKind } from './arc-routing-control/definition.js';
import { auroraGlobalKind } from './aurora-global/definition.js';
import { autoScalingGroupKind } from './auto-scaling-group/definition.js';
import { customHookKind } from './custom-hook/definition.js';
import { ecsServiceKind } from './ecs-service/definition.js';
import { dnsFlagKind } from './dns-flag/definition.js';
import { elastiCacheGlobalKind } from './elasticache-global/definition.js';
import { postgresReplicaKind } from './postgres-replica/definition.js';
import { proxySwitchKind } from './proxy-switch/definition.js';
import { rdsReplicaKind } from './rds-replica/definition.js';
import { redisSentinelKind } from './redis-sentinel/definition.js';
import { ssmParameterKind } from './ssm-parameter/definition.js';

/**
 * Every resource kind the orchestrator knows, in the order the workflow runs them within a
 * phase and lists them in notices. Adding a kind: a folder under functions/kinds/ and one line
 * here (README, "Adding a resource kind").
 */
export const KINDS = [
  rdsReplicaKind,
  auroraGlobalKind,
  elastiCacheGlobalKind,
  autoScalingGroupKind,
  ecsServiceKind,
  ssmParameterKind,
  postgresReplicaKind,
  redisSentinelKind,
  proxySwitchKind,
  customHookKind,
  dnsFlagKind,
  arcRoutingControlKind,
] as const;

export type Kind = (typeof KINDS)[number];
export type KindId = Kind['id'];
export type PlanKey = Kind['planKey'];
