import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCK_TABLE_KEY } from '../../functions/failover-lock/lock-table.js';
import { orchestratorApp, synthesize, templateOf } from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The lock step's function and the id of its role, found by description (never by logical id). */
function lockFunction(template: Template): { fn: Resource; roleId: string } {
  const found = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'failover-orchestrator shop-staging: failover-lock' },
    }),
  ) as Resource[];
  expect(found).toHaveLength(1);
  const fn = found[0] as Resource;
  return { fn, roleId: (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0] };
}

const onlyId = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids, `exactly one ${type}`).toHaveLength(1);
  return ids[0] ?? '';
};

describe('FailoverOrchestrator failover lock', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  it('keeps the lock in an on-demand, encrypted table with point-in-time recovery, keyed by plan name', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: LOCK_TABLE_KEY, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: LOCK_TABLE_KEY, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('retains the table when the stack is deleted or the table replaced (it holds the last failover)', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('tells the lock step its table and the topic; the plan is compiled in, not in the environment', () => {
    const { fn } = lockFunction(template);
    expect(fn.Properties.Environment).toMatchObject({
      Variables: {
        FAILOVER_LOCK_TABLE: { Ref: onlyId(template, 'AWS::DynamoDB::Table') },
        FAILOVER_TOPIC_ARN: { Ref: onlyId(template, 'AWS::SNS::Topic') },
      },
    });
    expect(fn.Properties.Environment).not.toHaveProperty('Variables.FAILOVER_PLAN');
  });

  it('lets the lock step read and conditionally update the lock item of its own table only', () => {
    const { roleId } = lockFunction(template);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [onlyId(template, 'AWS::DynamoDB::Table'), 'Arn'] },
          },
        ]),
      },
    });
  });

  it("lets the lock step describe and stop executions of this plan's state machine only", () => {
    const { roleId } = lockFunction(template);
    const executions = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['states:DescribeExecution', 'states:StopExecution'],
            Resource: executions,
          },
        ]),
      },
    });
    expect(executions.asObject()).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':states:us-west-2:111111111111:execution:shop-staging-failover:*',
        ],
      ],
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'shop-staging-failover',
    });
  });

  it('lets the lock step publish a refusal to the topic', () => {
    const { roleId } = lockFunction(template);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: onlyId(template, 'AWS::SNS::Topic') } },
        ]),
      },
    });
  });

  it('fills ${FailoverLockFunctionArn} with the lock function, and the lock role never names the state machine', () => {
    const { roleId } = lockFunction(template);
    const [lockFunctionId] = Object.keys(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'failover-orchestrator shop-staging: failover-lock' },
      }),
    );
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: { FailoverLockFunctionArn: { 'Fn::GetAtt': [lockFunctionId, 'Arn'] } },
    });
    // The state machine depends on the lock function: a reference back would be a cycle.
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    expect(JSON.stringify(policies)).not.toContain(onlyId(template, 'AWS::StepFunctions::StateMachine'));
  });
});
