import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as OrchestratorLambda } from 'aws-cdk-lib/aws-lambda';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { FENCE_RETRY_ID, FENCE_RETRY_MINUTES, fencingKinds } from '../functions/fence-retry/fencing-kinds.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import { allowTopicKeyPublishers, fenceRetryStatements } from './function-permissions.js';
import { FENCE_RETRY_TIMEOUT_SECONDS } from './function-settings.js';
import { OrchestratorFunction, type OrchestratorFunctionOptions } from './orchestrator-function.js';
import { allowAlarmNotifications } from './readiness-monitor.js';

export interface FenceRetryProps {
  readonly plan: Plan;
  /** The function settings the workflow functions use; the timeout and environment are the retry's own. */
  readonly functionOptions: Omit<OrchestratorFunctionOptions, 'environment'>;
  /** Where each attempt's notice goes. */
  readonly topic: ITopic;
  /** The key of a topic the orchestrator created: the retry publishes through SNS with it. */
  readonly topicKey?: IKey;
  /** The lock table, which holds the fencing records. */
  readonly lockTable: ITable;
  /** The workflow's function of each kind, by id: the retry invokes the fencing kinds' with action `fence`. */
  readonly kindFunctions: Readonly<Record<string, OrchestratorLambda>>;
  /** Name of the alarm on the retry's own errors. */
  readonly alarmName: string;
}

/**
 * The scheduled fence retry of functions/fence-retry (issue 10), in the recovery region, run
 * every 5 minutes by an EventBridge rule: it fences again, through each fencing kind's own
 * function, what a failover could not fence (the old region still down), and notifies each
 * attempt. It acts only while a fencing record has something pending; otherwise a run reads the
 * records and stops. The construct adds it only for plans with a fencing kind.
 */
export class FenceRetry extends Construct {
  public readonly function: OrchestratorLambda;
  public readonly schedule: Rule;
  /** ALARM (notified to the topic) when a run of the retry fails: it would otherwise fail unheard. */
  public readonly alarm: Alarm;

  public constructor(scope: Construct, id: string, props: FenceRetryProps) {
    super(scope, id);
    const { plan, topic, lockTable } = props;
    const kinds = fencingKinds(plan).map((kind) => {
      const fn = props.kindFunctions[kind.id];
      if (fn === undefined) throw new Error(`the fence retry needs the ${kind.id} function of the workflow`);
      return { id: kind.id, fn };
    });

    const retry = new OrchestratorFunction(this, 'Retry', FENCE_RETRY_ID, {
      ...props.functionOptions,
      // Not invoked by the workflow: it waits on the kinds' functions (up to their timeout).
      timeout: Duration.seconds(FENCE_RETRY_TIMEOUT_SECONDS),
      environment: {
        FAILOVER_LOCK_TABLE: lockTable.tableName,
        FAILOVER_TOPIC_ARN: topic.topicArn,
        ...Object.fromEntries(kinds.map(({ id: kind, fn }) => [functionArnVariable(kind), fn.functionArn])),
      },
    });
    for (const statement of fenceRetryStatements({
      topic: topic.topicArn,
      lockTable: lockTable.tableArn,
      kindFunctions: kinds.map(({ fn }) => fn.functionArn),
    })) {
      retry.role.addToPrincipalPolicy(statement);
    }
    // SNS encrypts the notice with the topic's key on the publisher's behalf.
    if (props.topicKey) allowTopicKeyPublishers(props.topicKey, [retry.role], plan.recoveryRegion);
    this.function = retry.function;

    this.schedule = new Rule(this, 'Schedule', {
      description: `failover-orchestrator ${plan.name}: retry fencing the old region every ${FENCE_RETRY_MINUTES} minutes while anything is pending`,
      schedule: Schedule.rate(Duration.minutes(FENCE_RETRY_MINUTES)),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.function, {
        // A run delivered after the next one is due would only repeat it.
        maxEventAge: Duration.minutes(FENCE_RETRY_MINUTES - 1),
        retryAttempts: 2,
      }),
    );

    // A run that fails (a record it cannot read, a notice it cannot publish) sends no notice of
    // its own: the alarm does, and again when runs succeed.
    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription: `The fence retry of failover plan ${plan.name} failed: see its log group; \`failover status --plan\` shows what is still NOT fenced.`,
      metric: this.function.metricErrors({ period: Duration.minutes(FENCE_RETRY_MINUTES), statistic: 'Sum' }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(topic));
    this.alarm.addOkAction(new SnsAction(topic));
    if (props.topicKey) allowAlarmNotifications(this.alarm, topic, props.topicKey);
  }
}
