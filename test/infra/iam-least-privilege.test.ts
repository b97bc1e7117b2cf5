import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
  kindStatement,
} from '../../infra/function-permissions.js';
import { FENCE_RETRY_ID, READINESS_CHECK_ID } from '../../infra/function-settings.js';
import { WRITE_REPORT_ID } from '../../infra/report-bucket.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { parsePlan, type Plan, type PlanInput } from '../../functions/common/plan.js';
import { workflowFunctionIds, WORKFLOW_FUNCTIONS } from '../../state-machines/workflow-builder.js';
import { KINDS } from '../../functions/kinds/registry.js';
import {
  arnText,
  exampleApp,
  exampleStacks,
  fixturePath,
  identityStatements,
  orchestratorApp,
  sdkActionsOf,
  synthesize,
  templateOf,
  type IdentityStatement,
} from './infra-helpers.js';

const plan = loadPlanFile(fixturePath('multi-region.plan.yaml'));
/** A parsed plan as plan input again (alarms with their regions: the same plan once parsed). */
const planInputOf = (parsed: Plan): PlanInput => parsed as unknown as PlanInput;
/**
 * The fixture plan uses every kind: the state machine's functions, then the readiness check, the
 * report writer and the fence retry (its databases and groups fence).
 */
const WORKFLOW_FUNCTION_IDS = workflowFunctionIds(plan);
const DEPLOYED_FUNCTION_IDS = [...WORKFLOW_FUNCTION_IDS, READINESS_CHECK_ID, WRITE_REPORT_ID, FENCE_RETRY_ID];

/**
 * The only actions granted on Resource "*": IAM accepts nothing else for them (Service
 * Authorization Reference: no resource types for the action).
 */
const RESOURCE_STAR_ALLOWED: Record<string, string> = {
  'cloudwatch:GetMetricData':
    'rds-replica, aurora-global and readiness-check read lag metrics; metric APIs have no resources',
  'cloudwatch:PutMetricData':
    'readiness-check publishes Readiness; only with a cloudwatch:namespace condition',
  'autoscaling:DescribeAutoScalingGroups': 'auto-scaling-group and readiness-check; Describe* take no ARN',
  'ssm:GetCommandInvocation': 'the Run Command kinds read their commands; the action takes no ARN',
  'ssm:DescribeInstanceInformation': "the Run Command kinds' gate reads the nodes' PingStatus; takes no ARN",
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

/** What every function's role has besides its own grants: its log group and X-Ray. */
const BASELINE_ACTIONS = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
]);

const replicas = ['shop-db-replica', 'orders-db-replica'].map(
  (name) => `arn:\${Partition}:rds:us-west-2:111111111111:db:${name}`,
);
/** A global cluster's ARN has no region; the recovery cluster is built from the plan's region and account. */
const ledgerGlobal = 'arn:${Partition}:rds::111111111111:global-cluster:ledger-global';
const ledgerCluster = 'arn:${Partition}:rds:us-west-2:111111111111:cluster:ledger-usw2';
const parameters = ['shop/db/host', 'shop/active-region'].map(
  (name) => `arn:\${Partition}:ssm:us-west-2:111111111111:parameter/${name}`,
);
const globalDatastore =
  'arn:${Partition}:elasticache::111111111111:globalreplicationgroup:ldgnf-shop-sessions';
const recoveryGroup =
  'arn:${Partition}:elasticache:us-west-2:111111111111:replicationgroup:shop-sessions-usw2';
const grants = (actions: string[], resources: string[]): string[] =>
  actions.flatMap((action) => resources.map((resource) => `${action} on ${resource}`));
const describeGroups = grants(['autoscaling:DescribeAutoScalingGroups'], ['*']);
const planAlarms = [
  'arn:${Partition}:cloudwatch:us-east-1:111111111111:alarm:shop-primary-health',
  'arn:${Partition}:cloudwatch:eu-west-1:111111111111:alarm:shop-eu-canary',
  'arn:${Partition}:cloudwatch:us-west-2:111111111111:alarm:shop-recovery-probe',
];

/** SendCommand: exactly the kind's documents (named per plan) and the plan's managed nodes. */
const documents = (kind: string, names: string[]): string[] =>
  names.map(
    (name) => `arn:\${Partition}:ssm:us-west-2:111111111111:document/Failover-shop-staging-${kind}-${name}`,
  );
const managedNode = (id: string) => `arn:\${Partition}:ssm:us-west-2:111111111111:managed-instance/${id}`;
const runCommandReads = grants(['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation'], ['*']);

const scalingGroup =
  'arn:${Partition}:autoscaling:us-west-2:111111111111:autoScalingGroup:*:autoScalingGroupName/shop-app-usw2';
const oldScalingGroup =
  'arn:${Partition}:autoscaling:us-east-1:111111111111:autoScalingGroup:*:autoScalingGroupName/shop-app-use1';
const oldPrimary = 'arn:${Partition}:rds:us-east-1:111111111111:db:shop-db';
const finalSnapshots = 'arn:${Partition}:rds:us-east-1:111111111111:snapshot:shop-db-final-*';
const ecsService = 'arn:${Partition}:ecs:us-west-2:111111111111:service/shop-usw2/storefront';
const hookFunction = 'arn:aws:lambda:us-west-2:111111111111:function:shop-warm-caches';
const routingControls = ['usw2cell0a1b2c3d', 'use1cell0a1b2c3d'].map(
  (id) =>
    `arn:aws:route53-recovery-control::111111111111:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/${id}`,
);
/** The failover record lives in the lock table: the kinds keep it, notify reads it and claims its messages. */
const recordReadWrite = grants(['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['LOCK_TABLE']);

/** For test/infra/fixtures/multi-region.plan.yaml: each function, exactly what it may do. */
const EXPECTED_GRANTS: Record<string, string[]> = {
  'validate-trigger': [],
  'failover-lock': [
    ...grants(['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['LOCK_TABLE']),
    ...grants(
      ['states:DescribeExecution', 'states:StopExecution'],
      // Executions of this plan's state machine only: built from its name (no cycle through its ARN).
      ['arn:${Partition}:states:us-west-2:111111111111:execution:shop-staging-failover:*'],
    ),
    ...grants(['sns:Publish'], ['TOPIC']),
  ],
  // The alarms, and the lock item: the plan alarms that fired meanwhile, and its abort verdict.
  'confirm-outage': [
    ...grants(['cloudwatch:DescribeAlarms'], planAlarms),
    ...grants(['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['LOCK_TABLE']),
  ],
  // Reads the record; claims each message there before publishing it.
  notify: [...grants(['sns:Publish'], ['TOPIC']), ...recordReadWrite],
  // The fence (issue 10): the old primary of `main` (the plan names none for `orders`) and its final snapshots.
  'rds-replica': [
    ...grants(['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], replicas),
    ...grants(['rds:DescribeDBInstances'], [oldPrimary]),
    ...grants(['rds:StopDBInstance', 'rds:DescribeDBSnapshots'], [oldPrimary, finalSnapshots]),
    ...grants(['cloudwatch:GetMetricData'], ['*']),
    // Failback (issue 10): the replicas, the old primary of `main`, and the instances renamed aside.
    ...grants(
      [
        'rds:DescribeDBInstances',
        'rds:PromoteReadReplica',
        'rds:CreateDBInstanceReadReplica',
        'rds:ModifyDBInstance',
        'rds:StartDBInstance',
        'rds:StopDBInstance',
      ],
      [...replicas, oldPrimary].flatMap((arn) => [arn, `${arn}-stale-*`]),
    ),
    ...recordReadWrite,
  ],
  'aurora-global': [
    ...grants(['rds:DescribeGlobalClusters'], [ledgerGlobal]),
    ...grants(['rds:DescribeDBClusters'], [ledgerCluster]),
    ...grants(['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'], [ledgerGlobal, ledgerCluster]),
    ...grants(['cloudwatch:GetMetricData'], ['*']),
    ...recordReadWrite,
  ],
  // A global replication group's ARN has no Region; FailoverGlobalReplicationGroup also names the group it promotes.
  'elasticache-global': [
    ...grants(['elasticache:DescribeGlobalReplicationGroups'], [globalDatastore]),
    ...grants(['elasticache:DescribeReplicationGroups'], [recoveryGroup]),
    ...grants(['elasticache:FailoverGlobalReplicationGroup'], [globalDatastore, recoveryGroup]),
    ...grants(['cloudwatch:GetMetricData'], ['*']),
    ...recordReadWrite,
  ],
  // Scales the recovery group up, and fences the old region's group (primaryGroup) to zero.
  'auto-scaling-group': [
    ...grants(['autoscaling:UpdateAutoScalingGroup'], [scalingGroup, oldScalingGroup]),
    ...describeGroups,
    ...recordReadWrite,
  ],
  'ssm-parameter': [...grants(['ssm:GetParameter', 'ssm:PutParameter'], parameters), ...recordReadWrite],
  'postgres-replica': [
    ...grants(
      ['ssm:SendCommand'],
      [
        ...documents('postgres-replica', ['replica-lag', 'promote', 'check-writable', 'read-back']),
        managedNode('mi-0a1b2c3d4e5f60002'),
      ],
    ),
    ...runCommandReads,
    ...recordReadWrite,
  ],
  'redis-sentinel': [
    ...grants(
      ['ssm:SendCommand'],
      [
        ...documents('redis-sentinel', ['replica-link', 'sentinel-failover', 'master-state']),
        // An EC2 instance is named by its ec2 ARN.
        'arn:${Partition}:ec2:us-west-2:111111111111:instance/i-0abc1234def567890',
      ],
    ),
    ...runCommandReads,
    ...recordReadWrite,
  ],
  'proxy-switch': [
    ...grants(
      ['ssm:SendCommand'],
      [
        ...documents('proxy-switch', ['haproxy-switch', 'haproxy-state']),
        managedNode('mi-0a1b2c3d4e5f60005'),
      ],
    ),
    ...runCommandReads,
    ...recordReadWrite,
  ],
  // Service ARNs, with the cluster's ARN as the ecs:cluster condition.
  'ecs-service': [...grants(['ecs:DescribeServices', 'ecs:UpdateService'], [ecsService]), ...recordReadWrite],
  // Exactly the plan's hook functions.
  'custom-hook': [...grants(['lambda:InvokeFunction'], [hookFunction]), ...recordReadWrite],
  // Exactly the plan's routing controls (the ARNs as the plan names them).
  'arc-routing-control': [
    ...grants(
      [
        'route53-recovery-cluster:GetRoutingControlState',
        'route53-recovery-cluster:UpdateRoutingControlStates',
      ],
      routingControls,
    ),
    ...recordReadWrite,
  ],
  // Not invoked by the workflow: EventBridge, when an execution ends. Reads the execution and the
  // record, writes under the plan's prefix of the report bucket.
  'write-report': [
    ...grants(
      ['states:DescribeExecution', 'states:GetExecutionHistory'],
      ['arn:${Partition}:states:us-west-2:111111111111:execution:shop-staging-failover:*'],
    ),
    ...grants(['dynamodb:GetItem'], ['LOCK_TABLE']),
    ...grants(['s3:PutObject'], ['REPORT_BUCKET/shop-staging/*']),
  ],
  // Not invoked by the workflow: the schedule. Reads and rewrites the fencing records, invokes the
  // fencing kinds' functions (which hold the permissions on the old region), publishes each attempt.
  'fence-retry': [
    ...grants(['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['LOCK_TABLE']),
    ...grants(['lambda:InvokeFunction'], ['FUNCTION rds-replica', 'FUNCTION auto-scaling-group']),
    ...grants(['sns:Publish'], ['TOPIC']),
  ],
  // Not invoked by the workflow: the scheduled check. Read-only on the plan, alarms in their own regions.
  'readiness-check': [
    ...grants(['rds:DescribeDBInstances'], replicas),
    ...grants(['elasticache:DescribeGlobalReplicationGroups'], [globalDatastore]),
    ...grants(['elasticache:DescribeReplicationGroups'], [recoveryGroup]),
    ...grants(['cloudwatch:GetMetricData'], ['*']),
    ...grants(['rds:DescribeGlobalClusters'], [ledgerGlobal]),
    ...describeGroups,
    ...grants(['ssm:GetParameters'], parameters),
    ...grants(['route53-recovery-cluster:GetRoutingControlState'], routingControls),
    // The Run Command kinds' gate documents (read-only) on their nodes.
    ...grants(
      ['ssm:SendCommand'],
      [...documents('postgres-replica', ['replica-lag']), managedNode('mi-0a1b2c3d4e5f60002')],
    ),
    ...grants(
      ['ssm:SendCommand'],
      [
        ...documents('redis-sentinel', ['replica-link']),
        'arn:${Partition}:ec2:us-west-2:111111111111:instance/i-0abc1234def567890',
      ],
    ),
    ...grants(
      ['ssm:SendCommand'],
      [...documents('proxy-switch', ['haproxy-state']), managedNode('mi-0a1b2c3d4e5f60005')],
    ),
    // Declared by each Run Command kind; the construct merges identical statements.
    ...runCommandReads,
    ...grants(['ecs:DescribeServices'], [ecsService]),
    ...grants(['lambda:GetFunctionConfiguration'], [hookFunction]),
    ...grants(['cloudwatch:DescribeAlarms'], planAlarms),
    ...grants(['sns:GetTopicAttributes'], ['TOPIC']),
    ...grants(['states:DescribeStateMachine'], ['STATE_MACHINE']),
    ...grants(['cloudwatch:PutMetricData'], ['*']),
  ],
};

type Json = Record<string, unknown>;

/** A function (workflow step, kind or readiness check), found by its description. */
function functionIdOf(template: Template, id: string): string {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `failover-orchestrator shop-staging: ${id}` },
    }),
  );
  expect(found, `function ${id}`).toHaveLength(1);
  return found[0] ?? '';
}

/** The role a function runs with. */
function roleOf(template: Template, id: string): string {
  const fn = (template.toJSON().Resources as Record<string, { Properties: Json }>)[
    functionIdOf(template, id)
  ];
  return (fn?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
}

/** The orchestrator's own resources by what they are, the plan's by ARN. */
function named(template: Template, resource: unknown): string {
  const only = (type: string): string => Object.keys(template.findResources(type))[0] ?? type;
  const text = JSON.stringify(resource);
  if (text === JSON.stringify({ Ref: only('AWS::SNS::Topic') })) return 'TOPIC';
  // One of the orchestrator's own functions (what the fence retry invokes): by its function id.
  const [logicalId, attribute] = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
  const target = logicalId === undefined ? undefined : template.toJSON().Resources[logicalId];
  if (attribute === 'Arn' && target?.Type === 'AWS::Lambda::Function')
    return `FUNCTION ${String(target.Properties.Description).split(': ').at(-1)}`;
  if (text === JSON.stringify({ 'Fn::GetAtt': [only('AWS::DynamoDB::Table'), 'Arn'] })) return 'LOCK_TABLE';
  if (text === JSON.stringify({ Ref: only('AWS::StepFunctions::StateMachine') })) return 'STATE_MACHINE';
  const bucketArn = JSON.stringify({ 'Fn::GetAtt': [only('AWS::S3::Bucket'), 'Arn'] });
  if (text.startsWith(`{"Fn::Join":["",[${bucketArn},"`)) {
    return `REPORT_BUCKET${(resource as { 'Fn::Join': [string, [unknown, string]] })['Fn::Join'][1][1]}`;
  }
  return arnText(resource);
}

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

  it('deploys a function for every workflow step and every kind of the plan, and the readiness check', () => {
    expect(DEPLOYED_FUNCTION_IDS.sort()).toEqual(Object.keys(EXPECTED_GRANTS).sort());
  });

  it.each(DEPLOYED_FUNCTION_IDS.map((id) => [id]))(
    'lets %s call only its own APIs on the plan resources',
    (functionId) => {
      const granted = statementsOfRole(orchestrator, roleOf(orchestrator, functionId)).flatMap((statement) =>
        statement.actions
          .filter((action) => !BASELINE_ACTIONS.has(action))
          .flatMap((action) =>
            statement.resources.map((resource) => `${action} on ${named(orchestrator, resource)}`),
          ),
      );
      expect(granted.sort()).toEqual([...(EXPECTED_GRANTS[functionId] ?? ['(missing expectation)'])].sort());
    },
  );

  it.each(DEPLOYED_FUNCTION_IDS.map((id) => [id]))(
    'grants %s exactly the AWS APIs its code sends (read from its tree-shaken bundle)',
    (functionId) => {
      const granted = statementsOfRole(orchestrator, roleOf(orchestrator, functionId))
        .flatMap((statement) => statement.actions)
        .filter((action) => !BASELINE_ACTIONS.has(action));
      expect([...new Set(granted)].sort()).toEqual(sdkActionsOf(functionId));
    },
  );

  it('reads the commands a function sends, not every command of the modules it imports', () => {
    // validate-trigger reaches the plan schema and the kinds' definitions, and sends nothing.
    expect(sdkActionsOf('validate-trigger')).toEqual([]);
    // The readiness check reaches the kinds' readiness.ts only through a template-literal import.
    expect(sdkActionsOf('readiness-check')).toEqual(
      expect.arrayContaining([
        'rds:DescribeDBInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'ssm:GetParameters',
      ]),
    );
  });

  it('turns a kind permission into a statement with its actions, resources and conditions', () => {
    const statement = kindStatement({
      actions: ['ssm:GetParameter'],
      resources: ['arn:aws:ssm:us-west-2:111111111111:parameter/shop/db/host'],
      conditions: { StringEquals: { 'aws:ResourceTag/owner': 'shop' } },
    }).toStatementJson() as Record<string, unknown>;

    expect(statement).toEqual({
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: 'arn:aws:ssm:us-west-2:111111111111:parameter/shop/db/host',
      Condition: { StringEquals: { 'aws:ResourceTag/owner': 'shop' } },
    });
  });

  it('lets the readiness check put metric data only into the FailoverOrchestrator namespace', () => {
    const statements = statementsOfRole(orchestrator, roleOf(orchestrator, READINESS_CHECK_ID));
    const putMetric = statements.filter((statement) =>
      statement.actions.includes('cloudwatch:PutMetricData'),
    );
    expect(putMetric).toHaveLength(1);
    expect(putMetric[0]?.actions).toEqual(['cloudwatch:PutMetricData']);
    expect(putMetric[0]?.condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': 'FailoverOrchestrator' },
    });
  });

  it("conditions the ECS service actions on the plan's cluster (ecs:cluster)", () => {
    const statements = statementsOfRole(orchestrator, roleOf(orchestrator, 'ecs-service')).filter(
      (statement) => statement.actions.some((action) => action.startsWith('ecs:')),
    );
    expect(statements).toHaveLength(1);
    const clusters = statements[0]?.condition?.ArnEquals?.['ecs:cluster'] as unknown[];
    expect(clusters.map((cluster) => named(orchestrator, cluster))).toEqual([
      'arn:${Partition}:ecs:us-west-2:111111111111:cluster/shop-usw2',
    ]);
  });

  it('never grants cloudwatch:PutMetricData without the namespace condition, in any stack', () => {
    const unconditioned = all.filter(
      ({ statement }) =>
        statement.actions.includes('cloudwatch:PutMetricData') &&
        JSON.stringify(statement.condition?.StringEquals?.['cloudwatch:namespace']) !==
          '"FailoverOrchestrator"',
    );
    expect(all.some(({ statement }) => statement.actions.includes('cloudwatch:PutMetricData'))).toBe(true);
    expect(unconditioned).toEqual([]);
  });

  it('lets the state machine invoke exactly the workflow functions, unqualified (not the readiness check)', () => {
    const fenceRetryPolicies = new Set(
      statementsOfRole(orchestrator, roleOf(orchestrator, FENCE_RETRY_ID)).map(
        (statement) => statement.holder,
      ),
    );
    const functionArns = WORKFLOW_FUNCTION_IDS.map((id) => functionIdOf(orchestrator, id))
      .map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const invokes = all
      .filter(({ stack }) => stack === 'fixture orchestrator')
      .map(({ statement }) => statement)
      .filter((statement) => statement.actions.some((action) => action.startsWith('lambda:')))
      // The custom-hook kind and the readiness check act on the plan's hook function, nothing else.
      .filter((statement) => !JSON.stringify(statement.resources).includes(':function:shop-warm-caches'))
      // The fence retry invokes the fencing kinds' functions (its own test above).
      .filter((statement) => !fenceRetryPolicies.has(statement.holder));
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.actions).toEqual(['lambda:InvokeFunction']);
    expect(
      [...(invokes[0]?.resources ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(functionArns);
    // The 4 workflow steps and one function per kind: the fixture plan uses every kind but the
    // DNS flags, whose grants a block of their own checks on their example plan.
    expect(functionArns).toHaveLength(
      WORKFLOW_FUNCTIONS.length + KINDS.filter((kind) => kind.id !== 'dns-flag').length,
    );
    expect(JSON.stringify(invokes[0]?.resources)).not.toContain(
      functionIdOf(orchestrator, READINESS_CHECK_ID),
    );
  });
});

describe('IAM least privilege for ARC routing controls (the fixture plan has a set)', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: false });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  const controls = ['usw2cell0a1b2c3d', 'use1cell0a1b2c3d'].map(
    (id) =>
      `arn:aws:route53-recovery-control::111111111111:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/${id}`,
  );
  const actionsOf = (functionId: string, prefix: string) =>
    statementsOfRole(template, roleOf(template, functionId)).filter((statement) =>
      statement.actions.some((action) => action.startsWith(prefix)),
    );

  it('lets arc-routing-control read and set exactly the plan routing controls', () => {
    const statements = actionsOf('arc-routing-control', 'route53-recovery-cluster:');

    expect(statements.map((statement) => [statement.actions, statement.resources])).toEqual([
      [
        [
          'route53-recovery-cluster:GetRoutingControlState',
          'route53-recovery-cluster:UpdateRoutingControlStates',
        ],
        controls,
      ],
    ]);
    expect(sdkActionsOf('arc-routing-control')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'route53-recovery-cluster:GetRoutingControlState',
      'route53-recovery-cluster:UpdateRoutingControlStates',
    ]);
  });

  it('lets the readiness check only read them', () => {
    const statements = actionsOf(READINESS_CHECK_ID, 'route53-recovery-cluster:');

    expect(statements.map((statement) => [statement.actions, statement.resources])).toEqual([
      [['route53-recovery-cluster:GetRoutingControlState'], controls],
    ]);
  });
});

describe('IAM least privilege for a plan without scaling groups', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', {
      bundle: false,
      props: { plan: { ...plan, scalingGroups: [] } },
    });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  it('grants no Auto Scaling action to any role', () => {
    const autoScaling = identityStatements(template).filter((statement) =>
      statement.actions.some((action) => action.startsWith('autoscaling:')),
    );
    expect(identityStatements(template).length).toBeGreaterThan(10);
    expect(autoScaling).toEqual([]);
  });
});

describe('IAM least privilege for a plan with DNS flags', () => {
  const flags = [
    { id: 'shop', namespace: 'Shop/DnsFlags' },
    { id: 'api', alarmName: 'shop-api-flag' },
  ];
  const withFlags = parsePlan({ ...structuredClone(planInputOf(plan)), dnsFlags: flags });
  const alarms = ['shop-staging-dns-flag-shop', 'shop-api-flag'].map(
    (name) => `arn:\${Partition}:cloudwatch:us-west-2:111111111111:alarm:${name}`,
  );
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', {
      bundle: false,
      props: { plan: withFlags },
    });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  const grantsOf = (functionId: string) =>
    statementsOfRole(template, roleOf(template, functionId)).flatMap((statement) =>
      statement.actions
        .filter((action) => !BASELINE_ACTIONS.has(action))
        .flatMap((action) =>
          statement.resources.map((resource) => `${action} on ${named(template, resource)}`),
        ),
    );

  it('lets dns-flag put metric data on "*" and describe exactly the flag alarms', () => {
    expect(grantsOf('dns-flag').sort()).toEqual(
      [
        ...grants(['cloudwatch:PutMetricData'], ['*']),
        ...grants(['cloudwatch:DescribeAlarms'], alarms),
        ...recordReadWrite,
      ].sort(),
    );
  });

  it('conditions PutMetricData on the plan flag namespaces (the action has no resource types)', () => {
    const putMetric = statementsOfRole(template, roleOf(template, 'dns-flag')).filter((statement) =>
      statement.actions.includes('cloudwatch:PutMetricData'),
    );
    expect(putMetric).toHaveLength(1);
    expect(putMetric[0]?.condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': ['Shop/DnsFlags', 'FailoverOrchestrator/DnsFlags'] },
    });
  });

  it('grants dns-flag exactly the AWS APIs its code sends (read from its tree-shaken bundle)', () => {
    const granted = statementsOfRole(template, roleOf(template, 'dns-flag'))
      .flatMap((statement) => statement.actions)
      .filter((action) => !BASELINE_ACTIONS.has(action));
    expect([...new Set(granted)].sort()).toEqual(sdkActionsOf('dns-flag'));
    expect(sdkActionsOf('dns-flag')).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:PutMetricData',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lets the readiness check describe the flag alarms besides the plan alarms', () => {
    expect(grantsOf(READINESS_CHECK_ID)).toEqual(
      expect.arrayContaining(grants(['cloudwatch:DescribeAlarms'], [...planAlarms, ...alarms])),
    );
  });
});
