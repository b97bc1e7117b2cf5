import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  CfnStateMachine,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { parsePlan, type Plan } from '../functions/common/plan.js';
import {
  definitionPlaceholders,
  FailoverStepFunction,
  FAILOVER_STEPS,
  stepEnvironment,
  type FailoverStepId,
} from './failover-steps.js';
import { ReadinessMonitor } from './readiness-monitor.js';
import {
  acknowledgeLockExecutions,
  acknowledgeScalingGroupArns,
  acknowledgeStateMachineRole,
  PlanResourceArns,
  stateMachineExecutionsArn,
  stateMachineStatements,
  stepPolicyStatements,
} from './step-permissions.js';

/** The repository root: `functions/`, `state-machines/` and `package-lock.json` live there. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** functions/failover-lock/lock-table.ts LOCK_TABLE_KEY (the infra test checks they agree). */
const LOCK_TABLE_PARTITION_KEY = 'planName';

export interface FailoverOrchestratorProps {
  /** The validated plan (`loadPlanFile` or `parsePlan`); it is checked again here. */
  readonly plan: Plan;
  /**
   * Lambda runtime of every step: Node.js 22 or later.
   * @default Runtime.NODEJS_22_X
   */
  readonly runtime?: Runtime;
  /**
   * Memory of each step function, in MB (the SDK is bundled; more memory also means more CPU at cold start).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of each step function, at most 60 s (the ASL's wait for in-flight steps after a failure).
   * Steps never wait inside Lambda (Wait states do), so a minute is ample.
   * @default Duration.seconds(60)
   */
  readonly stepTimeout?: Duration;
  /**
   * Retention of the functions' and the state machine's log groups.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the steps (POWERTOOLS_LOG_LEVEL).
   * @default 'INFO'
   */
  readonly logLevel?: (typeof LOG_LEVELS)[number];
  /**
   * Name of the state machine (the CLI finds it by name).
   * @default `${plan.name}-failover`
   */
  readonly stateMachineName?: string;
  /**
   * Directory holding `functions/<step>/handler.ts`, `state-machines/failover.asl.json` and `package-lock.json`.
   * @default the failover-orchestrator repository root
   */
  readonly projectRoot?: string;
}

/** The props were wrong; lists every problem at once. */
export class FailoverOrchestratorPropsError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(
      `FailoverOrchestrator: invalid props (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'FailoverOrchestratorPropsError';
  }
}

/**
 * The failover orchestrator for one plan, deployed in the plan's recovery region: the Standard
 * state machine from `state-machines/failover.asl.json` (the same file local replay runs), one
 * Lambda function per step with least-privilege permissions on the plan's resources, the
 * DynamoDB table holding the plan's failover lock, the SNS topic for notifications, the
 * EventBridge rule that starts a failover when one of the plan's alarms enters ALARM (alarms in
 * other regions arrive through `AlarmForwardingStack`), and the readiness check that runs every
 * 30 minutes with an alarm on its verdict.
 */
export class FailoverOrchestrator extends Construct {
  public readonly plan: Plan;
  public readonly stateMachine: StateMachine;
  public readonly stateMachineLogGroup: LogGroup;
  public readonly stateMachineRole: Role;
  /** Step functions by step id (`validate-trigger`, `notify`, …). */
  public readonly stepFunctions: Readonly<Record<FailoverStepId, NodejsFunction>>;
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
   * plan runs at a time. Retained when the stack is deleted: it holds when the last failover
   * started, which the plan's minimum interval between failovers counts from.
   */
  public readonly lockTable: Table;
  /** The readiness check (functions/readiness-check): read-only, publishes `FailoverOrchestrator Readiness`. */
  public readonly readinessCheckFunction: NodejsFunction;
  /** Runs the readiness check every 30 minutes. */
  public readonly readinessSchedule: Rule;
  /**
   * ALARM (notified to the topic) when the Readiness metric's minimum over 30 minutes is below 1,
   * or when it has no datapoint: the plan would not fail over now, or the check stopped running.
   */
  public readonly readinessAlarm: Alarm;

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
    const arns = new PlanResourceArns(plan, stack);
    const functionOptions = {
      plan,
      projectRoot: settings.projectRoot,
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
    };
    const steps = FAILOVER_STEPS.map((step) => {
      const stepFunction = new FailoverStepFunction(this, pascalCase(step.id), step, {
        ...functionOptions,
        environment: stepEnvironment(step.id, {
          topicArn: this.topic.topicArn,
          lockTableName: this.lockTable.tableName,
        }),
      });
      for (const statement of stepPolicyStatements(step.id, arns, own)) {
        stepFunction.role.addToPrincipalPolicy(statement);
      }
      if (step.id === 'scale-group') acknowledgeScalingGroupArns(stepFunction.role, plan);
      if (step.id === 'failover-lock')
        acknowledgeLockExecutions(stepFunction.role, settings.stateMachineName);
      return { step, stepFunction };
    });
    this.stepFunctions = Object.fromEntries(
      steps.map(({ step, stepFunction }) => [step.id, stepFunction.function]),
    ) as Record<FailoverStepId, NodejsFunction>;

    if (this.topicKey) {
      // SNS encrypts each message with the topic's key on the publisher's behalf: the publishers
      // (notify, and the lock step announcing a refusal) need GenerateDataKey and Decrypt on it,
      // through SNS only.
      const publishers: IRole[] = steps
        .filter(({ step }) => step.id === 'notify' || step.id === 'failover-lock')
        .map(({ stepFunction }) => stepFunction.role);
      this.topicKey.addToResourcePolicy(
        new PolicyStatement({
          principals: publishers,
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${plan.recoveryRegion}.amazonaws.com` } },
        }),
      );
    }

    this.stateMachineLogGroup = new LogGroup(this, 'StateMachineLogGroup', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account's
      // CloudWatch Logs resource policy for every state machine (its size is limited).
      logGroupName: `/aws/vendedlogs/states/${settings.stateMachineName}`,
      retention: settings.logRetention,
    });
    const substitutions = Object.fromEntries(
      steps.map(({ step, stepFunction }) => [step.substitution, stepFunction.function.functionArn]),
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
      // Inline, not DefinitionBody.fromFile (an S3 asset): the template then shows the definition.
      definitionBody: DefinitionBody.fromString(settings.definition),
      definitionSubstitutions: substitutions,
      logs: { destination: this.stateMachineLogGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // The `${...}` in DefinitionString are filled by DefinitionSubstitutions, not by Fn::Sub:
    // tell cfn-lint and CDK's own template check (both report E1029) that this is intended.
    const cfnStateMachine = this.stateMachine.node.defaultChild as CfnStateMachine;
    cfnStateMachine.addMetadata('cfn-lint', { config: { ignore_checks: ['E1029'] } });
    Validations.of(this.stateMachine).acknowledge({
      id: 'CloudFormation-Validate::E1029',
      reason: 'The ${...} placeholders are DefinitionSubstitutions (function ARNs), not Fn::Sub variables.',
    });
    for (const statement of stateMachineStatements(
      Stack.of(this),
      steps.map(({ stepFunction }) => stepFunction.function.functionArn),
    )) {
      this.stateMachineRole.addToPrincipalPolicy(statement);
    }
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
      arns,
      functionOptions,
      topic: this.topic,
      topicKey: this.topicKey,
      stateMachine: this.stateMachine,
      alarmName: `${settings.stateMachineName}-readiness`,
    });
    this.readinessCheckFunction = readiness.function;
    this.readinessSchedule = readiness.schedule;
    this.readinessAlarm = readiness.alarm;
  }
}

interface Settings {
  readonly plan: Plan;
  readonly runtime: Runtime;
  readonly memorySize: number;
  readonly stepTimeout: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  readonly stateMachineName: string;
  readonly projectRoot: string;
  readonly definition: string;
}

/** Checks every prop before anything is built, and reports every problem at once. */
function validateProps(scope: Construct, props: FailoverOrchestratorProps): Settings {
  const problems: string[] = [];
  let plan: Plan | undefined;
  try {
    plan = parsePlan(props.plan, 'plan');
  } catch (error) {
    problems.push((error as Error).message);
  }

  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    problems.push(
      "the stack needs an explicit env.region (the plan's recoveryRegion): the orchestrator is regional",
    );
  } else if (plan && region !== plan.recoveryRegion) {
    problems.push(
      `the stack is in ${region}, but the orchestrator must run in the plan's recoveryRegion (${plan.recoveryRegion}) to survive the outage it handles`,
    );
  }

  const runtime = props.runtime ?? Runtime.NODEJS_22_X;
  const nodeMajor = Number(/^nodejs(\d+)/.exec(runtime.name)?.[1] ?? Number.NaN);
  if (runtime.family !== RuntimeFamily.NODEJS || !(nodeMajor >= 22)) {
    problems.push(`runtime must be Node.js 22 or later, got ${runtime.name}`);
  }
  const memorySize = props.memorySize ?? 256;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
    problems.push(`memorySize must be a whole number of MB from 128 to 10240, got ${memorySize}`);
  }
  const stepTimeout = props.stepTimeout ?? Duration.seconds(60);
  const timeoutSeconds = stepTimeout.toSeconds();
  // When one branch of "Promote And Scale" fails, the ASL waits 60 s ("Wait For In-Flight
  // Steps") for Lambdas still running in the other branch before reporting what was done: a
  // step must not be able to run longer than that wait.
  if (timeoutSeconds < 10 || timeoutSeconds > 60) {
    problems.push(
      `stepTimeout must be 10 to 60 seconds (the ASL waits 60 s for in-flight steps after a failure), got ${timeoutSeconds}`,
    );
  }
  const logLevel = props.logLevel ?? 'INFO';
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`);

  const stateMachineName = props.stateMachineName ?? `${plan?.name ?? 'plan'}-failover`;
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(stateMachineName)) {
    problems.push(
      `stateMachineName must be 1-80 letters, digits, hyphens or underscores, got "${stateMachineName}"`,
    );
  }

  const projectRoot = props.projectRoot ?? REPOSITORY_ROOT;
  let definition = '';
  const aslPath = join(projectRoot, 'state-machines', 'failover.asl.json');
  try {
    definition = readFileSync(aslPath, 'utf8');
    const known = new Set<string>(FAILOVER_STEPS.map((step) => step.substitution));
    const unknown = definitionPlaceholders(definition).filter((name) => !known.has(name));
    if (unknown.length)
      problems.push(`${aslPath} uses substitutions no step provides: ${unknown.join(', ')}`);
  } catch (error) {
    problems.push(`cannot read the state machine definition ${aslPath}: ${(error as Error).message}`);
  }

  if (problems.length > 0 || plan === undefined) throw new FailoverOrchestratorPropsError(problems);
  return {
    plan,
    runtime,
    memorySize,
    stepTimeout,
    logRetention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    logLevel,
    stateMachineName,
    projectRoot,
    definition,
  };
}

function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
