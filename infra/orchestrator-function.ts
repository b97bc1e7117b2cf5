import { join } from 'node:path';
import { Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { WORKFLOW_STEPS, type WorkflowStep, type WorkflowStepId } from '../functions/common/steps.js';

/** The workflow's Lambda steps (functions/common/steps.ts: the list local replay uses too). */
export const FAILOVER_STEPS = WORKFLOW_STEPS;

export type FailoverStep = WorkflowStep;
export type FailoverStepId = WorkflowStepId;

/** A function the orchestrator deploys from `functions/<id>/handler.ts`: a step, or the readiness check. */
export interface OrchestratorFunctionSpec {
  readonly id: string;
  /** Compile the plan into the bundle (the handler calls `deployedPlan()`). */
  readonly bakesPlan: boolean;
}

/**
 * The scheduled readiness check (functions/readiness-check). Not a step: the state machine never
 * invokes it, so it is not in FAILOVER_STEPS (nor in the state machine's invoke permission).
 */
export const READINESS_CHECK = { id: 'readiness-check', bakesPlan: true } as const;

/** What the steps' environment variables are set from. */
export interface StepEnvironmentValues {
  readonly topicArn: string;
  readonly lockTableName: string;
}

/** The variables each step reads (functions/common/config.ts, functions/failover-lock/lock-table.ts). */
export function stepEnvironment(step: FailoverStepId, values: StepEnvironmentValues): Record<string, string> {
  switch (step) {
    case 'failover-lock':
      return { FAILOVER_LOCK_TABLE: values.lockTableName, FAILOVER_TOPIC_ARN: values.topicArn };
    case 'notify':
      return { FAILOVER_TOPIC_ARN: values.topicArn };
    default:
      return {};
  }
}

/**
 * ESM bundles that include the AWS SDK call `require('node:https')` through esbuild's CJS shim,
 * which throws "Dynamic require of ... is not supported" when the module loads, unless `require`
 * exists: give the module one (test/infra/failover-orchestrator.test.ts loads every bundle).
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface StepFunctionOptions {
  readonly plan: Plan;
  /** Repository root: holds `functions/`, `package-lock.json` and the ASL. */
  readonly projectRoot: string;
  readonly runtime: Runtime;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  /**
   * Variables the handler reads, besides the Powertools settings (see `stepEnvironment`).
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One step's function (or the readiness check's), with its own role and log group (nothing shared). */
export class FailoverStepFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  public constructor(
    scope: Construct,
    id: string,
    step: OrchestratorFunctionSpec,
    options: StepFunctionOptions,
  ) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: options.logRetention });
    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group); this one writes to its own group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `failover-orchestrator ${options.plan.name}: ${step.id} step`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'failover-orchestrator',
      POWERTOOLS_LOG_LEVEL: options.logLevel,
      NODE_OPTIONS: '--enable-source-maps',
      ...options.environment,
    };

    this.function = new NodejsFunction(this, 'Function', {
      description: `failover-orchestrator ${options.plan.name}: ${step.id}`,
      entry: join(options.projectRoot, 'functions', step.id, 'handler.ts'),
      handler: 'handler',
      projectRoot: options.projectRoot,
      depsLockFilePath: join(options.projectRoot, 'package-lock.json'),
      runtime: options.runtime,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        // The SDK is bundled, not taken from the runtime: the steps then run the exact client
        // versions the unit tests and local replay ran (package-lock.json), and a bundled ESM
        // cold start measured no slower than an external one (TOOLCHAIN.md, ~250 vs ~275 ms).
        externalModules: [],
        minify: true,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        sourcesContent: false,
        // The plan can exceed Lambda's 4 KB environment limit, so it is compiled into the
        // bundles that read it (functions/common/config.ts); esbuild wants a JS expression.
        define: step.bakesPlan
          ? { 'process.env.FAILOVER_PLAN': JSON.stringify(JSON.stringify(options.plan)) }
          : undefined,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is granted only for actions without resource-level permissions: X-Ray ' +
        'PutTraceSegments/PutTelemetryRecords (active tracing), CloudWatch GetMetricData, CloudWatch ' +
        'PutMetricData (readiness check, conditioned on cloudwatch:namespace) and Auto Scaling ' +
        'DescribeAutoScalingGroups (see step-permissions.ts and the IAM test allow-list).',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'The runtime is a construct prop (default Node.js 22, the version the steps are built and tested ' +
        'for); Node.js 24 can be selected once the toolchain moves to it.',
    });
  }
}

/** Every `${Name}` placeholder in an ASL document, sorted and without duplicates. */
export function definitionPlaceholders(definition: string): string[] {
  return [
    ...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? '')),
  ].sort();
}
