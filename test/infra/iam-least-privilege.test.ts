import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILOVER_STEPS } from '../../infra/failover-steps.js';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from '../../infra/step-permissions.js';
import {
  arnText,
  exampleApp,
  exampleStacks,
  identityStatements,
  orchestratorApp,
  synthesize,
  templateOf,
  type IdentityStatement,
} from './infra-helpers.js';

/**
 * The only actions granted on Resource "*": IAM accepts nothing else for them (Service
 * Authorization Reference: no resource types for the action).
 */
const RESOURCE_STAR_ALLOWED: Record<string, string> = {
  'cloudwatch:GetMetricData': 'read-replica-lag reads ReplicaLag; metric APIs have no resources',
  'autoscaling:DescribeAutoScalingGroups': 'scale-group, check-group-capacity, notify; Describe* take no ARN',
  'xray:PutTraceSegments': 'active tracing of functions and state machine',
  'xray:PutTelemetryRecords': 'active tracing of functions and state machine',
  'xray:GetSamplingRules': 'state machine tracing',
  'xray:GetSamplingTargets': 'state machine tracing',
  'logs:CreateLogDelivery': 'state machine logging (vended log delivery)',
  'logs:GetLogDelivery': 'state machine logging (vended log delivery)',
  'logs:UpdateLogDelivery': 'state machine logging (vended log delivery)',
  'logs:DeleteLogDelivery': 'state machine logging (vended log delivery)',
  'logs:ListLogDeliveries': 'state machine logging (vended log delivery)',
};

/** What every step role has besides its own grants: its log group and X-Ray. */
const BASELINE_ACTIONS = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
]);

const replicas = ['shop-db-replica', 'orders-db-replica'].map(
  (name) => `arn:\${Partition}:rds:us-west-2:111111111111:db:${name}`,
);
const parameters = ['shop/db/host', 'shop/active-region'].map(
  (name) => `arn:\${Partition}:ssm:us-west-2:111111111111:parameter/${name}`,
);
const grants = (actions: string[], resources: string[]): string[] =>
  actions.flatMap((action) => resources.map((resource) => `${action} on ${resource}`));
const describeGroups = grants(['autoscaling:DescribeAutoScalingGroups'], ['*']);

/** For tests/infra/fixtures/multi-region.plan.yaml: each step, exactly what it may do. */
const EXPECTED_STEP_GRANTS: Record<string, string[]> = {
  'validate-trigger': [],
  'confirm-outage': grants(
    ['cloudwatch:DescribeAlarms'],
    [
      'arn:${Partition}:cloudwatch:us-east-1:111111111111:alarm:shop-primary-health',
      'arn:${Partition}:cloudwatch:eu-west-1:111111111111:alarm:shop-eu-canary',
      'arn:${Partition}:cloudwatch:us-west-2:111111111111:alarm:shop-recovery-probe',
    ],
  ),
  'read-replica-lag': [
    ...grants(['cloudwatch:GetMetricData'], ['*']),
    ...grants(['rds:DescribeDBInstances'], replicas),
  ],
  'promote-replica': grants(['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], replicas),
  'check-promotion': grants(['rds:DescribeDBInstances'], replicas),
  'scale-group': [
    ...grants(
      ['autoscaling:UpdateAutoScalingGroup'],
      [
        'arn:${Partition}:autoscaling:us-west-2:111111111111:autoScalingGroup:*:autoScalingGroupName/shop-app-usw2',
      ],
    ),
    ...describeGroups,
  ],
  'check-group-capacity': describeGroups,
  'repoint-parameters': grants(['ssm:GetParameter', 'ssm:PutParameter'], parameters),
  notify: [
    ...grants(['sns:Publish'], ['TOPIC']),
    ...grants(['rds:DescribeDBInstances'], replicas),
    ...describeGroups,
    ...grants(['ssm:GetParameter'], parameters),
  ],
};

type Json = Record<string, unknown>;

/** The identity statements attached to the role the resource `roleId` defines. */
function statementsOfRole(template: Template, roleId: string): IdentityStatement[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const policyIds = Object.entries(resources)
    .filter(
      ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    )
    .map(([id]) => id);
  return identityStatements(template).filter((s) => policyIds.includes(s.holder) || s.holder === roleId);
}

describe('IAM least privilege', () => {
  let all: { stack: string; statement: IdentityStatement }[];
  let orchestrator: Template;

  beforeAll(() => {
    const example = exampleApp({ bundle: false });
    const fixture = orchestratorApp('multi-region.plan.yaml', { bundle: false });
    const exampleSynth = synthesize(example.app, exampleStacks(example));
    const fixtureSynth = synthesize(fixture.app, [fixture.stack]);
    orchestrator = templateOf(fixtureSynth, fixture.stack);
    all = [
      ...[...exampleSynth.templates].map(([stack, template]) => ({ stack: stack.stackName, template })),
      { stack: 'fixture orchestrator', template: orchestrator },
    ].flatMap(({ stack, template }) =>
      identityStatements(template).map((statement) => ({ stack, statement })),
    );
  });

  it('finds the policies it checks (every stack grants something)', () => {
    expect(new Set(all.map(({ stack }) => stack)).size).toBe(5);
    expect(all.length).toBeGreaterThan(40);
  });

  it('never grants Action "*" or a whole service ("service:*")', () => {
    const wildcards = all.filter(({ statement }) =>
      statement.actions.some((a) => a === '*' || a.endsWith(':*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('grants only Allow statements (no NotAction/NotResource tricks)', () => {
    expect(all.filter(({ statement }) => statement.effect !== 'Allow')).toEqual([]);
  });

  it('grants Resource "*" only for actions that have no resource-level permissions', () => {
    const offending = all
      .filter(({ statement }) => statement.resources.includes('*'))
      .flatMap(({ stack, statement }) =>
        statement.actions
          .filter((a) => !(a in RESOURCE_STAR_ALLOWED))
          .map((a) => `${stack} ${statement.holder}: ${a}`),
      );
    expect(offending).toEqual([]);
  });

  it('agrees with the allow-list the construct documents', () => {
    expect([...ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS].sort()).toEqual(
      Object.keys(RESOURCE_STAR_ALLOWED).sort(),
    );
  });

  it.each(FAILOVER_STEPS.map((step) => [step.id]))(
    'lets %s call only its own APIs on the plan resources',
    (stepId) => {
      const [[, fn]] = Object.entries(
        orchestrator.findResources('AWS::Lambda::Function', {
          Properties: { Description: `failover-orchestrator shop-staging: ${stepId}` },
        }),
      ) as [[string, { Properties: { Role: { 'Fn::GetAtt': [string] } } }]];
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const [topicId] = Object.keys(orchestrator.findResources('AWS::SNS::Topic'));
      const granted = statementsOfRole(orchestrator, roleId).flatMap((statement) =>
        statement.actions
          .filter((action) => !BASELINE_ACTIONS.has(action))
          .flatMap((action) =>
            statement.resources.map((resource) => {
              const text =
                JSON.stringify(resource) === JSON.stringify({ Ref: topicId }) ? 'TOPIC' : arnText(resource);
              return `${action} on ${text}`;
            }),
          ),
      );
      expect(granted.sort()).toEqual([...(EXPECTED_STEP_GRANTS[stepId] ?? ['(missing expectation)'])].sort());
    },
  );

  it('lets the state machine invoke exactly the nine step functions, unqualified', () => {
    const functionArns = Object.keys(orchestrator.findResources('AWS::Lambda::Function'))
      .map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const invokes = all
      .filter(({ stack }) => stack === 'fixture orchestrator')
      .map(({ statement }) => statement)
      .filter((statement) => statement.actions.some((action) => action.startsWith('lambda:')));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.actions).toEqual(['lambda:InvokeFunction']);
    expect(
      [...(invokes[0]?.resources ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(functionArns);
    expect(functionArns).toHaveLength(9);
  });
});
