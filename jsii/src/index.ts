// The jsii face of failover-orchestrator: the same construct, for Python (and every other jsii
// language). It wraps the npm package (bundled inside this one: bundledDependencies), whose own
// API uses what jsii cannot express (README.md, "Python and other jsii languages", lists it):
// the plan reaches the construct as a plan file path, read and validated at synth.
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IHealthCheck } from 'aws-cdk-lib/aws-route53';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import * as core from 'failover-orchestrator';

/** The orchestrator's settings; the plan is a file. */
export interface FailoverOrchestratorProps {
  /** Path of the failover plan file (YAML or JSON), read and validated at synth. */
  readonly planFile: string;
  /**
   * Lambda runtime of every function: Node.js 22 or later.
   * @default Runtime.NODEJS_22_X
   */
  readonly runtime?: Runtime;
  /**
   * Memory of each function, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of each function on the failover path (the workflow's steps and the
   * kinds' functions), 1 to 100: a failover is guaranteed this many concurrent executions, and
   * cannot take more. Lambda keeps at least 100 of the account's concurrency unreserved.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /**
   * Timeout of each workflow function, 10 to 60 seconds.
   * @default Duration.seconds(60)
   */
  readonly stepTimeout?: Duration;
  /**
   * Retention of the functions' and the state machine's log groups.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the functions: DEBUG, INFO, WARN or ERROR.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Name of the state machine (the CLI finds it by name).
   * @default `${plan name}-failover`
   */
  readonly stateMachineName?: string;
  /**
   * Directory holding the prebuilt handlers, `<function id>/index.mjs`.
   * @default the `lib/handlers` directory of the bundled npm package
   */
  readonly handlersDirectory?: string;
  /**
   * Create the Route 53 health checks on the kinds' alarms (each DNS flag's), and those that need
   * no alarm (each routing control's, type RECOVERY_CONTROL), in this stack. Set
   * false when another stack creates them (a health check is a global resource, and a stack
   * cannot reference another region's values).
   * @default true
   */
  readonly createHealthChecks?: boolean;
}

/**
 * The failover orchestrator for one plan, in the plan's recovery region: the Step Functions
 * state machine, one Lambda function per workflow step and per resource kind the plan uses, the
 * lock table, the notification topic, the rule that starts a failover when a plan alarm enters
 * ALARM, and the readiness check. The same construct as the npm package's `FailoverOrchestrator`
 * (its resources have the same logical ids).
 */
export class FailoverOrchestrator extends Construct {
  /** The plan's name. */
  public readonly planName: string;
  public readonly stateMachine: StateMachine;
  public readonly stateMachineRole: Role;
  public readonly stateMachineLogGroup: LogGroup;
  /** The functions the state machine invokes, by id (`validate-trigger`, `rds-replica`, …). */
  public readonly workflowFunctions: { [functionId: string]: LambdaFunction };
  /** The notification topic: created, or imported from the plan's `notifications.topicArn`. */
  public readonly topic: ITopic;
  /** Starts an execution when a plan alarm enters ALARM. */
  public readonly alarmRule: Rule;
  /** Events that EventBridge could not deliver to the state machine. */
  public readonly deadLetterQueue: Queue;
  /** The failover lock and record (retained when the stack is deleted). */
  public readonly lockTable: Table;
  public readonly readinessCheckFunction: LambdaFunction;
  public readonly readinessSchedule: Rule;
  public readonly readinessAlarm: Alarm;
  /**
   * The Route 53 health checks on the kinds' alarms, by the kind's key (`dns-flag-shop`), and on
   * each routing control (`arc-routing-control-<set>-<control>`, type RECOVERY_CONTROL): associate
   * the PRIMARY failover record with a flag's check, a cell's records with its control's. Empty
   * when `createHealthChecks` is false.
   */
  public readonly kindHealthChecks: { [key: string]: IHealthCheck };

  public constructor(scope: Construct, id: string, props: FailoverOrchestratorProps) {
    super(scope, id);
    // "Default" is left out of logical ids: the resources are named as the npm construct names them.
    const inner = new core.FailoverOrchestrator(this, 'Default', {
      planFile: props.planFile,
      runtime: props.runtime,
      memorySize: props.memorySize,
      reservedConcurrency: props.reservedConcurrency,
      stepTimeout: props.stepTimeout,
      logRetention: props.logRetention,
      // Checked by the npm construct against the four levels, with the other props.
      logLevel: props.logLevel as core.FailoverOrchestratorProps['logLevel'],
      stateMachineName: props.stateMachineName,
      handlersDirectory: props.handlersDirectory,
      createHealthChecks: props.createHealthChecks,
    });
    this.planName = inner.plan.name;
    this.stateMachine = inner.stateMachine;
    this.stateMachineRole = inner.stateMachineRole;
    this.stateMachineLogGroup = inner.stateMachineLogGroup;
    this.workflowFunctions = { ...inner.workflowFunctions };
    this.topic = inner.topic;
    this.alarmRule = inner.alarmRule;
    this.deadLetterQueue = inner.deadLetterQueue;
    this.lockTable = inner.lockTable;
    this.readinessCheckFunction = inner.readinessCheckFunction;
    this.readinessSchedule = inner.readinessSchedule;
    this.readinessAlarm = inner.readinessAlarm;
    this.kindHealthChecks = { ...inner.kindHealthChecks };
  }
}

/** A Route 53 health check to alarm on (us-east-1 only). */
export interface HealthCheckAlarmSpec {
  /** Name of the alarm: one of the plan's trigger alarms in us-east-1. */
  readonly alarmName: string;
  /** The Route 53 health check id. */
  readonly healthCheckId: string;
  /**
   * Consecutive failed one-minute periods before ALARM.
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

/** One region's alarm stack. */
export interface AlarmForwardingStackProps extends StackProps {
  /** Path of the failover plan file. */
  readonly planFile: string;
  /**
   * Route 53 health checks to alarm on; only in the us-east-1 stack.
   * @default none
   */
  readonly healthChecks?: HealthCheckAlarmSpec[];
}

/**
 * The alarm side of a plan's regions (the npm package's `AlarmForwardingStack`): in us-east-1 the
 * Route 53 health check alarms, and in a region other than the recovery region a rule forwarding
 * the plan's alarms to the recovery region.
 */
export class AlarmForwarding {
  /** Adds the alarm stack of `props.env.region` to `scope` (an App or Stage) and returns it. */
  public static addStack(scope: Construct, id: string, props: AlarmForwardingStackProps): Stack {
    return new core.AlarmForwardingStack(scope, id, {
      ...props,
      plan: core.loadPlanFile(props.planFile),
      healthChecks: props.healthChecks,
    });
  }

  /** The regions that need an alarm stack for the plan. */
  public static regions(planFile: string, hasHealthChecks: boolean): string[] {
    return core.alarmForwardingRegions(core.loadPlanFile(planFile), hasHealthChecks);
  }

  private constructor() {}
}
