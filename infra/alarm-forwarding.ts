import { ArnFormat, Duration, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';

/** Route 53 publishes `HealthCheckStatus` only here; an alarm elsewhere stays INSUFFICIENT_DATA. */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/** A Route 53 health check to alarm on. */
export interface HealthCheckAlarmSpec {
  /** Name of the alarm: one of the plan's trigger alarms in us-east-1. */
  readonly alarmName: string;
  /** The Route 53 health check id (a token from a stack in us-east-1, or a literal). */
  readonly healthCheckId: string;
  /**
   * Consecutive failed one-minute periods before ALARM.
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

export interface AlarmForwardingStackProps extends StackProps {
  /** The validated plan: its recoveryRegion and the alarms that live in this stack's region. */
  readonly plan: Plan;
  /**
   * Route 53 health checks to alarm on; only in the us-east-1 stack.
   * @default none
   */
  readonly healthChecks?: readonly HealthCheckAlarmSpec[];
}

/**
 * The alarm side of one region: in us-east-1 the Route 53 `HealthCheckStatus` alarms, and in a
 * region other than the recovery region a rule that forwards the state changes of the plan's
 * alarms there to the recovery region's default event bus, where the orchestrator's rule runs.
 * A stack has one region, so each region gets its own stack; nothing here references another
 * region's stack (the recovery bus ARN is computed).
 */
export class AlarmForwardingStack extends Stack {
  public readonly healthCheckAlarms: readonly Alarm[];
  /** Undefined in the recovery region itself, where the orchestrator's rule sees the alarms. */
  public readonly forwardingRule?: Rule;
  public readonly deadLetterQueue?: Queue;

  public constructor(scope: Construct, id: string, props: AlarmForwardingStackProps) {
    super(scope, id, props);
    const { plan } = props;
    const healthChecks = props.healthChecks ?? [];
    validateForwardingProps(this.region, plan, healthChecks);

    this.healthCheckAlarms = healthChecks.map(
      (check) =>
        new Alarm(this, `HealthCheckAlarm-${check.alarmName}`, {
          alarmName: check.alarmName,
          alarmDescription: `Route 53 health check ${check.healthCheckId} is failing: starts failover plan ${plan.name}`,
          metric: new Metric({
            namespace: 'AWS/Route53',
            metricName: 'HealthCheckStatus',
            dimensionsMap: { HealthCheckId: check.healthCheckId },
            statistic: 'Minimum',
            period: Duration.minutes(1),
          }),
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          threshold: 1,
          evaluationPeriods: check.evaluationPeriods ?? 3,
          // No data means Route 53 (or its checkers) stopped reporting: assume the worst.
          treatMissingData: TreatMissingData.BREACHING,
        }),
    );

    const alarmNames = [
      ...new Set(
        plan.triggers.alarms.filter((alarm) => alarm.region === this.region).map((alarm) => alarm.name),
      ),
    ].sort();
    if (this.region === plan.recoveryRegion || alarmNames.length === 0) return;

    this.deadLetterQueue = new Queue(this, 'ForwardingDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the forwarding rule target; it needs no DLQ of its own.',
    });
    const recoveryBusArn = this.formatArn({
      service: 'events',
      region: plan.recoveryRegion,
      resource: 'event-bus',
      resourceName: 'default',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.forwardingRule = new Rule(this, 'ForwardAlarmsRule', {
      description: `failover plan ${plan.name}: forward its alarms entering ALARM to ${plan.recoveryRegion}`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { alarmName: alarmNames, state: { value: ['ALARM'] } },
      },
    });
    // A cross-region event bus target needs a role (CDK creates one allowed events:PutEvents on that bus only).
    this.forwardingRule.addTarget(
      new EventBusTarget(EventBus.fromEventBusArn(this, 'RecoveryRegionBus', recoveryBusArn), {
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
  }
}

function validateForwardingProps(
  region: string,
  plan: Plan,
  healthChecks: readonly HealthCheckAlarmSpec[],
): void {
  const problems: string[] = [];
  if (Token.isUnresolved(region)) problems.push('the stack needs an explicit env.region');
  if (healthChecks.length > 0 && region !== ROUTE53_METRICS_REGION) {
    problems.push(
      `Route 53 health check alarms must be in ${ROUTE53_METRICS_REGION} (the only region with HealthCheckStatus), not ${region}`,
    );
  }
  const planAlarmsHere = new Set(
    plan.triggers.alarms
      .filter((alarm) => alarm.region === ROUTE53_METRICS_REGION)
      .map((alarm) => alarm.name),
  );
  for (const check of healthChecks) {
    if (!planAlarmsHere.has(check.alarmName)) {
      problems.push(
        `health check alarm "${check.alarmName}" is not one of the plan's trigger alarms in ${ROUTE53_METRICS_REGION}: it would never start a failover`,
      );
    }
    if (!Token.isUnresolved(check.healthCheckId) && !/^[0-9a-f-]{36}$/.test(check.healthCheckId)) {
      problems.push(
        `healthCheckId of "${check.alarmName}" must be a Route 53 health check id (UUID), got "${check.healthCheckId}"`,
      );
    }
    const periods = check.evaluationPeriods ?? 3;
    if (!Number.isInteger(periods) || periods < 1 || periods > 10) {
      problems.push(`evaluationPeriods of "${check.alarmName}" must be 1 to 10, got ${periods}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`AlarmForwardingStack: invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Regions that need an `AlarmForwardingStack`: us-east-1 for health checks, and every non-recovery region holding plan alarms. */
export function alarmForwardingRegions(plan: Plan, hasHealthChecks: boolean): string[] {
  const regions = new Set(
    plan.triggers.alarms.map((alarm) => alarm.region).filter((region) => region !== plan.recoveryRegion),
  );
  if (hasHealthChecks) regions.add(ROUTE53_METRICS_REGION);
  return [...regions].sort();
}
