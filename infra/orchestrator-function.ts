import { Validations, type CfnResource, type Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { Plan } from '../functions/common/plan.js';
import { FUNCTION_ID_METADATA, functionEntry, isKindId } from './function-settings.js';

/** What the functions' environment variables are set from. */
export interface FunctionEnvironmentValues {
  readonly topicArn: string;
  readonly lockTableName: string;
}

/**
 * The variables each workflow function reads besides the plan (compiled in): the lock table for
 * the lock and for everything that keeps or reads the failover record (functions/common/
 * failover-record.ts: every kind, and notify), the topic for whatever publishes.
 */
export function functionEnvironment(id: string, values: FunctionEnvironmentValues): Record<string, string> {
  if (id === 'failover-lock' || id === 'notify')
    return { FAILOVER_LOCK_TABLE: values.lockTableName, FAILOVER_TOPIC_ARN: values.topicArn };
  if (isKindId(id)) return { FAILOVER_LOCK_TABLE: values.lockTableName };
  return {};
}

/**
 * ESM bundles that include the AWS SDK call `require('node:https')` through esbuild's CJS shim,
 * which throws "Dynamic require of ... is not supported" when the module loads, unless `require`
 * exists: give the module one (test/infra/failover-orchestrator.test.ts loads every bundle).
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface OrchestratorFunctionOptions {
  readonly plan: Plan;
  /** Repository root: holds `functions/` and `package-lock.json`. */
  readonly projectRoot: string;
  readonly runtime: Runtime;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  /**
   * Concurrent executions reserved for (and allowed to) the function: the failover path's
   * functions get one so that other workloads cannot starve a failover.
   * @default none (the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
  /**
   * Variables the handler reads, besides the Powertools settings (see `functionEnvironment`).
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * One orchestrator function (a workflow step, a kind, or the readiness check) with its own role
 * and log group (nothing shared), and the plan compiled into its bundle: every function reads
 * the plan from its code (functions/common/config.ts `deployedPlan`), never from the state.
 */
export class OrchestratorFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, functionId: string, options: OrchestratorFunctionOptions) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: options.logRetention });
    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group); this one writes to its own group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `failover-orchestrator ${options.plan.name}: ${functionId} function`,
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
      description: `failover-orchestrator ${options.plan.name}: ${functionId}`,
      entry: functionEntry(options.projectRoot, functionId),
      handler: 'handler',
      projectRoot: options.projectRoot,
      depsLockFilePath: join(options.projectRoot, 'package-lock.json'),
      runtime: options.runtime,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      ...(options.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: options.reservedConcurrency }
        : {}),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        // The AWS SDK comes from the runtime (Node.js 18 and later carry SDK v3, importable from
        // ES modules), not from the bundle. Bundled, SDK v3 3.116x weighs 300-450 KB minified per
        // function (@smithy/core, the protocol serde, the credential chain's nested STS/SSO
        // clients), so every function with two clients broke the 500 KiB budget (readiness check:
        // 1.3 MB with six). The price: a cold start measured ~25 ms slower for a one-client
        // function (TOOLCHAIN.md, ~275 vs ~250 ms), and deployed functions run the runtime's SDK
        // version, not package-lock.json's; the commands they send (test/infra/
        // iam-least-privilege.test.ts reads them from the bundles) are long-stable APIs.
        externalModules: ['@aws-sdk/*'],
        minify: true,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        sourcesContent: false,
        // The plan can exceed Lambda's 4 KB environment limit, so it is compiled into every
        // bundle (functions/common/config.ts reads it); esbuild wants a JS expression.
        define: { 'process.env.FAILOVER_PLAN': JSON.stringify(JSON.stringify(options.plan)) },
      },
    });
    (this.function.node.defaultChild as CfnResource).addMetadata(FUNCTION_ID_METADATA, functionId);

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is granted only for actions without resource-level permissions: X-Ray ' +
        'PutTraceSegments/PutTelemetryRecords (active tracing), CloudWatch GetMetricData, CloudWatch ' +
        'PutMetricData (readiness check, conditioned on cloudwatch:namespace) and Auto Scaling ' +
        'DescribeAutoScalingGroups (see function-permissions.ts and the IAM test allow-list).',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'The runtime is a construct prop (default Node.js 22, the version the functions are built and ' +
        'tested for); Node.js 24 can be selected once the toolchain moves to it.',
    });
  }
}

/** Every `${Name}` placeholder in an ASL document, sorted and without duplicates. */
export function definitionPlaceholders(definition: string): string[] {
  return [
    ...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? '')),
  ].sort();
}
