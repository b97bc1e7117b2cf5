import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { Plan } from '../functions/common/plan.js';
import type { FailoverStepId } from './failover-steps.js';

/**
 * Actions that have no resource-level permissions: IAM accepts only `Resource: "*"` for them
 * (Service Authorization Reference, "Resource types" column empty). Every `"*"` the orchestrator
 * grants is for one of these; the infra IAM test holds the same list.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  'cloudwatch:GetMetricData',
  // Readiness check; granted only with the condition cloudwatch:namespace = READINESS_NAMESPACE.
  'cloudwatch:PutMetricData',
  'autoscaling:DescribeAutoScalingGroups',
  // Active tracing (Lambda functions and the state machine).
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Vended log delivery of the state machine (logging level ALL).
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
] as const;

/**
 * The state machine's permissions: invoke the step functions (unqualified ARNs, as the ASL names
 * them: no `:*` for versions and aliases), deliver its logs, and trace. The log delivery
 * statement follows the CloudWatch Logs guide: the delivery actions take only "*", the resource
 * policy and log group actions are scoped to the account and region.
 */
export function stateMachineStatements(stack: Stack, functionArns: string[]): PolicyStatement[] {
  const logsInThisAccount = stack.formatArn({
    service: 'logs',
    resource: '*',
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
  return [
    new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }),
    new PolicyStatement({
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
      ],
      resources: ['*'],
    }),
    new PolicyStatement({
      actions: ['logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
      resources: [logsInThisAccount],
    }),
    new PolicyStatement({
      actions: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      resources: ['*'],
    }),
  ];
}

/** The cdk-nag findings `stateMachineStatements` causes by design, acknowledged one by one. */
export function acknowledgeStateMachineRole(role: Role): void {
  const stack = Stack.of(role);
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only for actions without resource-level permissions: the CloudWatch Logs delivery actions ' +
      '(Create/Get/Update/Delete/ListLogDeliveries) and X-Ray tracing (PutTraceSegments, ' +
      'PutTelemetryRecords, GetSamplingRules, GetSamplingTargets).',
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${account}:*]`,
    reason:
      'Logging level ALL: Step Functions sets up log delivery, which may update the account CloudWatch ' +
      'Logs resource policy and list log groups; scoped to this account and region.',
  });
}

/**
 * The namespace the readiness check publishes `Readiness` to (functions/readiness-check/readiness-metric.ts
 * READINESS_NAMESPACE; the infra test checks they agree). Kept here, not imported: importing the
 * handler module would load the AWS SDK into every synth.
 */
export const READINESS_NAMESPACE = 'FailoverOrchestrator';

/**
 * `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:*`: every execution of
 * the failover state machine. Built from the name, not from the state machine's ARN token: the
 * state machine invokes the lock function, so the lock role referencing the state machine would
 * be a dependency cycle.
 */
export function stateMachineExecutionsArn(stack: Stack, stateMachineName: string): string {
  return stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The ARNs of the plan's resources, as the steps' IAM policies name them. */
export class PlanResourceArns {
  public constructor(
    private readonly plan: Plan,
    private readonly stack: Stack,
  ) {}

  /** `arn:aws:cloudwatch:<alarm region>:<account>:alarm:<name>` for every trigger alarm. */
  public alarms(): string[] {
    return this.plan.triggers.alarms.map((alarm) =>
      this.stack.formatArn({
        service: 'cloudwatch',
        region: alarm.region,
        resource: 'alarm',
        resourceName: alarm.name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
  }

  /** `arn:aws:rds:<recoveryRegion>:<account>:db:<replica>` for every database. */
  public replicas(): string[] {
    return this.plan.databases.map((database) =>
      this.stack.formatArn({
        service: 'rds',
        region: this.plan.recoveryRegion,
        resource: 'db',
        resourceName: database.replica,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
  }

  /**
   * Auto Scaling group ARNs carry a generated UUID (`autoScalingGroup:<uuid>:autoScalingGroupName/<name>`)
   * that is unknown until the group exists, so the UUID is the one wildcard; the name is exact.
   */
  public scalingGroups(): string[] {
    return this.plan.scalingGroups.map((group) =>
      this.stack.formatArn({
        service: 'autoscaling',
        region: this.plan.recoveryRegion,
        resource: 'autoScalingGroup',
        resourceName: `*:autoScalingGroupName/${group.name}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
  }

  /** `arn:aws:ssm:<recoveryRegion>:<account>:parameter/<name without the leading slash>`. */
  public parameters(): string[] {
    return this.plan.parameters.map((parameter) =>
      this.stack.formatArn({
        service: 'ssm',
        region: this.plan.recoveryRegion,
        resource: 'parameter',
        resourceName: parameter.name.replace(/^\//, ''),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
  }
}

function allow(actions: string[], resources: string[]): PolicyStatement[] {
  return resources.length === 0 ? [] : [new PolicyStatement({ actions, resources })];
}

const describeScalingGroups = (): PolicyStatement[] =>
  allow(['autoscaling:DescribeAutoScalingGroups'], ['*']);

/** What the orchestrator itself creates (or imports from the plan), as the policies name it. */
export interface OrchestratorResourceArns {
  /** The notification topic. */
  readonly topic: string;
  /** The failover lock table. */
  readonly lockTable: string;
  /** Every execution of the failover state machine (`stateMachineExecutionsArn`). */
  readonly executions: string;
}

/**
 * What each step may do, and on what: only its own API calls, only on the plan's resources.
 * A plan without databases (or groups, or parameters) grants nothing for them.
 */
export function stepPolicyStatements(
  step: FailoverStepId,
  arns: PlanResourceArns,
  own: OrchestratorResourceArns,
): PolicyStatement[] {
  const topicArn = own.topic;
  switch (step) {
    case 'validate-trigger':
      return [];
    case 'failover-lock':
      // functions/failover-lock: GetItem (consistent read) and conditional UpdateItem on the lock
      // item; DescribeExecution of the holder, StopExecution of a preempted dry-run drill (both are
      // executions of this state machine); Publish of a refusal.
      return [
        ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [own.lockTable]),
        ...allow(['states:DescribeExecution', 'states:StopExecution'], [own.executions]),
        ...allow(['sns:Publish'], [topicArn]),
      ];
    case 'confirm-outage':
      return allow(['cloudwatch:DescribeAlarms'], arns.alarms());
    case 'read-replica-lag':
      return [
        // The step reads ReplicaLag with GetMetricData only (GetMetricStatistics is not called).
        ...allow(['cloudwatch:GetMetricData'], arns.replicas().length ? ['*'] : []),
        ...allow(['rds:DescribeDBInstances'], arns.replicas()),
      ];
    case 'promote-replica':
      return allow(['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], arns.replicas());
    case 'check-promotion':
      return allow(['rds:DescribeDBInstances'], arns.replicas());
    case 'scale-group':
      return [
        ...allow(['autoscaling:UpdateAutoScalingGroup'], arns.scalingGroups()),
        ...(arns.scalingGroups().length ? describeScalingGroups() : []),
      ];
    case 'check-group-capacity':
      return arns.scalingGroups().length ? describeScalingGroups() : [];
    case 'repoint-parameters':
      return allow(['ssm:GetParameter', 'ssm:PutParameter'], arns.parameters());
    case 'notify':
      // Reads back what was and was not done, for the message; never changes anything.
      return [
        ...allow(['sns:Publish'], [topicArn]),
        ...allow(['rds:DescribeDBInstances'], arns.replicas()),
        ...(arns.scalingGroups().length ? describeScalingGroups() : []),
        ...allow(['ssm:GetParameter'], arns.parameters()),
      ];
  }
}

/**
 * The scheduled readiness check (functions/readiness-check): read-only calls on everything the
 * plan fails over, DescribeAlarms in each alarm's own region, and PutMetricData of its verdict,
 * only into its own namespace.
 */
export function readinessCheckStatements(
  arns: PlanResourceArns,
  own: { readonly topic: string; readonly stateMachine: string },
): PolicyStatement[] {
  return [
    ...allow(['rds:DescribeDBInstances'], arns.replicas()),
    // ReplicaLag through GetMetricData (read-replica-lag.ts latestReplicaLag).
    ...allow(['cloudwatch:GetMetricData'], arns.replicas().length ? ['*'] : []),
    ...(arns.scalingGroups().length ? describeScalingGroups() : []),
    ...allow(['ssm:GetParameters'], arns.parameters()),
    ...allow(['cloudwatch:DescribeAlarms'], arns.alarms()),
    ...allow(['sns:GetTopicAttributes'], [own.topic]),
    ...allow(['states:DescribeStateMachine'], [own.stateMachine]),
    new PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': READINESS_NAMESPACE } },
    }),
  ];
}

/**
 * cdk-nag reports the executions ARN of the lock step because of its `*`: the execution name,
 * unknown until an alarm starts one. The state machine part is exact.
 */
export function acknowledgeLockExecutions(role: Role, stateMachineName: string): void {
  const stack = Stack.of(role);
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const arn = `arn:<AWS::Partition>:states:${stack.region}:${account}:execution:${stateMachineName}:*`;
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arn}]`,
    reason:
      `The "*" is the execution name: the lock step describes the execution holding the lock and stops ` +
      `a preempted dry-run drill, both executions of this state machine (${stateMachineName}) only.`,
  });
}

/**
 * cdk-nag reports the scaling group ARNs because of their `*`: the group's UUID, which exists
 * only once the group does. The name part is exact, so each group is acknowledged by its ARN.
 */
export function acknowledgeScalingGroupArns(role: Role, plan: Plan): void {
  const account = Stack.of(role).account;
  const accountInFinding = Token.isUnresolved(account) ? '<AWS::AccountId>' : account;
  for (const group of plan.scalingGroups) {
    const arn = `arn:<AWS::Partition>:autoscaling:${plan.recoveryRegion}:${accountInFinding}:autoScalingGroup:*:autoScalingGroupName/${group.name}`;
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arn}]`,
      reason: `The "*" is the UUID Auto Scaling puts in every group ARN; the group name (${group.name}) is exact.`,
    });
  }
}
