import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as OrchestratorLambda } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { READINESS_NAMESPACE, readinessCheckStatements } from './function-permissions.js';
import { READINESS_CHECK_ID, READINESS_CHECK_TIMEOUT_SECONDS } from './function-settings.js';
import { OrchestratorFunction, type OrchestratorFunctionOptions } from './orchestrator-function.js';

/** functions/readiness-check/readiness-metric.ts READINESS_METRIC (the infra test checks they agree). */
export const READINESS_METRIC = 'Readiness';
/** How often the check runs, and the period of the alarm on its metric. */
export const READINESS_INTERVAL = Duration.minutes(30);

export interface ReadinessMonitorProps {
  readonly plan: Plan;
  /** The function settings the workflow functions use; the timeout and environment are the check's own. */
  readonly functionOptions: Omit<OrchestratorFunctionOptions, 'environment'>;
  /** Where the check looks for the notification topic, and where the alarm notifies. */
  readonly topic: ITopic;
  /**
   * The key of a topic the orchestrator created: CloudWatch is then allowed to publish the
   * alarm's notifications. Undefined for the plan's own topic, whose policies are its owner's.
   * @default undefined
   */
  readonly topicKey?: IKey;
  /** The failover state machine the check verifies is deployed. */
  readonly stateMachine: IStateMachine;
  /** Name of the alarm on the Readiness metric. */
  readonly alarmName: string;
}

/**
 * The readiness check of functions/readiness-check, run every 30 minutes by an EventBridge rule,
 * and the alarm on the `FailoverOrchestrator Readiness` metric it publishes: ALARM when the plan
 * would not fail over now, or when the check stopped reporting (missing data is breaching).
 */
export class ReadinessMonitor extends Construct {
  public readonly function: OrchestratorLambda;
  public readonly schedule: Rule;
  public readonly alarm: Alarm;

  public constructor(scope: Construct, id: string, props: ReadinessMonitorProps) {
    super(scope, id);
    const { plan, topic, stateMachine } = props;

    const check = new OrchestratorFunction(this, 'Check', READINESS_CHECK_ID, {
      ...props.functionOptions,
      // Not invoked by the workflow, so not bound by its timeouts (function-settings.ts).
      timeout: Duration.seconds(READINESS_CHECK_TIMEOUT_SECONDS),
      environment: {
        FAILOVER_TOPIC_ARN: topic.topicArn,
        // No cycle: the state machine never invokes this function.
        FAILOVER_STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      },
    });
    for (const statement of readinessCheckStatements(plan, Stack.of(this), {
      topic: topic.topicArn,
      stateMachine: stateMachine.stateMachineArn,
    })) {
      check.role.addToPrincipalPolicy(statement);
    }
    this.function = check.function;

    this.schedule = new Rule(this, 'Schedule', {
      description: `failover-orchestrator ${plan.name}: run the readiness check every 30 minutes`,
      schedule: Schedule.rate(READINESS_INTERVAL),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.function, {
        // A check delivered after the next one is due would say nothing new.
        maxEventAge: Duration.minutes(25),
        retryAttempts: 3,
      }),
    );

    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        `Failover plan ${plan.name} is not ready, or its readiness check stopped reporting: ` +
        `run \`failover check\` for the failing checks (${READINESS_NAMESPACE} ${READINESS_METRIC} < 1).`,
      metric: new Metric({
        namespace: READINESS_NAMESPACE,
        metricName: READINESS_METRIC,
        dimensionsMap: { Plan: plan.name },
        statistic: 'Minimum',
        period: READINESS_INTERVAL,
      }),
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No datapoint means the check did not run (or failed before publishing): as bad as "not ready".
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(topic));
    this.alarm.addOkAction(new SnsAction(topic));
    if (props.topicKey) allowAlarmNotifications(this.alarm, topic, props.topicKey);
  }
}

/**
 * Lets CloudWatch publish the alarm's notifications to a topic the orchestrator created. Its
 * topic policy (TLS only) replaces the default one, so CloudWatch needs an explicit grant, scoped
 * to this alarm; and SNS encrypts with the topic's key on CloudWatch's behalf, so the key policy
 * must allow it (SNS developer guide, "compatibility between event sources from AWS services and
 * encrypted topics"). Without both, the alarm changes state and nobody hears of it.
 */
export function allowAlarmNotifications(alarm: Alarm, topic: ITopic, topicKey: IKey): void {
  const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': alarm.alarmArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(alarm).account },
      },
    }),
  );
  // As the SNS guide writes it, without source conditions (an alarm ARN here would also make the
  // key depend on the alarm, which depends on the topic and so on the key): this key encrypts
  // only this topic, and the topic policy above admits this one alarm.
  topicKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [cloudWatch],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
    }),
  );
}
