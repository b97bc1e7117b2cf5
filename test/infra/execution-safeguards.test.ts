import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESERVED_CONCURRENCY } from '../../infra/orchestrator-props.js';
import type { FailoverOrchestratorProps } from '../../infra/failover-orchestrator.js';
import { orchestratorApp, synthesize, templateOf } from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

function orchestratorTemplate(props: Partial<FailoverOrchestratorProps> = {}): Template {
  const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false, props });
  return templateOf(synthesize(app, [stack]), stack);
}

/** Each function's reserved concurrency, by the function id in its description. */
function reservedConcurrencyById(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
  return Object.fromEntries(
    functions.map((resource) => [
      String(resource.Properties.Description).replace(/^.*: /, ''),
      resource.Properties.ReservedConcurrentExecutions,
    ]),
  );
}

describe('reserved concurrency of the failover path', () => {
  it('reserves the default for every function the workflow invokes, and none for the readiness check, the report writer or the fence retry', () => {
    const reserved = reservedConcurrencyById(orchestratorTemplate());

    const {
      'readiness-check': readiness,
      'write-report': reportWriter,
      'fence-retry': fenceRetry,
      ...workflow
    } = reserved;
    expect(readiness).toBeUndefined();
    expect(reportWriter).toBeUndefined();
    expect(Object.keys(reserved)).toContain('fence-retry');
    expect(fenceRetry).toBeUndefined();
    expect(Object.keys(workflow)).toEqual(
      expect.arrayContaining([
        'validate-trigger',
        'failover-lock',
        'confirm-outage',
        'notify',
        'rds-replica',
      ]),
    );
    for (const [id, value] of Object.entries(workflow)) expect(value, id).toBe(DEFAULT_RESERVED_CONCURRENCY);
  });

  it('reserves what the reservedConcurrency prop says', () => {
    const reserved = reservedConcurrencyById(orchestratorTemplate({ reservedConcurrency: 2 }));

    expect(reserved.notify).toBe(2);
    expect(reserved['rds-replica']).toBe(2);
  });
});

describe('the alarm on the orchestrator itself', () => {
  let template: Template;

  beforeAll(() => {
    template = orchestratorTemplate();
  });

  it('sums failed, timed-out and aborted executions of the state machine and alarms on one', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: Match.stringLikeRegexp('-executions$') },
    });
    const [alarm] = Object.values(alarms) as Resource[];
    expect(Object.keys(alarms)).toHaveLength(1);
    const stateMachineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const metrics = alarm?.Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown[] } };
    }[];
    const stats = metrics.filter((metric) => metric.MetricStat !== undefined);
    expect(stats.map((metric) => metric.MetricStat?.Metric.MetricName).sort()).toEqual([
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const metric of stats) {
      expect(metric.MetricStat?.Metric.Namespace).toBe('AWS/States');
      expect(metric.MetricStat?.Metric.Dimensions).toEqual([
        { Name: 'StateMachineArn', Value: { Ref: stateMachineId } },
      ]);
    }
    expect(metrics.find((metric) => metric.Expression !== undefined)?.Expression).toBe(
      'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
    );
    expect(alarm?.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies the plan topic, which lets this alarm publish with its key', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const alarmId = Object.keys(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp('-executions$') },
      }),
    )[0];

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('-executions$'),
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [alarmId, 'Arn'] } } }),
          }),
        ]),
      },
    });
  });
});
