import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { allowAlarmNotifications } from './readiness-monitor.js';

/** The period of the execution metrics the alarm sums (Step Functions publishes them per minute). */
export const EXECUTION_ALARM_PERIOD = Duration.minutes(1);

export interface ExecutionAlarmProps {
  readonly stateMachine: StateMachine;
  readonly topic: ITopic;
  /** The key of a topic the orchestrator created (CloudWatch is then allowed to use it). @default undefined */
  readonly topicKey?: IKey;
  readonly alarmName: string;
  readonly planName: string;
}

/**
 * The alarm on the orchestrator itself: an execution of the failover state machine that failed,
 * timed out or was aborted (stopped by hand) raises it, notified to the plan's topic. A workflow
 * that breaks may not be able to send its own FAILED notice (the topic refused, the notify
 * function throttled): this is the notice that does not depend on the workflow. It also fires
 * for the runs that end in a Fail state on purpose (a failover aborted because the alarm
 * recovered, or refused within the minimum interval): each of those was notified by the
 * workflow too, and says why.
 */
export class ExecutionAlarm extends Construct {
  public readonly alarm: Alarm;

  public constructor(scope: Construct, id: string, props: ExecutionAlarmProps) {
    super(scope, id);
    const { stateMachine } = props;
    const period = EXECUTION_ALARM_PERIOD;
    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        `A failover execution of plan ${props.planName} failed, timed out or was aborted: ` +
        'read its FAILED or ABORTED notice, or its execution history, for what was and was not done.',
      metric: new MathExpression({
        // A metric with no datapoint in the period is absent from the sum, not zero: FILL it.
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: stateMachine.metricFailed({ period, statistic: 'Sum' }),
          timedOut: stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
          aborted: stateMachine.metricAborted({ period, statistic: 'Sum' }),
        },
        label: 'Executions failed, timed out or aborted',
        period,
      }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No execution ended in the minute: nothing went wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.topic));
    if (props.topicKey) allowAlarmNotifications(this.alarm, props.topic, props.topicKey);
  }
}
