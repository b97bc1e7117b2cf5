import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ARecord, Failover, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
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
 * health check, and a PRIMARY failover record wired to it.
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
    const app = testApp({ bundle: false });
    const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'us-west-2' } });
    const orchestrator = new FailoverOrchestrator(stack, 'Failover', { plan: loadPlanFile(PLAN_FILE) });
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
      healthCheck: orchestrator.kindHealthChecks['dns-flag-shop'],
    });
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

  it('creates no kind alarm nor health check for a plan without DNS flags', () => {
    // Arrange
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false });

    // Act
    const template = templateOf(synthesize(app, [stack]), stack);

    // Assert
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(stack.orchestrator.kindAlarms).toEqual({});
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
