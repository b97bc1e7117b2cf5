import { Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import type { Alarm, CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IHealthCheck } from 'aws-cdk-lib/aws-route53';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import { KINDS } from '../functions/kinds/registry.js';
import {
  acknowledgeDefinitionSubstitutions,
  acknowledgeKindWildcards,
  acknowledgeLockExecutions,
  acknowledgeStateMachineRole,
  allowTopicKeyPublishers,
  functionPolicyStatements,
  failbackStatements,
  stateMachineExecutionsArn,
  stateMachineStatements,
} from './function-permissions.js';
import { functionEnvironment, OrchestratorFunction } from './orchestrator-function.js';
import { validateProps, type FailoverOrchestratorProps } from './orchestrator-props.js';
import { ExecutionAlarm } from './execution-alarm.js';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../functions/common/approval-tags.js';
import { ReadinessMonitor } from './readiness-monitor.js';
import { FenceRetry } from './fence-retry.js';
import {
  FAILBACK_FUNCTION_ID,
  FailbackStateMachine,
  failbackStateMachineName,
} from './failback-state-machine.js';
import { failbackPlanProblem } from '../state-machines/failback-builder.js';
import { fencingKinds } from '../functions/fence-retry/fencing-kinds.js';
import { ReportBucket } from './report-bucket.js';
import { KindAlarms, KindHealthChecks } from './kind-alarms.js';
import { RunCommandDocuments } from './run-command-documents.js';

export { FailoverOrchestratorPropsError, type FailoverOrchestratorProps } from './orchestrator-props.js';

/** functions/failover-lock/lock-table.ts LOCK_TABLE_KEY (the infra test checks they agree). */
const LOCK_TABLE_PARTITION_KEY = 'planName';

/**
 * The failover orchestrator for one plan, deployed in the plan's recovery region: the Standard
 * state machine `buildWorkflow(plan)` defines (state-machines/workflow-builder.ts, which local
 * replay runs too), one Lambda function per workflow step and per resource kind the plan uses,
 * each with least-privilege permissions on the plan's resources and the plan compiled in, the
 * DynamoDB table holding the plan's failover lock and failover record, the SNS topic for notifications, the
 * EventBridge rule that starts a failover when one of the plan's alarms enters ALARM (alarms in
 * other regions arrive through `AlarmForwardingStack`), and the readiness check that runs every
 * 30 minutes with an alarm on its verdict.
 */
export class FailoverOrchestrator extends Construct {
  public readonly plan: Plan;
  public readonly stateMachine: StateMachine;
  public readonly stateMachineLogGroup: LogGroup;
  public readonly stateMachineRole: Role;
  /**
   * The functions the state machine invokes, by id (`workflowFunctionIds(plan)`): the workflow's
   * steps (`validate-trigger`, `failover-lock`, `confirm-outage`, `notify`) and one per resource
   * kind the plan uses (`rds-replica`, …).
   */
  public readonly workflowFunctions: Readonly<Record<string, LambdaFunction>>;
  /** The notification topic: created, or imported from `plan.notifications.topicArn`. */
  public readonly topic: ITopic;
  /** The key encrypting the created topic; undefined when the plan names its own topic. */
  public readonly topicKey?: Key;
  /** Starts an execution when a plan alarm enters ALARM. */
  public readonly alarmRule: Rule;
  /** Events that EventBridge could not deliver to the state machine after its retries. */
  public readonly deadLetterQueue: Queue;
  /**
   * The failover lock: one item per plan (partition key `planName`), so only one failover of the
   * plan runs at a time; and the failover record (functions/common/failover-record.ts: what each
   * execution did, keyed `<plan>#record#…`). Retained when the stack is deleted: it holds when the
   * last failover started, which the plan's minimum interval between failovers counts from.
   */
  public readonly lockTable: Table;
  /** The readiness check (functions/readiness-check): read-only, publishes `FailoverOrchestrator Readiness`. */
  public readonly readinessCheckFunction: LambdaFunction;
  /** Runs the readiness check every 30 minutes. */
  public readonly readinessSchedule: Rule;
  /**
   * ALARM (notified to the topic) when the Readiness metric's minimum over 30 minutes is below 1,
   * or when it has no datapoint: the plan would not fail over now, or the check stopped running.
   */
  public readonly readinessAlarm: Alarm;
  /**
   * ALARM (notified to the topic) when an execution of the state machine fails, times out or is
   * aborted: the orchestrator watched by something other than itself.
   */
  public readonly executionAlarm: Alarm;
  /**
   * The fence retry (functions/fence-retry, issue 10): every 5 minutes, fences again what a
   * failover could not fence in the old region, and notifies each attempt. Only for a plan with
   * a fencing kind (RDS replicas with `primary`, Auto Scaling groups with `primaryGroup`).
   */
  public readonly fenceRetryFunction?: LambdaFunction;
  /** Runs the fence retry every 5 minutes. */
  public readonly fenceRetrySchedule?: Rule;
  /**
   * The way back (issue 10): `<plan>-failback`, the failback workflow
   * (state-machines/failback-builder.ts) on the same functions plus its own step (`failback`),
   * started by `failover failback --plan`. Only for a plan that can fail back
   * (`failbackPlanProblem`: RDS replicas with `primary`, Auto Scaling groups, SSM parameters).
   */
  public readonly failbackStateMachine?: StateMachine;
  /** The failback workflow's own step (functions/failback). */
  public readonly failbackFunction?: LambdaFunction;
  /** Each ended execution's report (HTML + JSON, `<plan>/<execution>.*`), kept a year: infra/report-bucket.ts. */
  public readonly reportBucket: ReportBucket;
  /**
   * The CloudWatch alarms the plan's kinds ask for, by key (e.g. `dns-flag-<id>`: the alarm on a
   * DNS flag's metric), in this (the recovery) region. Empty for a plan without such kinds.
   */
  public readonly kindAlarms: Readonly<Record<string, CfnAlarm>>;
  /**
   * The Route 53 health checks on those alarms, by the same key, and those that need no alarm
   * (`arc-routing-control-<set>-<control>`: type RECOVERY_CONTROL on each routing control):
   * associate the PRIMARY failover record of your zone with a DNS flag's health check, or each
   * cell's records with its routing control's (`healthCheckId`, also the stack output
   * `<Key>HealthCheckId`). Empty when `createHealthChecks` is false.
   */
  public readonly kindHealthChecks: Readonly<Record<string, IHealthCheck>>;

  public constructor(scope: Construct, id: string, props: FailoverOrchestratorProps) {
    super(scope, id);
    const settings = validateProps(this, props);
    this.plan = settings.plan;
    const { plan } = settings;

    if (plan.notifications.topicArn) {
      this.topic = Topic.fromTopicArn(this, 'Topic', plan.notifications.topicArn);
    } else {
      this.topicKey = new Key(this, 'TopicKey', {
        description: `failover-orchestrator ${plan.name}: encrypts the notification topic`,
        enableKeyRotation: true,
      });
      this.topic = new Topic(this, 'Topic', {
        displayName: `Failover ${plan.name}`,
        masterKey: this.topicKey,
        enforceSSL: true,
      });
    }

    this.lockTable = new Table(this, 'LockTable', {
      partitionKey: { name: LOCK_TABLE_PARTITION_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Deleting or replacing the stack must not forget the last failover (minimum interval).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stack = Stack.of(this);
    const functionOptions = {
      plan,
      handlersDirectory: settings.handlersDirectory,
      runtime: settings.runtime,
      memorySize: settings.memorySize,
      timeout: settings.stepTimeout,
      logRetention: settings.logRetention,
      logLevel: settings.logLevel,
    };
    const own = {
      topic: this.topic.topicArn,
      lockTable: this.lockTable.tableArn,
      executions: stateMachineExecutionsArn(stack, settings.stateMachineName),
      ...(failbackPlanProblem(plan) === undefined
        ? { failbackExecutions: stateMachineExecutionsArn(stack, failbackStateMachineName(plan)) }
        : {}),
    };
    const functions = settings.workflowFunctionIds.map((functionId) => {
      const orchestratorFunction = new OrchestratorFunction(this, pascalCase(functionId), functionId, {
        ...functionOptions,
        // The failover path only: the readiness check is not, and takes from the shared pool.
        reservedConcurrency: settings.reservedConcurrency,
        environment: functionEnvironment(functionId, {
          topicArn: this.topic.topicArn,
          lockTableName: this.lockTable.tableName,
        }),
      });
      const statements = functionPolicyStatements(functionId, plan, stack, own);
      for (const statement of statements) orchestratorFunction.role.addToPrincipalPolicy(statement);
      const kind = KINDS.find((candidate) => candidate.id === functionId);
      if (kind) acknowledgeKindWildcards(orchestratorFunction.role, kind, statements);
      if (functionId === 'failover-lock') {
        acknowledgeLockExecutions(orchestratorFunction.role, settings.stateMachineName);
        if (own.failbackExecutions !== undefined)
          acknowledgeLockExecutions(orchestratorFunction.role, failbackStateMachineName(plan));
      }
      return { functionId, orchestratorFunction };
    });
    // The SSM Command documents the self-hosted kinds send (none for a plan without them).
    new RunCommandDocuments(this, 'RunCommandDocuments', { plan });
    // The alarms the kinds watch (DNS flags), Route 53's health checks on them, and those that
    // need no alarm (routing controls').
    const kindAlarms = new KindAlarms(this, 'KindAlarms', { plan });
    this.kindAlarms = kindAlarms.alarms;
    if (props.createHealthChecks === false) {
      this.kindHealthChecks = {};
    } else {
      const healthChecks = new KindHealthChecks(this, 'KindHealthChecks', { plan });
      healthChecks.node.addDependency(kindAlarms);
      this.kindHealthChecks = healthChecks.healthChecks;
    }
    this.workflowFunctions = Object.fromEntries(
      functions.map(({ functionId, orchestratorFunction }) => [functionId, orchestratorFunction.function]),
    );

    if (this.topicKey) {
      // SNS encrypts each message with the topic's key on the publisher's behalf: the publishers
      // (notify, and the lock step announcing a refusal) need GenerateDataKey and Decrypt on it,
      // through SNS only.
      const publishers: IRole[] = functions
        .filter(({ functionId }) => functionId === 'notify' || functionId === 'failover-lock')
        .map(({ orchestratorFunction }) => orchestratorFunction.role);
      allowTopicKeyPublishers(this.topicKey, publishers, plan.recoveryRegion);
    }

    this.stateMachineLogGroup = new LogGroup(this, 'StateMachineLogGroup', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account's
      // CloudWatch Logs resource policy for every state machine (its size is limited).
      logGroupName: `/aws/vendedlogs/states/${settings.stateMachineName}`,
      retention: settings.logRetention,
    });
    const substitutions = Object.fromEntries(
      functions.map(({ functionId, orchestratorFunction }) => [
        functionArnVariable(functionId),
        orchestratorFunction.function.functionArn,
      ]),
    );
    // CDK would grant the logging actions on "*"; three of them accept the account's log ARNs, so
    // the role is ours and CDK's own additions are dropped (`withoutPolicyUpdates`).
    this.stateMachineRole = new Role(this, 'StateMachineRole', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `failover-orchestrator ${plan.name}: the failover state machine`,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: settings.stateMachineName,
      role: this.stateMachineRole.withoutPolicyUpdates(),
      stateMachineType: StateMachineType.STANDARD,
      // buildWorkflow(plan), inline (not an S3 asset): the template then shows the definition.
      definitionBody: DefinitionBody.fromString(settings.definition),
      definitionSubstitutions: substitutions,
      logs: { destination: this.stateMachineLogGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    acknowledgeDefinitionSubstitutions(this.stateMachine);
    for (const statement of stateMachineStatements(
      Stack.of(this),
      functions.map(({ orchestratorFunction }) => orchestratorFunction.function.functionArn),
    )) {
      this.stateMachineRole.addToPrincipalPolicy(statement);
    }
    // `failover approve|decline <execution>` finds the plan's approval request from the execution
    // ARN alone: its state machine's tags name the plan and the table holding the task token.
    Tags.of(this.stateMachine).add(PLAN_TAG, plan.name);
    Tags.of(this.stateMachine).add(LOCK_TABLE_TAG, this.lockTable.tableName);
    // Step Functions checks the logging permissions when it creates the state machine.
    this.stateMachine.node.addDependency(this.stateMachineRole);
    acknowledgeStateMachineRole(this.stateMachineRole);

    this.deadLetterQueue = new Queue(this, 'AlarmRuleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the alarm rule target; it needs no DLQ of its own.',
    });
    this.alarmRule = new Rule(this, 'AlarmRule', {
      description: `failover-orchestrator ${plan.name}: a plan alarm entered ALARM, start the failover`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        // Only the plan's alarms, in their regions, from the accounts it trusts: this account and
        // the plan's triggers.accounts (Validate Trigger checks the same again).
        account: [...new Set([Stack.of(this).account, ...plan.triggers.accounts])],
        region: [...new Set(plan.triggers.alarms.map((alarm) => alarm.region))].sort(),
        detail: {
          alarmName: [...new Set(plan.triggers.alarms.map((alarm) => alarm.name))].sort(),
          state: { value: ['ALARM'] },
        },
      },
    });
    // No input transformation: the step function `validate-trigger` reads the whole event.
    this.alarmRule.addTarget(
      new SfnStateMachine(this.stateMachine, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(2),
      }),
    );

    const readiness = new ReadinessMonitor(this, 'Readiness', {
      plan,
      functionOptions,
      topic: this.topic,
      topicKey: this.topicKey,
      stateMachine: this.stateMachine,
      alarmName: `${settings.stateMachineName}-readiness`,
    });
    this.readinessCheckFunction = readiness.function;
    this.readinessSchedule = readiness.schedule;
    this.readinessAlarm = readiness.alarm;

    if (fencingKinds(plan).length > 0) {
      const fenceRetry = new FenceRetry(this, 'FenceRetry', {
        plan,
        functionOptions,
        topic: this.topic,
        topicKey: this.topicKey,
        lockTable: this.lockTable,
        kindFunctions: this.workflowFunctions,
        alarmName: `${settings.stateMachineName}-fence-retry`,
      });
      this.fenceRetryFunction = fenceRetry.function;
      this.fenceRetrySchedule = fenceRetry.schedule;
    }

    if (failbackPlanProblem(plan) === undefined) {
      const failbackFunction = new OrchestratorFunction(this, 'Failback', FAILBACK_FUNCTION_ID, {
        ...functionOptions,
        reservedConcurrency: settings.reservedConcurrency,
        environment: functionEnvironment(FAILBACK_FUNCTION_ID, {
          topicArn: this.topic.topicArn,
          lockTableName: this.lockTable.tableName,
        }),
      });
      for (const statement of failbackStatements(plan, stack, own))
        failbackFunction.role.addToPrincipalPolicy(statement);
      if (this.topicKey) allowTopicKeyPublishers(this.topicKey, [failbackFunction.role], plan.recoveryRegion);
      const failback = new FailbackStateMachine(this, 'FailbackWorkflow', {
        plan,
        functions: { ...this.workflowFunctions, [FAILBACK_FUNCTION_ID]: failbackFunction.function },
        lockTableName: this.lockTable.tableName,
        logRetention: settings.logRetention,
      });
      this.failbackFunction = failbackFunction.function;
      this.failbackStateMachine = failback.stateMachine;
    }

    this.reportBucket = new ReportBucket(this, 'Reports', {
      functionOptions,
      stateMachine: this.stateMachine,
      lockTable: this.lockTable,
      executionsArn: own.executions,
      stateMachineName: settings.stateMachineName,
    });

    this.executionAlarm = new ExecutionAlarm(this, 'ExecutionAlarm', {
      stateMachine: this.stateMachine,
      topic: this.topic,
      topicKey: this.topicKey,
      alarmName: `${settings.stateMachineName}-executions`,
      planName: plan.name,
    }).alarm;
  }
}

function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
