import { Validations, type CfnResource, type Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Tracing,
  type Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { FUNCTION_ID_METADATA, isKindId } from './function-settings.js';
import { stageFunctionAsset } from './handler-code.js';

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
  if (id === 'failover-lock' || id === 'notify' || id === 'failback')
    return { FAILOVER_LOCK_TABLE: values.lockTableName, FAILOVER_TOPIC_ARN: values.topicArn };
  if (isKindId(id)) return { FAILOVER_LOCK_TABLE: values.lockTableName };
  return {};
}

export interface OrchestratorFunctionOptions {
  readonly plan: Plan;
  /** Holds the prebuilt handlers, `<id>/index.mjs` (infra/handler-code.ts). */
  readonly handlersDirectory: string;
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
 * and log group (nothing shared): its prebuilt handler with the plan in a file beside it (every
 * function reads the plan from its code asset, functions/common/config.ts `deployedPlan`, never
 * from the state). Synth copies the asset; it bundles nothing.
 */
export class OrchestratorFunction extends Construct {
  public readonly function: LambdaFunction;
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

    this.function = new LambdaFunction(this, 'Function', {
      description: `failover-orchestrator ${options.plan.name}: ${functionId}`,
      code: Code.fromAsset(stageFunctionAsset(options.handlersDirectory, functionId, options.plan)),
      handler: 'index.handler',
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
