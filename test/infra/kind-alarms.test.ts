import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ARecord, Failover, HostedZone, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import { FailoverOrchestrator } from '../../infra/failover-orchestrator.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import {
  exampleApp,
  exampleStacks,
  orchestratorApp,
  repositoryPath,
  synthesize,
  templateOf,
  testApp,
} from './infra-helpers.js';

/**
 * The alarms and Route 53 health checks the kinds ask for (infra/kind-alarms.ts), for
 * examples/dns-flag.plan.yaml: the DNS flag's alarm in the recovery region, its CLOUDWATCH_METRIC
 * health check, and a PRIMARY failover record wired to it; and for the ARC routing control plans,
 * a RECOVERY_CONTROL health check on each control.
 */

const PLAN_FILE = repositoryPath('examples/dns-flag.plan.yaml');
const ALARM_NAME = 'shop-prod-dns-flag-shop';

const flagAlarm = {
  AlarmName: ALARM_NAME,
  Namespace: 'FailoverOrchestrator/DnsFlags',
  MetricName: 'PrimaryFailedOver',
  Dimensions: [
    { Name: 'Plan', Value: 'shop-prod' },
    { Name: 'Flag', Value: 'shop' },
  ],
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'ignore',
};

const flagHealthCheck = {
  HealthCheckConfig: {
    Type: 'CLOUDWATCH_METRIC',
    AlarmIdentifier: { Name: ALARM_NAME, Region: 'us-west-2' },
    InsufficientDataHealthStatus: 'LastKnownStatus',
  },
  HealthCheckTags: [{ Key: 'Name', Value: ALARM_NAME }],
};

/**
 * The user's zone and a PRIMARY failover record associated with one of the orchestrator's kind
 * health checks (by its key), in the orchestrator's own stack.
 */
function stackWithPrimaryRecord(
  planFile: string,
  healthCheckKey: string,
): { stack: Stack; zone: IHostedZone } {
  const app = testApp({ bundle: false });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'us-west-2' } });
  const orchestrator = new FailoverOrchestrator(stack, 'Failover', { plan: loadPlanFile(planFile) });
  const zone = HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    zoneName: 'example.com',
    hostedZoneId: 'Z0EXAMPLE0000000000',
  });
  new ARecord(stack, 'Primary', {
    zone,
    recordName: 'shop',
    target: RecordTarget.fromIpAddresses('192.0.2.10'),
    failover: Failover.PRIMARY,
    setIdentifier: 'shop-primary',
    healthCheck: orchestrator.kindHealthChecks[healthCheckKey],
  });
  return { stack, zone };
}

describe('the orchestrator with a DNS flag', () => {
  it('creates the flag alarm in the recovery region and a CLOUDWATCH_METRIC health check on it, after it', () => {
    // Arrange
    const { app, stack } = orchestratorApp(PLAN_FILE, { bundle: false });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    expect(stack.region).toBe('us-west-2');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', flagAlarm);
    const checks = template.findResources('AWS::Route53::HealthCheck', { Properties: flagHealthCheck });
    expect(Object.keys(checks)).toHaveLength(1);
    const [check] = Object.values(checks) as { DependsOn?: string[] }[];
    const [alarmId] = Object.keys(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: ALARM_NAME } }),
    );
    expect(check?.DependsOn).toContain(alarmId);
    template.hasOutput('*', {
      Value: { Ref: Object.keys(checks)[0] },
      Description: Match.stringLikeRegexp('associate the PRIMARY failover record'),
    });
  });

  it("exposes the health check so the stack's PRIMARY failover record can be associated with it", () => {
    // Arrange: the user's zone and a failover record pair, in the orchestrator's own stack.
    const { stack, zone } = stackWithPrimaryRecord(PLAN_FILE, 'dns-flag-shop');
    new ARecord(stack, 'Secondary', {
      zone,
      recordName: 'shop',
      target: RecordTarget.fromIpAddresses('198.51.100.10'),
      failover: Failover.SECONDARY,
      setIdentifier: 'shop-secondary',
    });

    // Act
    const template = Template.fromStack(stack);

    // Assert
    const [checkId] = Object.keys(
      template.findResources('AWS::Route53::HealthCheck', { Properties: flagHealthCheck }),
    );
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'shop.example.com.',
      Failover: 'PRIMARY',
      HealthCheckId: { Ref: checkId },
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      HealthCheckId: Match.absent(),
    });
  });

  it('leaves the health check to another stack when told createHealthChecks: false, keeping the alarm', () => {
    // Arrange
    const { app, stack } = orchestratorApp(PLAN_FILE, {
      bundle: false,
      props: { createHealthChecks: false },
    });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.hasResourceProperties('AWS::CloudWatch::Alarm', flagAlarm);
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(stack.orchestrator.kindHealthChecks).toEqual({});
  });

  it('creates no kind alarm nor health check for a plan without DNS flags nor routing controls', () => {
    // Arrange
    const { app, stack } = orchestratorApp(repositoryPath('examples/shop-prod.plan.yaml'), {
      bundle: false,
    });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(stack.orchestrator.kindAlarms).toEqual({});
    expect(stack.orchestrator.kindHealthChecks).toEqual({});
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.includes('HealthCheckId'))).toEqual([]);
  });
});

/**
 * examples/arc-routing-control.plan.yaml: one routing control set, shop-cells, with one control
 * turned On (the us-west-2 cell's) and one turned Off (the us-east-1 cell's). Each control gets
 * its own RECOVERY_CONTROL health check: what the user's records are associated with.
 */
const ARC_PLAN_FILE = repositoryPath('examples/arc-routing-control.plan.yaml');
const CONTROL_PANEL =
  'arn:aws:route53-recovery-control::111111111111:controlpanel/0123456789abcdef0123456789abcdef';
const ON_CONTROL = `${CONTROL_PANEL}/routingcontrol/usw2cell0a1b2c3d`;
const OFF_CONTROL = `${CONTROL_PANEL}/routingcontrol/use1cell0a1b2c3d`;

const controlHealthCheck = (arn: string, name: string): Record<string, unknown> => ({
  HealthCheckConfig: { Type: 'RECOVERY_CONTROL', RoutingControlArn: arn },
  HealthCheckTags: [{ Key: 'Name', Value: name }],
});

describe('the orchestrator with ARC routing controls', () => {
  it('creates a RECOVERY_CONTROL health check on each routing control, on and off alike, each id an output', () => {
    // Arrange
    const { app, stack } = orchestratorApp(ARC_PLAN_FILE, { bundle: false });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.resourceCountIs('AWS::Route53::HealthCheck', 2);
    for (const [arn, name] of [
      [ON_CONTROL, 'shop-prod-shop-cells-usw2cell0a1b2c3d'],
      [OFF_CONTROL, 'shop-prod-shop-cells-use1cell0a1b2c3d'],
    ] as const) {
      const checks = template.findResources('AWS::Route53::HealthCheck', {
        Properties: controlHealthCheck(arn, name),
      });
      expect(Object.keys(checks)).toHaveLength(1);
      const [checkId] = Object.keys(checks);
      template.hasOutput('*', {
        Value: { Ref: checkId },
        Description: Match.stringLikeRegexp(`routing control ${arn}`),
      });
    }
    expect(Object.keys(stack.orchestrator.kindHealthChecks)).toEqual([
      'arc-routing-control-shop-cells-usw2cell0a1b2c3d',
      'arc-routing-control-shop-cells-use1cell0a1b2c3d',
    ]);
    expect(stack.orchestrator.kindAlarms).toEqual({});
  });

  it("exposes each control's health check, so a cell's record can be associated with it", () => {
    // Arrange: the primary cell's record on its (off) control's check.
    const { stack } = stackWithPrimaryRecord(
      ARC_PLAN_FILE,
      'arc-routing-control-shop-cells-use1cell0a1b2c3d',
    );

    // Act
    const template = Template.fromStack(stack);

    // Assert
    const [checkId] = Object.keys(
      template.findResources('AWS::Route53::HealthCheck', {
        Properties: controlHealthCheck(OFF_CONTROL, 'shop-prod-shop-cells-use1cell0a1b2c3d'),
      }),
    );
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'PRIMARY',
      HealthCheckId: { Ref: checkId },
    });
  });

  it('creates one per control of every set (test/infra/fixtures/multi-region.plan.yaml)', () => {
    // Arrange
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.resourceCountIs('AWS::Route53::HealthCheck', 2);
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'RECOVERY_CONTROL', RoutingControlArn: ON_CONTROL },
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'RECOVERY_CONTROL', RoutingControlArn: OFF_CONTROL },
    });
    expect(Object.keys(stack.orchestrator.kindHealthChecks)).toEqual([
      'arc-routing-control-cells-usw2cell0a1b2c3d',
      'arc-routing-control-cells-use1cell0a1b2c3d',
    ]);
  });

  it('creates none when told createHealthChecks: false', () => {
    // Arrange
    const { app, stack } = orchestratorApp(ARC_PLAN_FILE, {
      bundle: false,
      props: { createHealthChecks: false },
    });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(stack.orchestrator.kindHealthChecks).toEqual({});
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.includes('HealthCheckId'))).toEqual([]);
  });

  it("keeps the reference app's PRIMARY record on the load balancer check alone: no routing control check in its CALCULATED check", () => {
    // Arrange
    const example = exampleApp({ bundle: false, planPath: 'examples/arc-routing-control.plan.yaml' });

    // Act
    const synthesized = synthesize(example.app, exampleStacks(example));

    // Assert
    const primary = templateOf(synthesized, example.primary);
    primary.resourceCountIs('AWS::Route53::HealthCheck', 1);
    primary.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'HTTP' } });
    templateOf(synthesized, example.orchestrator).resourceCountIs('AWS::Route53::HealthCheck', 0);
  });
});

describe('the reference app with a DNS flag plan', () => {
  it('makes the PRIMARY record follow the load balancer and the flag (a CALCULATED check of both), after the alarm exists', () => {
    // Arrange
    const example = exampleApp({ bundle: false, planPath: 'examples/dns-flag.plan.yaml' });

    // Act
    const synthesized = synthesize(example.app, exampleStacks(example));
    const primary = templateOf(synthesized, example.primary);
    const orchestrator = templateOf(synthesized, example.orchestrator);

    // Assert
    orchestrator.hasResourceProperties('AWS::CloudWatch::Alarm', flagAlarm);
    orchestrator.resourceCountIs('AWS::Route53::HealthCheck', 0);
    const [flagCheck] = Object.keys(
      primary.findResources('AWS::Route53::HealthCheck', { Properties: flagHealthCheck }),
    );
    const [albCheck] = Object.keys(
      primary.findResources('AWS::Route53::HealthCheck', {
        Properties: { HealthCheckConfig: { Type: 'HTTP' } },
      }),
    );
    const [calculated] = Object.keys(
      primary.findResources('AWS::Route53::HealthCheck', {
        Properties: {
          HealthCheckConfig: {
            Type: 'CALCULATED',
            HealthThreshold: 2,
            ChildHealthChecks: [{ Ref: albCheck }, { Ref: flagCheck }],
          },
        },
      }),
    );
    expect(calculated).toBeDefined();
    primary.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'PRIMARY',
      HealthCheckId: { Ref: calculated },
    });
    expect(example.primary.dependencies).toContain(example.orchestrator);
  });

  it('keeps the shop-prod reference app as it was: the PRIMARY record on the load balancer check alone', () => {
    // Arrange
    const example = exampleApp({ bundle: false });

    // Act
    const primary = templateOf(synthesize(example.app, exampleStacks(example)), example.primary);

    // Assert
    primary.resourceCountIs('AWS::Route53::HealthCheck', 1);
    expect(example.primary.dependencies).not.toContain(example.orchestrator);
  });
});
