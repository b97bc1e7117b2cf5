import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { AlarmForwardingStack, alarmForwardingRegions } from '../../infra/alarm-forwarding.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import {
  ACCOUNT,
  exampleApp,
  exampleStacks,
  fixturePath,
  synthesize,
  templateOf,
  testApp,
} from './infra-helpers.js';

const HEALTH_CHECK_ID = '3f0c2a4e-8d1b-4c5e-9a7f-123456789abc';
const RECOVERY_BUS = 'arn:${Partition}:events:us-west-2:111111111111:event-bus/default';

function busArnText(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : '${Partition}')).join(join[0]);
}

function forwardingTemplate(plan: Plan, region: string, healthChecks = false): Template {
  const app = testApp({ bundle: false });
  const stack = new AlarmForwardingStack(app, 'Alarms', {
    env: { account: ACCOUNT, region },
    plan,
    healthChecks: healthChecks ? [{ alarmName: 'shop-primary-health', healthCheckId: HEALTH_CHECK_ID }] : [],
  });
  return templateOf(synthesize(app, [stack]), stack);
}

describe('alarm forwarding in the example app', () => {
  let alarms: Template;
  let primary: Template;

  beforeAll(() => {
    const example = exampleApp({ bundle: false });
    const synthesized = synthesize(example.app, exampleStacks(example));
    expect(example.alarmForwarding.map((stack) => stack.region)).toEqual(['us-east-1']);
    alarms = templateOf(synthesized, example.alarmForwarding[0] as AlarmForwardingStack);
    primary = templateOf(synthesized, example.primary);
  });

  it('alarms in us-east-1 when the primary Route 53 health check fails for three minutes', () => {
    const healthCheckId = new Capture();
    alarms.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-primary-health',
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: healthCheckId }],
      Statistic: 'Minimum',
      Period: 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
    });
    // The id is the primary stack's health check, imported within us-east-1.
    const exportName = (healthCheckId.asObject() as { 'Fn::ImportValue': string })['Fn::ImportValue'];
    const [healthCheckLogicalId] = Object.keys(primary.findResources('AWS::Route53::HealthCheck'));
    const exported = Object.values(
      primary.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>,
    ).find((output) => output.Export?.Name === exportName);
    expect(exported?.Value).toEqual({ Ref: healthCheckLogicalId });
  });

  it('forwards the us-east-1 plan alarms entering ALARM to the recovery region default bus, with a role and a DLQ', () => {
    const target = new Capture();
    alarms.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: ['shop-alb-5xx', 'shop-primary-composite', 'shop-primary-health'],
          state: { value: ['ALARM'] },
        },
      },
      Targets: [target],
    });
    const [queueId] = Object.keys(alarms.findResources('AWS::SQS::Queue'));
    const { Arn, RoleArn, DeadLetterConfig } = target.asObject() as {
      Arn: unknown;
      RoleArn: { 'Fn::GetAtt': [string] };
      DeadLetterConfig: unknown;
    };
    expect(busArnText(Arn)).toBe(RECOVERY_BUS);
    expect(DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const roleId = RoleArn['Fn::GetAtt'][0];
    const statement = new Capture();
    alarms.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: { Statement: [statement] },
    });
    expect(statement.asObject()).toMatchObject({ Action: 'events:PutEvents', Effect: 'Allow' });
    expect(busArnText(statement.asObject().Resource)).toBe(RECOVERY_BUS);
  });

  it('makes the composite plan alarm from the health check alarm or the primary 5xx alarm', () => {
    const rule = new Capture();
    alarms.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'shop-primary-composite',
      AlarmRule: rule,
    });
    const [separator, parts] = (rule.asObject() as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const [healthAlarmId] = Object.keys(
      alarms.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'shop-primary-health' } }),
    );
    const [serverErrorAlarmId] = Object.keys(
      primary.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'shop-alb-5xx' } }),
    );
    const exports = Object.values(
      primary.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>,
    );
    const imported = (name: unknown): unknown =>
      exports.find(
        (output) => output.Export?.Name === (name as { 'Fn::ImportValue': string })['Fn::ImportValue'],
      )?.Value;

    expect(separator).toBe('');
    expect(parts[0]).toBe('(ALARM("');
    expect(parts[1]).toEqual({ 'Fn::GetAtt': [healthAlarmId, 'Arn'] });
    expect(parts[2]).toBe('") OR ALARM("');
    expect(imported(parts[3])).toEqual({ 'Fn::GetAtt': [serverErrorAlarmId, 'Arn'] });
  });
});

describe('AlarmForwardingStack', () => {
  const plan = loadPlanFile(fixturePath('multi-region.plan.yaml'));

  it.each([
    ['health checks and alarms in two other regions', plan, true, ['eu-west-1', 'us-east-1']],
    ['alarms in two other regions, no health check', plan, false, ['eu-west-1', 'us-east-1']],
    [
      'a recovery region of us-east-1 with a health check',
      {
        ...plan,
        primaryRegion: 'us-west-2',
        recoveryRegion: 'us-east-1',
        triggers: { ...plan.triggers, alarms: [{ name: 'shop-primary-health', region: 'us-east-1' }] },
      },
      true,
      ['us-east-1'],
    ],
    [
      'only recovery-region alarms',
      { ...plan, triggers: { ...plan.triggers, alarms: [{ name: 'probe', region: 'us-west-2' }] } },
      false,
      [],
    ],
  ] as const)('needs a stack per region for %s', (_case, subject, healthChecks, regions) => {
    expect(alarmForwardingRegions(subject as Plan, healthChecks)).toEqual(regions);
  });

  it('forwards only the alarms of its own region', () => {
    const template = forwardingTemplate(plan, 'eu-west-1');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: { alarmName: ['shop-eu-canary'], state: { value: ['ALARM'] } },
      }),
    });
  });

  it('in the recovery region alarms on the health check but forwards nothing (the orchestrator rule is local)', () => {
    const local = parsePlan({
      name: 'east-recovery',
      primaryRegion: 'us-west-2',
      recoveryRegion: 'us-east-1',
      objectives: { rtoSeconds: 900, rpoSeconds: 60 },
      triggers: { alarms: [{ name: 'shop-primary-health', region: 'us-east-1' }] },
      parameters: [{ name: '/shop/active-region', value: '{{recoveryRegion}}' }],
    });
    const template = forwardingTemplate(local, 'us-east-1', true);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'HealthCheckId', Value: HEALTH_CHECK_ID }],
    });
  });
});
