import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { functionArnVariable } from '../../functions/kinds/kind-definition.js';
import { autoScalingGroupKind } from '../../functions/kinds/auto-scaling-group/definition.js';
import { rdsReplicaKind } from '../../functions/kinds/rds-replica/definition.js';
import { PLAN_FILE_NAME } from '../../functions/common/config.js';
import { bundleSizes } from '../../infra/bundle-sizes.js';
import { defaultHandlersDirectory, prebuiltHandler } from '../../infra/handler-code.js';
import {
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  FENCE_RETRY_ID,
  isKindId,
  MAX_BUNDLE_BYTES,
  READINESS_CHECK_ID,
} from '../../infra/function-settings.js';
import { definitionPlaceholders } from '../../infra/orchestrator-function.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { WRITE_REPORT_ID } from '../../infra/report-bucket.js';
import { buildWorkflow, workflowFunctionIds } from '../../state-machines/workflow-builder.js';
import { fixturePath, orchestratorApp, repositoryPath, synthesize, templateOf } from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
const PLAN_NAME = 'shop-staging';
const plan = loadPlanFile(fixturePath('multi-region.plan.yaml'));
/** The fixture plan uses every kind: 4 workflow steps and 3 kinds. */
const WORKFLOW_FUNCTION_IDS = workflowFunctionIds(plan);
/**
 * The workflow's functions, the scheduled readiness check, the report writer (infra/report-bucket.ts)
 * and the fence retry (infra/fence-retry.ts: the plan has fencing kinds).
 */
const DEPLOYED_FUNCTION_IDS = [...WORKFLOW_FUNCTION_IDS, READINESS_CHECK_ID, WRITE_REPORT_ID, FENCE_RETRY_ID];

/** The definition with every `${...}` placeholder replaced by `fn:<logical id of its function>`. */
function resolvePlaceholders(definition: string, logicalIdOf: (variable: string) => string): unknown {
  return JSON.parse(
    definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_whole, variable: string) => `fn:${logicalIdOf(variable)}`),
  );
}

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

  it('matches plan alarms only in their regions and from the account the orchestrator is deployed to', () => {
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: pattern });
    expect(pattern.asObject()).toMatchObject({
      account: ['111111111111'],
      region: ['eu-west-1', 'us-east-1', 'us-west-2'],
    });
  });

  it('substitutes every ${...} of the definition with its function ARN, and defines nothing else', () => {
    const [, stateMachine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const placeholders = definitionPlaceholders(String(stateMachine.Properties.DefinitionString));

    expect(Object.keys(substitutions).sort()).toEqual(placeholders);
    expect(placeholders).toEqual(WORKFLOW_FUNCTION_IDS.map(functionArnVariable).sort());
    for (const id of WORKFLOW_FUNCTION_IDS) {
      const [functionId] = stepFunction(template, id);
      expect(substitutions[functionArnVariable(id)], functionArnVariable(id)).toEqual({
        'Fn::GetAtt': [functionId, 'Arn'],
      });
    }
  });

  it('inlines buildWorkflow(plan), the definition local replay runs, with each Task on its function', () => {
    const [, stateMachine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const substitutions = stateMachine.Properties.DefinitionSubstitutions as Record<
      string,
      { 'Fn::GetAtt': [string, string] }
    >;
    const deployed = resolvePlaceholders(String(stateMachine.Properties.DefinitionString), (variable) =>
      String(substitutions[variable]?.['Fn::GetAtt'][0]),
    );
    const functionOfVariable = new Map(
      WORKFLOW_FUNCTION_IDS.map((id) => [functionArnVariable(id), stepFunction(template, id)[0]]),
    );
    const expected = resolvePlaceholders(JSON.stringify(buildWorkflow(plan)), (variable) =>
      String(functionOfVariable.get(variable)),
    );

    expect(stateMachine.Properties.StateMachineType).toBe('STANDARD');
    expect(stateMachine.Properties.StateMachineName).toBe(`${PLAN_NAME}-failover`);
    expect(deployed).toEqual(expected);
    expect(JSON.stringify(deployed)).toContain(`fn:${stepFunction(template, 'rds-replica')[0]}`);
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

  it.each(WORKFLOW_FUNCTION_IDS.map((id) => [id]))(
    'runs %s on Node.js 22 or later (arm64), traced, with its own role and retained log group',
    (stepId) => {
      const [, fn] = stepFunction(template, stepId);
      const runtime = String(fn.Properties.Runtime);
      expect(runtime).toMatch(/^nodejs\d+\.x$/);
      expect(Number(/^nodejs(\d+)/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: DEFAULT_FUNCTION_TIMEOUT_SECONDS,
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
      const otherRoles = DEPLOYED_FUNCTION_IDS.filter((id) => id !== stepId).map(
        (id) =>
          (stepFunction(template, id)[1].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
      );
      expect(otherRoles).not.toContain(roleRef);
    },
  );

  it('caps the default function timeout at the workflow wait for in-flight functions (60 s)', () => {
    expect(DEFAULT_FUNCTION_TIMEOUT_SECONDS).toBe(60);
  });

  it('tells notify the created topic and the table holding the failover record', () => {
    const [topicId] = onlyResource(template, 'AWS::SNS::Topic');
    const [tableId] = onlyResource(template, 'AWS::DynamoDB::Table');
    const [, notify] = stepFunction(template, 'notify');
    expect(notify.Properties.Environment).toMatchObject({
      Variables: { FAILOVER_TOPIC_ARN: { Ref: topicId }, FAILOVER_LOCK_TABLE: { Ref: tableId } },
    });
  });

  it.each(WORKFLOW_FUNCTION_IDS.filter(isKindId).map((id) => [id]))(
    'tells the %s function the table holding the failover record, and nothing else',
    (kindId) => {
      const [tableId] = onlyResource(template, 'AWS::DynamoDB::Table');
      const [, fn] = stepFunction(template, kindId);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.FAILOVER_LOCK_TABLE).toEqual({ Ref: tableId });
      expect(variables).not.toHaveProperty('FAILOVER_TOPIC_ARN');
    },
  );

  describe('bundles', () => {
    const bundleOf = (stepId: string): string => {
      const [, fn] = stepFunction(template, stepId);
      const key = String((fn.Properties.Code as { S3Key: string }).S3Key);
      return join(assemblyDirectory, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    };

    it('deploys the prebuilt handler unchanged, with the plan in a file beside it', () => {
      for (const id of DEPLOYED_FUNCTION_IDS) {
        const deployed = readFileSync(bundleOf(id));
        const asset = dirname(bundleOf(id));
        // The code is the package's prebuilt bundle, byte for byte: synth bundled nothing.
        expect(deployed.equals(readFileSync(prebuiltHandler(defaultHandlersDirectory(), id))), id).toBe(true);
        // A plan value no handler source contains: the code does not carry the plan, the file does.
        expect(deployed.includes('orders-db-replica'), id).toBe(false);
        expect(JSON.parse(readFileSync(join(asset, PLAN_FILE_NAME), 'utf8')), id).toEqual(plan);
      }
    });

    it('keeps every function bundle within 500 KiB', () => {
      const sizes = bundleSizes(assemblyDirectory);
      console.log(
        sizes
          .map(({ functionId, bytes, assetBytes }) => `${functionId}: ${bytes} B (asset ${assetBytes} B)`)
          .join('\n'),
      );
      expect(sizes.map(({ functionId }) => functionId).sort()).toEqual([...DEPLOYED_FUNCTION_IDS].sort());
      expect(sizes.filter(({ bytes }) => bytes > MAX_BUNDLE_BYTES)).toEqual([]);
    });

    it('loads every bundle as an ES module in a plain Node process (the createRequire banner works)', () => {
      // A static import in a fresh ESM process: `node -e "import()"` and test runners provide a
      // `require` and would hide "Dynamic require of node:https is not supported". The bundles
      // import the AWS SDK from the Lambda runtime; here a resolve hook takes it from this
      // repository's node_modules instead, and nothing else: any other import must be bundled.
      const sdkFrom = pathToFileURL(repositoryPath('package.json')).href;
      const hooks =
        'export async function resolve(specifier, context, next) {' +
        ` return next(specifier, specifier.startsWith('@aws-sdk/') ? { ...context, parentURL: ${JSON.stringify(sdkFrom)} } : context); }`;
      const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
      const imports = DEPLOYED_FUNCTION_IDS.map(
        (id, i) => `import { handler as h${i} } from ${JSON.stringify(pathToFileURL(bundleOf(id)).href)};`,
      );
      const check = `if (![${DEPLOYED_FUNCTION_IDS.map((_id, i) => `h${i}`).join(', ')}].every((h) => typeof h === 'function')) process.exit(3);`;
      const result = spawnSync(
        process.execPath,
        [
          '--import',
          `data:text/javascript,${encodeURIComponent(register)}`,
          '--input-type=module',
          '-e',
          [...imports, check].join('\n'),
        ],
        { encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('loads the validate-trigger bundle on Node and decides with the plan in its asset', async () => {
      // As in Lambda: no plan in the environment, only the file in the asset.
      vi.stubEnv('FAILOVER_PLAN', '');
      vi.stubEnv('FAILOVER_PLAN_FILE', undefined);
      const bundle = (await import(pathToFileURL(bundleOf('validate-trigger')).href)) as {
        handler: (input: unknown, context: unknown) => Promise<Record<string, unknown>>;
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
      // shop-eu-canary is a trigger of the deployed plan only: another plan would ignore it.
      expect(result).toMatchObject({ decision: 'proceed', trigger: { executionId: expect.any(String) } });
      expect(result).not.toHaveProperty('plan');
      vi.unstubAllEnvs();
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
    const [alarmId] = Object.keys(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: Match.stringLikeRegexp('-readiness$') },
      }),
    );
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

describe('FailoverOrchestrator for a plan without scaling groups', () => {
  let template: Template;

  beforeAll(() => {
    const { app, stack } = orchestratorApp('multi-region.plan.yaml', {
      bundle: false,
      props: { plan: { ...plan, scalingGroups: [] } },
    });
    template = templateOf(synthesize(app, [stack]), stack);
  });

  it('deploys no auto-scaling-group function, and its definition keeps no trace of the kind', () => {
    const descriptions = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    ).map((fn) => String(fn.Properties.Description));
    const [, stateMachine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const definition = String(stateMachine.Properties.DefinitionString);
    const kindNames = [
      functionArnVariable(autoScalingGroupKind.id),
      ...Object.values(autoScalingGroupKind.states),
    ].filter((name): name is string => name !== undefined);

    // The workflow functions this plan uses (4 steps and a function per kind but the groups'),
    // the readiness check, the report writer and the fence retry (the databases still fence).
    expect(descriptions).toHaveLength(workflowFunctionIds({ ...plan, scalingGroups: [] }).length + 3);
    expect(descriptions).not.toContain(`failover-orchestrator ${PLAN_NAME}: auto-scaling-group`);
    expect(descriptions).toContain(`failover-orchestrator ${PLAN_NAME}: rds-replica`);
    expect(kindNames.filter((name) => definition.includes(name))).toEqual([]);
    expect(stateMachine.Properties.DefinitionSubstitutions).not.toHaveProperty(
      functionArnVariable(autoScalingGroupKind.id),
    );
    // The other recover kind is still there: the definition is not just empty.
    expect(definition).toContain(rdsReplicaKind.states.start);
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
