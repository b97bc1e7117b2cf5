import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CrossStackReferences,
  ReferenceStrength,
  Validations,
  type App,
  type Environment,
} from 'aws-cdk-lib';
import { AlarmRule, AlarmState, CompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Plan } from '../functions/common/plan.js';
import { AlarmForwardingStack, alarmForwardingRegions, ROUTE53_METRICS_REGION } from './alarm-forwarding.js';
import { FailoverOrchestratorStack } from './failover-orchestrator-stack.js';
import { kindAlarmSpecs } from './kind-alarms.js';
import { loadPlanFile } from './plan-file.js';
import { ReferenceBaseStack } from './reference-base-stack.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the example app reads from CDK context (`cdk synth -c account=123456789012 ...`). */
export interface ExampleAppOptions {
  /** @default '111111111111' (synthesizes anywhere; pass your account to deploy) */
  readonly account: string;
  /** Plan file, relative to the repository root or absolute. @default 'examples/shop-prod.plan.yaml' */
  readonly planPath: string;
  /** @default { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE0000000000' } */
  readonly hostedZone: { readonly zoneName: string; readonly hostedZoneId: string };
  /** The plan alarm that watches the primary's Route 53 health check. @default 'shop-primary-health' */
  readonly healthCheckAlarm: string;
  /** The plan alarm on the primary load balancer's 5xx. @default 'shop-alb-5xx' */
  readonly serverErrorAlarm: string;
  /** The plan alarm combining the two above (either one). @default 'shop-primary-composite' */
  readonly compositeAlarm: string;
  /** Run cdk-nag AwsSolutionsChecks at synth (findings fail the synth). @default true */
  readonly cdkNag: boolean;
}

export function exampleAppOptions(app: App): ExampleAppOptions {
  const context = (key: string, fallback: string): string => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  return {
    account: context('account', '111111111111'),
    planPath: context('plan', 'examples/shop-prod.plan.yaml'),
    hostedZone: {
      zoneName: context('hostedZoneName', 'example.com'),
      hostedZoneId: context('hostedZoneId', 'Z0EXAMPLE0000000000'),
    },
    healthCheckAlarm: context('healthCheckAlarm', 'shop-primary-health'),
    serverErrorAlarm: context('serverErrorAlarm', 'shop-alb-5xx'),
    compositeAlarm: context('compositeAlarm', 'shop-primary-composite'),
    cdkNag: app.node.tryGetContext('cdkNag') !== 'false' && app.node.tryGetContext('cdkNag') !== false,
  };
}

export interface ExampleAppStacks {
  readonly plan: Plan;
  readonly primary: ReferenceBaseStack;
  readonly recovery: ReferenceBaseStack;
  readonly alarmForwarding: readonly AlarmForwardingStack[];
  readonly orchestrator: FailoverOrchestratorStack;
}

/**
 * The example deployment: the reference base stack in the plan's primary and recovery regions,
 * the alarm stacks (us-east-1 for the Route 53 health check, plus any other region holding plan
 * alarms), and the orchestrator in the recovery region. Names the plan uses (replica, recovery
 * group, parameters) are taken from the plan, so the base stacks match it by construction.
 */
export function buildExampleApp(app: App, options: ExampleAppOptions): ExampleAppStacks {
  const planPath = isAbsolute(options.planPath)
    ? options.planPath
    : resolve(REPOSITORY_ROOT, options.planPath);
  const plan = loadPlanFile(planPath);
  const [database] = plan.databases;
  const [recoveryGroup] = plan.scalingGroups;
  if (plan.primaryRegion !== ROUTE53_METRICS_REGION || !database || !recoveryGroup) {
    throw new Error(
      `the example app expects a plan like examples/shop-prod.plan.yaml: primaryRegion ${ROUTE53_METRICS_REGION} ` +
        '(its Route 53 health check and alarm then share a region), one database and one scaling group; ' +
        `${planPath} does not fit. A plan for existing resources needs only FailoverOrchestratorStack (README).`,
    );
  }
  // The only cross-stack references are same-region: the us-east-1 alarm stack reads the primary
  // stack's health check id (and 5xx alarm). Strong (exports) on purpose: the primary stack
  // cannot drop them while an alarm uses them. Set before any stack exists (it is app context).
  CrossStackReferences.of(app).consume(ReferenceStrength.STRONG);
  const env = (region: string): Environment => ({ account: options.account, region });
  const planParameter = (suffix: string, fallback: string): string =>
    plan.parameters.find((parameter) => parameter.name.endsWith(suffix))?.name ?? fallback;
  const parameterNames = {
    dbHost: planParameter('/db/host', '/shop/db/host'),
    dbPort: planParameter('/db/port', '/shop/db/port'),
    activeRegion: planParameter('/active-region', '/shop/active-region'),
  };
  const planAlarm = (name: string): boolean =>
    plan.triggers.alarms.some((alarm) => alarm.name === name && alarm.region === plan.primaryRegion);

  // The primary's identifier is the replica's without "-replica" (shop-db-replica -> shop-db).
  const primaryIdentifier = database.replica.endsWith('-replica')
    ? database.replica.slice(0, -'-replica'.length)
    : `${database.replica}-primary`;
  const primary = new ReferenceBaseStack(app, `${plan.name}-base-primary`, {
    env: env(plan.primaryRegion),
    description: `Reference shop stack for plan ${plan.name}: primary site`,
    siteRole: 'primary',
    hostedZone: options.hostedZone,
    appGroup: { name: `${plan.name}-app-primary`, minCapacity: 2, maxCapacity: recoveryGroup.max },
    database: { kind: 'primary', instanceIdentifier: primaryIdentifier },
    activeRegion: plan.primaryRegion,
    parameterNames,
    serverErrorAlarmName: planAlarm(options.serverErrorAlarm) ? options.serverErrorAlarm : undefined,
    routingPlan: plan,
  });
  const recovery = new ReferenceBaseStack(app, `${plan.name}-base-recovery`, {
    env: env(plan.recoveryRegion),
    description: `Reference shop stack for plan ${plan.name}: recovery site (pilot light)`,
    siteRole: 'recovery',
    hostedZone: options.hostedZone,
    appGroup: { name: recoveryGroup.name, minCapacity: 1, maxCapacity: recoveryGroup.max },
    database: {
      kind: 'replica',
      instanceIdentifier: database.replica,
      sourceRegion: plan.primaryRegion,
      sourceInstanceIdentifier: primaryIdentifier,
    },
    activeRegion: plan.primaryRegion,
    parameterNames,
  });
  // The replica's source must exist first; the dependency orders deployment without a reference.
  recovery.addStackDependency(primary, 'the read replica replicates the primary database');

  const healthCheckId = primary.healthCheck?.healthCheckId;
  const healthChecks =
    healthCheckId && planAlarm(options.healthCheckAlarm)
      ? [{ alarmName: options.healthCheckAlarm, healthCheckId }]
      : [];
  const alarmForwarding = alarmForwardingRegions(plan, healthChecks.length > 0).map(
    (region) =>
      new AlarmForwardingStack(app, `${plan.name}-alarms-${region}`, {
        env: env(region),
        description: `Alarms of plan ${plan.name} in ${region}, forwarded to ${plan.recoveryRegion}`,
        plan,
        healthChecks: region === ROUTE53_METRICS_REGION ? healthChecks : [],
      }),
  );
  const primaryAlarms = alarmForwarding.find((stack) => stack.region === plan.primaryRegion);
  const [healthAlarm] = primaryAlarms?.healthCheckAlarms ?? [];
  if (primaryAlarms && healthAlarm && primary.serverErrorAlarm && planAlarm(options.compositeAlarm)) {
    new CompositeAlarm(primaryAlarms, 'PrimaryCompositeAlarm', {
      compositeAlarmName: options.compositeAlarm,
      alarmDescription: 'The primary site is failing: its health check or its 5xx rate',
      alarmRule: AlarmRule.anyOf(
        AlarmRule.fromAlarm(healthAlarm, AlarmState.ALARM),
        AlarmRule.fromAlarm(primary.serverErrorAlarm, AlarmState.ALARM),
      ),
    });
  }

  // The plan's DNS flags: their alarms in the orchestrator stack (recovery region), their Route 53
  // health checks beside the PRIMARY record they move (the primary stack), created after the alarms.
  const flagHealthChecks = kindAlarmSpecs(plan).some((spec) => spec.healthCheck !== undefined);
  const orchestrator = new FailoverOrchestratorStack(app, `${plan.name}-orchestrator`, {
    env: env(plan.recoveryRegion),
    plan,
    createHealthChecks: false,
  });
  if (flagHealthChecks)
    primary.addStackDependency(
      orchestrator,
      "the flags' Route 53 health checks watch the orchestrator's alarms",
    );

  if (options.cdkNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { plan, primary, recovery, alarmForwarding, orchestrator };
}
