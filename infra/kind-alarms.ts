import { CfnOutput, Tags } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import {
  HealthCheck,
  HealthCheckType,
  InsufficientDataHealthStatusEnum,
  type IHealthCheck,
} from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import type { KindAlarm, KindHealthCheck } from '../functions/kinds/kind-definition.js';
import { KINDS } from '../functions/kinds/registry.js';

/** The alarms the kinds of the plan ask for (their definitions' `alarms`), in registry order. No kind is named here. */
export function kindAlarmSpecs(plan: Plan): KindAlarm[] {
  return KINDS.flatMap((kind) =>
    kind.alarms === undefined ? [] : (kind.alarms as (plan: Plan) => readonly KindAlarm[])(plan),
  );
}

/** The health checks without an alarm the kinds of the plan ask for (their definitions' `healthChecks`), in registry order. */
export function kindHealthCheckSpecs(plan: Plan): KindHealthCheck[] {
  return KINDS.flatMap((kind) =>
    kind.healthChecks === undefined
      ? []
      : (kind.healthChecks as (plan: Plan) => readonly KindHealthCheck[])(plan),
  );
}

const pascalCase = (kebab: string): string =>
  kebab.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

const INSUFFICIENT_DATA: Readonly<
  Record<
    NonNullable<KindAlarm['healthCheck']>['insufficientDataHealthStatus'],
    InsufficientDataHealthStatusEnum
  >
> = {
  Healthy: InsufficientDataHealthStatusEnum.HEALTHY,
  Unhealthy: InsufficientDataHealthStatusEnum.UNHEALTHY,
  LastKnownStatus: InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
};

/**
 * The CloudWatch alarms the kinds ask for (e.g. each DNS flag's alarm on its metric), created in
 * this stack's region, which must be the plan's recovery region: that is where the kinds publish
 * and read them, and where the Route 53 health checks look for them.
 */
export class KindAlarms extends Construct {
  /** The alarms by their kind's key (e.g. `dns-flag-shop`). */
  public readonly alarms: Readonly<Record<string, CfnAlarm>>;

  public constructor(scope: Construct, id: string, props: { readonly plan: Plan }) {
    super(scope, id);
    this.alarms = Object.fromEntries(
      kindAlarmSpecs(props.plan).map((spec) => [
        spec.key,
        new CfnAlarm(this, pascalCase(spec.key), {
          alarmName: spec.alarmName,
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          dimensions: spec.dimensions.map((dimension) => ({ name: dimension.Name, value: dimension.Value })),
          statistic: spec.statistic,
          period: spec.periodSeconds,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          threshold: spec.threshold,
          comparisonOperator: spec.comparisonOperator,
          treatMissingData: spec.treatMissingData,
        }),
      ]),
    );
  }
}

/** What KindHealthChecks builds. */
export interface KindHealthChecksProps {
  readonly plan: Plan;
  /**
   * Only the health checks on the kinds' alarms (CLOUDWATCH_METRIC), not those that need no
   * alarm (RECOVERY_CONTROL on routing controls).
   * @default false
   */
  readonly alarmHealthChecksOnly?: boolean;
}

/**
 * Route 53 health checks of type CLOUDWATCH_METRIC on the kinds' alarms in the plan's recovery
 * region (those with `healthCheck`), then the kinds' health checks that need no alarm (type
 * RECOVERY_CONTROL on each routing control), named by the plan, each id a stack output
 * (`<Key>HealthCheckId`). A health check is a global resource: this construct may sit in any
 * stack of the app, e.g. beside the PRIMARY failover record it is wired to, as long as the
 * alarms exist first (Route 53 reads the alarm's configuration when it creates the check).
 * The FailoverOrchestrator creates them itself unless told `createHealthChecks: false`.
 */
export class KindHealthChecks extends Construct {
  /** The health checks by their kind's key (e.g. `dns-flag-shop`, `arc-routing-control-<set>-<control>`). */
  public readonly healthChecks: Readonly<Record<string, IHealthCheck>>;

  public constructor(scope: Construct, id: string, props: KindHealthChecksProps) {
    super(scope, id);
    const { plan } = props;
    const onAlarms = kindAlarmSpecs(plan).flatMap((spec) => {
      const healthCheck = spec.healthCheck;
      if (healthCheck === undefined) return [];
      const check = new HealthCheck(this, pascalCase(spec.key), {
        type: HealthCheckType.CLOUDWATCH_METRIC,
        alarmIdentifier: { name: spec.alarmName, region: plan.recoveryRegion },
        insufficientDataHealthStatus: INSUFFICIENT_DATA[healthCheck.insufficientDataHealthStatus],
      });
      // The Name tag is what the Route 53 console lists the health check by.
      Tags.of(check).add('Name', healthCheck.name);
      new CfnOutput(this, `${pascalCase(spec.key)}HealthCheckId`, {
        description: `Route 53 health check on alarm ${spec.alarmName} (${plan.recoveryRegion}): associate the PRIMARY failover record with it`,
        value: check.healthCheckId,
      });
      return [[spec.key, check] as const];
    });
    const withoutAlarm =
      props.alarmHealthChecksOnly === true
        ? []
        : kindHealthCheckSpecs(plan).map((spec) => {
            const check = new HealthCheck(this, pascalCase(spec.key), {
              type: HealthCheckType.RECOVERY_CONTROL,
              routingControl: spec.routingControlArn,
            });
            Tags.of(check).add('Name', spec.name);
            new CfnOutput(this, `${pascalCase(spec.key)}HealthCheckId`, {
              description: `Route 53 health check on routing control ${spec.routingControlArn}: associate the records of its cell with it`,
              value: check.healthCheckId,
            });
            return [spec.key, check] as const;
          });
    this.healthChecks = Object.fromEntries([...onAlarms, ...withoutAlarm]);
  }
}
