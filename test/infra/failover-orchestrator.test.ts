import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { definitionPlaceholders, FAILOVER_STEPS, READINESS_CHECK } from '../../infra/failover-steps.js';
import { orchestratorApp, repositoryPath, synthesize, templateOf } from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
const ASL_PATH = repositoryPath('state-machines', 'failover.asl.json');
const PLAN_NAME = 'shop-staging';

function onlyResource(template: Template, type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** The step's function, found by its description (never by logical id). */
function stepFunction(template: Template, stepId: string): [string, Resource] {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `failover-orchestrator ${PLAN_NAME}: ${stepId}` },
    }),
  ) as [string, Resource][];
  expect(found, `function of step ${stepId}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

describe('FailoverOrchestrator', () => {
  let template: Template;
  let assemblyDirectory: string;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', { bundle: true });
    const synthesized = synthesize(app, [stack]);
    template = templateOf(synthesized, stack);
    assemblyDirectory = synthesized.directory;
  });

  it('starts the state machine with the whole event when a plan alarm of any region enters ALARM', () => {
    const [stateMachineId] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const [queueId] = onlyResource(template, 'AWS::SQS::Queue');
    const target = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: ['shop-eu-canary', 'shop-primary-health', 'shop-recovery-probe'],
          state: { value: ['ALARM'] },
        },
      },
      Targets: [target],
    });
    expect(target.asObject()).toMatchObject({
      Arn: { Ref: stateMachineId },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
    });
    for (const key of ['Input', 'InputPath', 'InputTransformer'])
      expect(target.asObject()).not.toHaveProperty(key);
  });

  it('substitutes every ${...} of the ASL with its step function ARN, and defines nothing else', () => {
    const substitutions = new Capture();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: substitutions,
    });
    const placeholders = definitionPlaceholders(readFileSync(ASL_PATH, 'utf8'));

    expect(Object.keys(substitutions.asObject()).sort()).toEqual(placeholders);
    expect(placeholders).toHaveLength(FAILOVER_STEPS.length);
    for (const step of FAILOVER_STEPS) {
      const [functionId] = stepFunction(template, step.id);
      expect(substitutions.asObject()[step.substitution], step.substitution).toEqual({
        'Fn::GetAtt': [functionId, 'Arn'],
      });
    }
  });

  it('inlines the very definition local replay runs, as a Standard state machine', () => {
    const [, stateMachine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    expect(stateMachine.Properties.StateMachineType).toBe('STANDARD');
    expect(stateMachine.Properties.StateMachineName).toBe(`${PLAN_NAME}-failover`);
    expect(JSON.parse(String(stateMachine.Properties.DefinitionString))).toEqual(
      JSON.parse(readFileSync(ASL_PATH, 'utf8')),
    );
  });

  it('logs every execution event with its data to a retained log group, and traces executions', () => {
    const logGroupArn = new Capture();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    const [logGroupId] = logGroupArn.asObject()['Fn::GetAtt'] as [string];
    expect(template.toJSON().Resources[logGroupId].Properties).toMatchObject({
      LogGroupName: `/aws/vendedlogs/states/${PLAN_NAME}-failover`,
      RetentionInDays: 90,
    });
  });

  it.each(FAILOVER_STEPS.map((step) => [step.id]))(
    'runs %s on Node.js 22 or later (arm64), traced, with its own role and retained log group',
    (stepId) => {
      const [, fn] = stepFunction(template, stepId);
      const runtime = String(fn.Properties.Runtime);
      expect(runtime).toMatch(/^nodejs\d+\.x$/);
      expect(Number(/^nodejs(\d+)/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 60,
        MemorySize: 256,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: { POWERTOOLS_SERVICE_NAME: 'failover-orchestrator', POWERTOOLS_LOG_LEVEL: 'INFO' },
        },
      });
      const logGroupRef = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.toJSON().Resources[logGroupRef]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
      });
      const roleRef = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const otherRoles = FAILOVER_STEPS.filter((step) => step.id !== stepId).map(
        (step) =>
          (stepFunction(template, step.id)[1].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
      );
      expect(otherRoles).not.toContain(roleRef);
    },
  );

  it('tells notify the created topic through FAILOVER_TOPIC_ARN', () => {
    const [topicId] = onlyResource(template, 'AWS::SNS::Topic');
    const [, notify] = stepFunction(template, 'notify');
    expect(notify.Properties.Environment).toMatchObject({
      Variables: { FAILOVER_TOPIC_ARN: { Ref: topicId } },
    });
  });

  describe('bundles', () => {
    const bundleOf = (stepId: string): string => {
      const [, fn] = stepFunction(template, stepId);
      const key = String((fn.Properties.Code as { S3Key: string }).S3Key);
      return join(assemblyDirectory, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    };

    const deployed = [...FAILOVER_STEPS, READINESS_CHECK];

    it.each(deployed.map((step) => [step.id, step.bakesPlan]))(
      'compiles the plan into %s only when it reads it (%s)',
      (stepId, bakesPlan) => {
        // A plan value no handler source contains: it can only come from the define.
        expect(readFileSync(bundleOf(stepId), 'utf8').includes('orders-db-replica')).toBe(bakesPlan);
      },
    );

    it('loads every bundle as an ES module in a plain Node process (the createRequire banner works)', () => {
      // A static import in a fresh ESM process: `node -e "import()"` and test runners provide a
      // `require` and would hide "Dynamic require of node:https is not supported".
      const imports = deployed.map(
        (step, i) =>
          `import { handler as h${i} } from ${JSON.stringify(pathToFileURL(bundleOf(step.id)).href)};`,
      );
      const check = `if (![${deployed.map((_s, i) => `h${i}`).join(', ')}].every((h) => typeof h === 'function')) process.exit(3);`;
      const result = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', [...imports, check].join('\n')],
        {
          encoding: 'utf8',
          env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('loads the validate-trigger bundle on Node and decides with the baked plan', async () => {
      const bundle = (await import(pathToFileURL(bundleOf('validate-trigger')).href)) as {
        handler: (input: unknown, context: unknown) => Promise<{ decision: string; plan: { name: string } }>;
      };
      const event = {
        version: '0',
        id: 'test-event',
        'detail-type': 'CloudWatch Alarm State Change',
        source: 'aws.cloudwatch',
        account: '111111111111',
        time: '2026-01-01T00:00:00Z',
        region: 'eu-west-1',
        resources: ['arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shop-eu-canary'],
        detail: {
          alarmName: 'shop-eu-canary',
          state: { value: 'ALARM', timestamp: '2026-01-01T00:00:00Z' },
          previousState: { value: 'OK' },
        },
      };
      const result = await bundle.handler(
        {
          event,
          executionId: 'arn:aws:states:us-west-2:111111111111:execution:x:1',
          executionStartedAt: event.time,
        },
        { awsRequestId: 'test', functionName: 'validate-trigger', getRemainingTimeInMillis: () => 60_000 },
      );
      expect(result).toMatchObject({ decision: 'proceed', plan: { name: PLAN_NAME } });
    });
  });

  it('encrypts the topic with a rotated key that only the publishing roles may use, through SNS', () => {
    const [keyId, key] = onlyResource(template, 'AWS::KMS::Key');
    const roleArnOf = (stepId: string) => {
      const [, fn] = stepFunction(template, stepId);
      return { 'Fn::GetAtt': [(fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0], 'Arn'] };
    };
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy).toMatchObject({
      Statement: expect.arrayContaining([
        {
          Effect: 'Allow',
          // notify, and the lock step when it announces a refused failover.
          Principal: { AWS: expect.arrayContaining([roleArnOf('notify'), roleArnOf('failover-lock')]) },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 'sns.us-west-2.amazonaws.com' } },
        },
      ]),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps undeliverable alarm events for 14 days in an encrypted, TLS-only queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('outputs the state machine ARN, the topic ARN, the rule, lock table and readiness alarm names', () => {
    const [stateMachineId] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const [topicId] = onlyResource(template, 'AWS::SNS::Topic');
    const [tableId] = onlyResource(template, 'AWS::DynamoDB::Table');
    const [alarmId] = onlyResource(template, 'AWS::CloudWatch::Alarm');
    const [ruleId] = Object.keys(
      template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: { source: ['aws.cloudwatch'] } },
      }),
    );
    const values = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>).map(
      (o) => o.Value,
    );
    expect(values).toEqual(
      expect.arrayContaining([
        { Ref: stateMachineId },
        { Ref: topicId },
        { Ref: ruleId },
        { Ref: tableId },
        { Ref: alarmId },
      ]),
    );
  });
});

describe('FailoverOrchestrator with notifications.topicArn in the plan', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp(repositoryPath('examples', 'shop-prod.plan.yaml'), {
      bundle: false,
    });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  it('publishes to the plan topic and creates neither a topic nor a key', () => {
    const topicArn = 'arn:aws:sns:us-west-2:111111111111:shop-failover';
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }]),
      },
    });
    expect(
      Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>).map((o) => o.Value),
    ).toContain(topicArn);
  });
});
