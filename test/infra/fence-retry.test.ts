import { Capture, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FENCE_RETRY_ID, FENCE_RETRY_TIMEOUT_SECONDS } from '../../infra/function-settings.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { fixturePath, orchestratorApp, synthesize, templateOf } from './infra-helpers.js';

/** The fixture plan without its RDS databases (and the parameter naming one's endpoint). */
const withoutDatabases = (more: object = {}) => ({
  ...plan,
  databases: [],
  parameters: plan.parameters.filter((parameter) => !parameter.value.includes('{{databases.')),
  ...more,
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const plan = loadPlanFile(fixturePath('multi-region.plan.yaml'));

function orchestratorTemplate(props: Record<string, unknown> = {}): Template {
  const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false, props });
  return templateOf(synthesize(app, [stack]), stack);
}

/** A function of the orchestrator by its id (its description), with its logical id. */
function functionById(template: Template, id: string): [string, Resource][] {
  return Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `failover-orchestrator shop-staging: ${id}` },
    }),
  ) as [string, Resource][];
}

const only = (template: Template, id: string): [string, Resource] => {
  const found = functionById(template, id);
  expect(found, id).toHaveLength(1);
  return found[0] as [string, Resource];
};

describe('FailoverOrchestrator fence retry (issue 10)', () => {
  let template: Template;

  beforeAll(() => {
    template = orchestratorTemplate();
  });

  it('runs the retry every 5 minutes, and only that rule may invoke it', () => {
    const [functionId] = only(template, FENCE_RETRY_ID);
    const target = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [target],
    });
    expect(target.asObject()).toMatchObject({
      Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 240, MaximumRetryAttempts: 2 },
    });
    const [ruleId] = Object.keys(
      template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(5 minutes)' } }),
    );
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it("tells the retry the lock table, the topic and each fencing kind's function; no reserved concurrency", () => {
    const [, fn] = only(template, FENCE_RETRY_ID);
    const [rds] = only(template, 'rds-replica');
    const [groups] = only(template, 'auto-scaling-group');
    const table = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0];
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    expect(fn.Properties).toMatchObject({
      Timeout: FENCE_RETRY_TIMEOUT_SECONDS,
      Environment: {
        Variables: {
          FAILOVER_LOCK_TABLE: { Ref: table },
          FAILOVER_TOPIC_ARN: { Ref: topic },
          RdsReplicaFunctionArn: { 'Fn::GetAtt': [rds, 'Arn'] },
          AutoScalingGroupFunctionArn: { 'Fn::GetAtt': [groups, 'Arn'] },
        },
      },
    });
    // Only the fencing kinds: the retry cannot invoke what does not fence.
    expect(Object.keys((fn.Properties.Environment as { Variables: object }).Variables).sort()).toEqual(
      expect.not.arrayContaining(['SsmParameterFunctionArn', 'CustomHookFunctionArn']),
    );
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it("lets the retry's role publish through the topic's key, via SNS only", () => {
    const [, fn] = only(template, FENCE_RETRY_ID);
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const [key] = Object.values(template.findResources('AWS::KMS::Key')) as Resource[];
    const statements = (key?.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    expect(
      statements.filter((statement) => JSON.stringify(statement.Principal).includes(`"${role}"`)),
    ).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'kms:ViaService': 'sns.us-west-2.amazonaws.com' } },
      }),
    ]);
  });

  it('alarms on the topic when a run of the retry fails, and says when runs succeed again', () => {
    const [functionId] = only(template, FENCE_RETRY_ID);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-staging-failover-fence-retry',
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
      OKActions: [{ Ref: topic }],
    });
  });

  it('is not deployed for a plan without a fencing kind (no databases, no scaling groups)', () => {
    const without = orchestratorTemplate({ plan: withoutDatabases({ scalingGroups: [] }) });
    expect(functionById(without, FENCE_RETRY_ID)).toEqual([]);
    expect(
      Object.keys(
        without.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(5 minutes)' } }),
      ),
    ).toEqual([]);
    // Still one retry target when only the groups fence.
    const groupsOnly = orchestratorTemplate({ plan: withoutDatabases() });
    const [, fn] = only(groupsOnly, FENCE_RETRY_ID);
    expect(Object.keys((fn.Properties.Environment as { Variables: object }).Variables)).toContain(
      'AutoScalingGroupFunctionArn',
    );
    expect(Object.keys((fn.Properties.Environment as { Variables: object }).Variables)).not.toContain(
      'RdsReplicaFunctionArn',
    );
  });
});
