import { ArnFormat, Aws, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Plan } from '../functions/common/plan.js';
import type { ArnScope, KindPermission } from '../functions/kinds/kind-definition.js';
import { KINDS, type Kind } from '../functions/kinds/registry.js';
import { kindsInPlan } from '../state-machines/workflow-builder.js';

/**
 * Actions that have no resource-level permissions: IAM accepts only `Resource: "*"` for them
 * (Service Authorization Reference, "Resource types" column empty). Every `"*"` the orchestrator
 * grants is for one of these; the infra IAM test holds the same list.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  'cloudwatch:GetMetricData',
  // Readiness check (condition cloudwatch:namespace = READINESS_NAMESPACE) and DNS flags (the plan's flag namespaces).
  'cloudwatch:PutMetricData',
  'autoscaling:DescribeAutoScalingGroups',
  // SSM Run Command: reading an invocation and the managed nodes' ping status take no ARN.
  'ssm:GetCommandInvocation',
  'ssm:DescribeInstanceInformation',
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
 * The `${...}` in a state machine's DefinitionString are filled by its DefinitionSubstitutions (the
 * functions' ARNs), not by Fn::Sub: tells cfn-lint and CDK's own template check (both report
 * E1029) that this is intended.
 */
export function acknowledgeDefinitionSubstitutions(stateMachine: StateMachine): void {
  (stateMachine.node.defaultChild as CfnStateMachine).addMetadata('cfn-lint', {
    config: { ignore_checks: ['E1029'] },
  });
  Validations.of(stateMachine).acknowledge({
    id: 'CloudFormation-Validate::E1029',
    reason: 'The ${...} placeholders are DefinitionSubstitutions (function ARNs), not Fn::Sub variables.',
  });
}

/**
 * SNS encrypts each message with the topic's key on the publisher's behalf: lets `publishers`
 * (the roles of the functions that publish to the topic) use the key for that, GenerateDataKey
 * and Decrypt, through SNS in `region` only.
 */
export function allowTopicKeyPublishers(topicKey: IKey, publishers: IRole[], region: string): void {
  topicKey.addToResourcePolicy(
    new PolicyStatement({
      principals: publishers,
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    }),
  );
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

/** The partition and account the kinds build their ARNs from (tokens at synth). */
export const arnScopeOf = (stack: Stack): ArnScope => ({ partition: Aws.PARTITION, account: stack.account });

/** `arn:aws:cloudwatch:<alarm region>:<account>:alarm:<name>` for every trigger alarm. */
export function alarmArns(plan: Plan, stack: Stack): string[] {
  return plan.triggers.alarms.map((alarm) =>
    stack.formatArn({
      service: 'cloudwatch',
      region: alarm.region,
      resource: 'alarm',
      resourceName: alarm.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
}

/** What a kind's function needs for this plan: the kind's own word (its definition's `permissions`). */
export function kindPermissions(kind: Kind, plan: Plan, stack: Stack): KindPermission[] {
  return kind.permissions(plan, arnScopeOf(stack));
}

/** A kind's permission as an IAM statement: its actions, its resources, its conditions. */
export const kindStatement = (permission: KindPermission): PolicyStatement =>
  new PolicyStatement({
    actions: [...permission.actions],
    resources: [...permission.resources],
    ...(permission.conditions ? { conditions: structuredClone(permission.conditions) } : {}),
  });

function allow(actions: string[], resources: string[]): PolicyStatement[] {
  return resources.length === 0 ? [] : [new PolicyStatement({ actions, resources })];
}

/**
 * The failover record (functions/common/failover-record.ts) lives in the lock table: the kinds
 * read and write it (and read the lock's fencing token), notify reads it and claims its messages.
 */
const RECORD_READ_WRITE = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

/** What the orchestrator itself creates (or imports from the plan), as the policies name it. */
export interface OrchestratorResourceArns {
  /** The notification topic. */
  readonly topic: string;
  /** The failover lock table, which also holds the failover record. */
  readonly lockTable: string;
  /** Every execution of the failover state machine (`stateMachineExecutionsArn`). */
  readonly executions: string;
  /**
   * Every execution of the failback state machine, when the plan has one (issue 10): the lock's
   * holder may be a failback, whose status the lock step checks.
   */
  readonly failbackExecutions?: string;
}

/**
 * What each workflow function may do, and on what: only its own API calls, only on the plan's
 * resources. A kind's function gets exactly what the kind declares (functions/kinds/<id>/
 * definition.ts `permissions`) plus the failover record; a plan without a kind's resources has
 * no function for it.
 */
export function functionPolicyStatements(
  functionId: string,
  plan: Plan,
  stack: Stack,
  own: OrchestratorResourceArns,
): PolicyStatement[] {
  switch (functionId) {
    case 'validate-trigger':
      return [];
    case 'failover-lock':
      // functions/failover-lock: GetItem (consistent read) and conditional UpdateItem on the lock
      // item; DescribeExecution of the holder, StopExecution of a preempted dry-run drill (both are
      // executions of this state machine); Publish of a refusal.
      return [
        ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [own.lockTable]),
        ...allow(
          ['states:DescribeExecution', 'states:StopExecution'],
          [own.executions, ...(own.failbackExecutions !== undefined ? [own.failbackExecutions] : [])],
        ),
        ...allow(['sns:Publish'], [own.topic]),
      ];
    case 'confirm-outage':
      // Re-checks the alarms; reads the plan alarms that fired meanwhile from the lock item and
      // writes its abort verdict there (conditional UpdateItem).
      return [
        ...allow(['cloudwatch:DescribeAlarms'], alarmArns(plan, stack)),
        ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [own.lockTable]),
      ];
    case 'notify':
      // Reads what each kind recorded (progress, read-back assessment); claims each message in the
      // failover record before publishing it (one per execution and kind).
      return [...allow(['sns:Publish'], [own.topic]), ...allow(RECORD_READ_WRITE, [own.lockTable])];
    default: {
      const kind = KINDS.find((candidate) => candidate.id === functionId);
      if (kind === undefined) throw new Error(`no permissions known for function ${functionId}`);
      return [
        ...kindPermissions(kind, plan, stack).map(kindStatement),
        ...allow(RECORD_READ_WRITE, [own.lockTable]),
      ];
    }
  }
}

/**
 * The scheduled readiness check (functions/readiness-check): read-only calls on everything the
 * plan fails over (on the ARNs each kind declares), DescribeAlarms in each alarm's own region,
 * and PutMetricData of its verdict, only into its own namespace.
 */
export function readinessCheckStatements(
  plan: Plan,
  stack: Stack,
  own: { readonly topic: string; readonly stateMachine: string },
): PolicyStatement[] {
  // Each kind declares what its readiness checks (functions/kinds/<id>/readiness.ts) call.
  const kindStatements = kindsInPlan(plan).flatMap((kind) =>
    kind.readinessPermissions(plan, arnScopeOf(stack)).map(kindStatement),
  );
  return [
    ...kindStatements,
    ...allow(['cloudwatch:DescribeAlarms'], alarmArns(plan, stack)),
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
 * The failback workflow's own step (functions/failback, issue 10): reads the lock item and the
 * fencing records and writes them (the records closed, the failback recorded on the lock item,
 * GetItem and UpdateItem), sets the plan's freeze parameter (GetParameter to read its type,
 * PutParameter) and publishes the failback's notices. The kinds' failback actions run in the
 * kinds' own functions, with the kinds' permissions.
 */
export function failbackStatements(
  plan: Plan,
  stack: Stack,
  own: OrchestratorResourceArns,
): PolicyStatement[] {
  const freeze = plan.failback.freezeParameter;
  return [
    ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [own.lockTable]),
    ...allow(['sns:Publish'], [own.topic]),
    ...(freeze === undefined
      ? []
      : allow(
          ['ssm:GetParameter', 'ssm:PutParameter'],
          [
            stack.formatArn({
              service: 'ssm',
              region: plan.recoveryRegion,
              resource: 'parameter',
              resourceName: freeze.name.slice(1),
            }),
          ],
        )),
  ];
}

/**
 * The scheduled fence retry (functions/fence-retry): reads and rewrites the fencing records in the
 * lock table (GetItem, UpdateItem), invokes the fencing kinds' functions (their `fence` action, which
 * holds the permissions on the old region's resources) and publishes each attempt's notice.
 */
export function fenceRetryStatements(own: {
  readonly topic: string;
  readonly lockTable: string;
  readonly kindFunctions: readonly string[];
}): PolicyStatement[] {
  return [
    ...allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [own.lockTable]),
    ...allow(['lambda:InvokeFunction'], [...own.kindFunctions]),
    ...allow(['sns:Publish'], [own.topic]),
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
 * How cdk-nag writes a resource in a finding: references as `<Name>` (`<AWS::Partition>`,
 * `<AWS::AccountId>`, `<Logical.Attr>`), joined.
 */
function findingText(stack: Stack, resource: string): string {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') return `<${object.Ref}>`;
    if (Array.isArray(object['Fn::GetAtt'])) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    const join = object['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(render).join(join[0]);
    return JSON.stringify(value);
  };
  return render(stack.resolve(resource));
}

/**
 * cdk-nag reports every ARN with a `*` in it. The kinds use one only for a part AWS generates
 * when the resource is created (the UUID in an Auto Scaling group ARN): each such ARN is
 * acknowledged on its own, the rest of it (the resource name) being exact. Resource "*" is
 * acknowledged with the role (OrchestratorFunction).
 */
export function acknowledgeKindWildcards(
  role: Role,
  kind: Kind,
  statements: readonly PolicyStatement[],
): void {
  const stack = Stack.of(role);
  const wildcards = new Set(
    statements.flatMap((statement) => statement.resources).filter((arn) => arn !== '*' && arn.includes('*')),
  );
  for (const arn of wildcards) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${findingText(stack, arn)}]`,
      reason:
        `The "*" is a part AWS generates when the resource is created (such as the UUID in an Auto ` +
        `Scaling group ARN) or the time in the name of a snapshot the fence takes (<primary>-final-<time>), ` +
        `so it cannot be known at deploy time; the rest of the name is exact ` +
        `(functions/kinds/${kind.id}/definition.ts permissions).`,
    });
  }
}
