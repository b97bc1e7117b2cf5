import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { READINESS_METRIC, READINESS_NAMESPACE } from '../../functions/readiness-check/readiness-metric.js';
import { READINESS_CHECK_TIMEOUT_SECONDS } from '../../infra/function-settings.js';
import { READINESS_METRIC as INFRA_METRIC } from '../../infra/readiness-monitor.js';
import { READINESS_NAMESPACE as INFRA_NAMESPACE } from '../../infra/function-permissions.js';
import { orchestratorApp, repositoryPath, synthesize, templateOf } from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

function orchestratorTemplate(planFile: string): Template {
  const { app, stack } = orchestratorApp(planFile, { bundle: false });
  return templateOf(synthesize(app, [stack]), stack);
}

/** The readiness check's function and its logical id, found by description. */
function readinessFunction(template: Template, planName: string): [string, Resource] {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `failover-orchestrator ${planName}: readiness-check` },
    }),
  ) as [string, Resource][];
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

const onlyId = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids, `exactly one ${type}`).toHaveLength(1);
  return ids[0] ?? '';
};

describe('FailoverOrchestrator readiness check', () => {
  let template: Template;

  beforeAll(() => {
    template = orchestratorTemplate('multi-region.plan.yaml');
  });

  it('names the metric as the handler publishes it', () => {
    expect([INFRA_NAMESPACE, INFRA_METRIC]).toEqual([READINESS_NAMESPACE, READINESS_METRIC]);
  });

  it('runs the check every 30 minutes, and only EventBridge rules of this schedule may invoke it', () => {
    const [functionId] = readinessFunction(template, 'shop-staging');
    const target = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Targets: [target],
    });
    expect(target.asObject()).toMatchObject({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } });
    const [ruleId] = Object.keys(
      template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(30 minutes)' } }),
    );
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('tells the check the topic and the state machine; the plan is compiled in, not in the environment', () => {
    const [, fn] = readinessFunction(template, 'shop-staging');
    expect(fn.Properties).toMatchObject({
      Architectures: ['arm64'],
      Timeout: READINESS_CHECK_TIMEOUT_SECONDS,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: {
          FAILOVER_TOPIC_ARN: { Ref: onlyId(template, 'AWS::SNS::Topic') },
          FAILOVER_STATE_MACHINE_ARN: { Ref: onlyId(template, 'AWS::StepFunctions::StateMachine') },
        },
      },
    });
    expect(fn.Properties.Environment).not.toHaveProperty('Variables.FAILOVER_PLAN');
  });

  it('is not a step: the state machine neither substitutes nor may invoke it', () => {
    const [functionId] = readinessFunction(template, 'shop-staging');
    const [, stateMachine] = Object.entries(
      template.findResources('AWS::StepFunctions::StateMachine'),
    )[0] as [string, Resource];
    expect(JSON.stringify(stateMachine.Properties.DefinitionSubstitutions)).not.toContain(functionId);
    const invokers = template.findResources('AWS::IAM::Policy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' })]),
        },
      },
    });
    expect(JSON.stringify(invokers)).not.toContain(functionId);
  });

  it('alarms to the topic when the plan is not ready or the check stops reporting for 30 minutes', () => {
    const topic = { Ref: onlyId(template, 'AWS::SNS::Topic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-staging-failover-readiness',
      Namespace: READINESS_NAMESPACE,
      MetricName: READINESS_METRIC,
      Dimensions: [{ Name: 'Plan', Value: 'shop-staging' }],
      Statistic: 'Minimum',
      Period: 1800,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  it('lets CloudWatch publish this alarm to the created topic, and use the topic key', () => {
    const alarmIds = Object.keys(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp('-readiness$') },
      }),
    );
    expect(alarmIds).toHaveLength(1);
    const alarmId = alarmIds[0] ?? '';
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [alarmId, 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': '111111111111' },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          }),
        ]),
      },
    });
  });
});

describe('FailoverOrchestrator readiness check with notifications.topicArn in the plan', () => {
  it("alarms to the plan's topic and checks that topic, without changing its policy", () => {
    const template = orchestratorTemplate(repositoryPath('examples', 'shop-prod.plan.yaml'));
    const topicArn = 'arn:aws:sns:us-west-2:111111111111:shop-failover';
    const [, fn] = readinessFunction(template, 'shop-prod');

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'Plan', Value: 'shop-prod' }],
      AlarmActions: [topicArn],
    });
    expect(fn.Properties.Environment).toMatchObject({ Variables: { FAILOVER_TOPIC_ARN: topicArn } });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  });
});
