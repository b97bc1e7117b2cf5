import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { expect } from 'vitest';
import type { AwsService, ClientInterceptor } from '../../functions/common/aws-clients.js';

/** One HTTP request sent by a client of functions/common/aws-clients.ts (a step's own client). */
export interface StepCall {
  readonly service: AwsService;
  readonly region: string;
  /** SDK command, e.g. `PromoteReadReplicaCommand`. */
  readonly command: string;
  /** Where the request went: `http://127.0.0.1:<port>` for moto. */
  readonly origin: string;
}

/** The requests of the current test file (vitest isolates modules per file). */
export const stepCalls: StepCall[] = [];

/**
 * Which contract file sends each SDK command the step code uses, through the steps' own clients.
 * sdk-calls.contract.ts checks this table against the commands in functions/; each file checks
 * that it really sent its commands to moto.
 */
export const CONTRACT_FILE_OF_COMMAND = {
  DescribeDBInstancesCommand: 'database',
  PromoteReadReplicaCommand: 'database',
  GetMetricDataCommand: 'database',
  DescribeAlarmsCommand: 'confirm-outage',
  DescribeAutoScalingGroupsCommand: 'scaling',
  UpdateAutoScalingGroupCommand: 'scaling',
  GetParameterCommand: 'parameters',
  PutParameterCommand: 'parameters',
  PublishCommand: 'notify',
  GetItemCommand: 'failover-lock',
  UpdateItemCommand: 'failover-lock',
  DescribeExecutionCommand: 'failover-lock',
  StopExecutionCommand: 'failover-lock',
  GetParametersCommand: 'readiness-check',
  GetTopicAttributesCommand: 'readiness-check',
  DescribeStateMachineCommand: 'readiness-check',
  PutMetricDataCommand: 'readiness-check',
  GetExecutionHistoryCommand: 'write-report',
  PutObjectCommand: 'write-report',
  SendCommandCommand: 'run-command',
  GetCommandInvocationCommand: 'run-command',
  DescribeInstanceInformationCommand: 'run-command',
  DescribeGlobalClustersCommand: 'aurora-global',
  DescribeDBClustersCommand: 'aurora-global',
  FailoverGlobalClusterCommand: 'aurora-global',
  SwitchoverGlobalClusterCommand: 'aurora-global',
  // Sent by `failover approve|decline` and the local approver; reached by the steps' graph only
  // through type imports (engine/report → engine/runner), exercised all the same.
  SendTaskSuccessCommand: 'approval',
  SendTaskFailureCommand: 'approval',
  DescribeServicesCommand: 'ecs-service',
  UpdateServiceCommand: 'ecs-service',
  InvokeCommand: 'custom-hook',
  GetFunctionConfigurationCommand: 'custom-hook',
  DescribeGlobalReplicationGroupsCommand: 'elasticache-global',
  DescribeReplicationGroupsCommand: 'elasticache-global',
  FailoverGlobalReplicationGroupCommand: 'elasticache-global',
  StopDBInstanceCommand: 'fencing',
  DescribeDBSnapshotsCommand: 'fencing',
  StartDBInstanceCommand: 'failback',
  ModifyDBInstanceCommand: 'failback',
  CreateDBInstanceReadReplicaCommand: 'failback',
  // moto 5.2.1 does not serve route53-recovery-cluster at all (HTTP 500 for every request): the
  // file checks only where the calls go; the rest is tested on the simulated ARC cluster.
  GetRoutingControlStateCommand: 'arc-routing-control',
  UpdateRoutingControlStatesCommand: 'arc-routing-control',
} as const;

export type StepCommand = keyof typeof CONTRACT_FILE_OF_COMMAND;

/**
 * Which contract file exercises each module under functions/ that sends SDK commands (a command
 * sent from two modules, e.g. DynamoDB's by the lock and by the failover record, needs both
 * tested): the file must reach the module through its imports.
 */
export const CONTRACT_FILE_OF_MODULE = {
  'common/approval-answer.ts': 'approval',
  'common/failover-record.ts': 'failover-record',
  'common/fencing-record.ts': 'fencing',
  'common/plan-notice.ts': 'notify',
  'confirm-outage/confirm-outage.ts': 'confirm-outage',
  'failover-lock/holder-status.ts': 'failover-lock',
  'failover-lock/lock-table.ts': 'failover-lock',
  'failback/failback-steps.ts': 'failback',
  'fence-retry/invoke-fence.ts': 'fencing',
  'kinds/arc-routing-control/cluster.ts': 'arc-routing-control',
  'kinds/aurora-global/aurora.ts': 'aurora-global',
  'kinds/aurora-global/failover.ts': 'aurora-global',
  'kinds/auto-scaling-group/autoscaling.ts': 'scaling',
  'kinds/auto-scaling-group/fence.ts': 'fencing',
  'kinds/auto-scaling-group/failback.ts': 'failback',
  'kinds/custom-hook/invoke-hook.ts': 'custom-hook',
  'kinds/custom-hook/readiness.ts': 'custom-hook',
  'kinds/ecs-service/ecs.ts': 'ecs-service',
  'kinds/ecs-service/runtime.ts': 'ecs-service',
  'kinds/ecs-service/scale-service.ts': 'ecs-service',
  'kinds/dns-flag/flag-alarm.ts': 'dns-flag',
  'kinds/auto-scaling-group/prewarm.ts': 'scaling',
  'kinds/elasticache-global/elasticache.ts': 'elasticache-global',
  'kinds/elasticache-global/fail-over.ts': 'elasticache-global',
  'kinds/elasticache-global/replication-lag.ts': 'elasticache-global',
  'kinds/auto-scaling-group/scale-group.ts': 'scaling',
  'kinds/rds-replica/promote-replica.ts': 'database',
  'kinds/rds-replica/rds.ts': 'database',
  'kinds/rds-replica/fence.ts': 'fencing',
  'kinds/rds-replica/reprotect.ts': 'failback',
  'kinds/lag-gate.ts': 'database',
  'kinds/run-command.ts': 'run-command',
  'kinds/ssm-parameter/readiness.ts': 'readiness-check',
  'kinds/ssm-parameter/repoint-parameters.ts': 'parameters',
  'kinds/ssm-parameter/failback.ts': 'failback',
  'notify/notification-record.ts': 'notify',
  'readiness-check/readiness-metric.ts': 'readiness-check',
  'readiness-check/resource-checks.ts': 'readiness-check',
  'write-report/write-report.ts': 'write-report',
} as const;

export type ContractFile =
  | (typeof CONTRACT_FILE_OF_COMMAND)[keyof typeof CONTRACT_FILE_OF_COMMAND]
  | (typeof CONTRACT_FILE_OF_MODULE)[keyof typeof CONTRACT_FILE_OF_MODULE];

const hasUrl = (request: unknown): request is { protocol: string; hostname: string; port?: number } =>
  typeof request === 'object' && request !== null && 'hostname' in request && 'protocol' in request;

/** Records every request of every step client, after endpoint resolution: where it really went. */
export const recordStepCalls: ClientInterceptor = (client, settings) => {
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
  const record: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => (args) => {
    const request = args.request;
    const origin = hasUrl(request)
      ? `${request.protocol}//${request.hostname}:${request.port ?? ''}`
      : 'unknown';
    stepCalls.push({
      service: settings.service,
      region: settings.region,
      command: context.commandName ?? '?',
      origin,
    });
    return next(args);
  };
  stack.add(record, { step: 'finalizeRequest', name: 'contractStepCallRecorder', override: true });
};

/**
 * Asserts that the steps sent `file`'s commands, and `alsoSent` (commands another file owns that
 * this file's step sends too), and only to the moto server.
 */
export function expectStepCommandsSentToMoto(
  file: ContractFile,
  endpoint: string,
  alsoSent: readonly StepCommand[] = [],
): void {
  const expected = Object.entries(CONTRACT_FILE_OF_COMMAND)
    .filter(([, owner]) => owner === file)
    .map(([command]) => command)
    .concat(alsoSent);
  const sent = new Set(stepCalls.map((call) => call.command));
  expect([...sent]).toEqual(expect.arrayContaining(expected));
  expect(new Set(stepCalls.map((call) => call.origin))).toEqual(new Set([endpoint]));
}
