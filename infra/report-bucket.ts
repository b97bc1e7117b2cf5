import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunctionResource } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { REPORT_BUCKET_VARIABLE } from '../functions/write-report/settings.js';
import { WRITE_REPORT_ID } from './function-settings.js';
import { OrchestratorFunction, type OrchestratorFunctionOptions } from './orchestrator-function.js';

export { WRITE_REPORT_ID };

/** How long the bucket keeps a report (and each overwritten version of it). */
export const REPORT_RETENTION_DAYS = 365;

/** The execution statuses that end an execution: each gets its report. */
export const FINAL_EXECUTION_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface ReportBucketProps {
  readonly functionOptions: OrchestratorFunctionOptions;
  readonly stateMachine: IStateMachine;
  /** The lock table: the failover record the report reads what each resource did from. */
  readonly lockTable: ITable;
  /** Every execution of the state machine (`stateMachineExecutionsArn`), built from its name. */
  readonly executionsArn: string;
  readonly stateMachineName: string;
}

/**
 * Where live game days and alarm-triggered failovers keep their reports: an S3 bucket (encrypted,
 * versioned, public access blocked, TLS only, every object and version expiring after a year) and
 * the function (functions/write-report) that EventBridge invokes when an execution of the state
 * machine ends (succeeded, failed, timed out or stopped: also the ends no last state would see).
 * It writes `<plan>/<execution name>.html` and `.json`; `failover report <ARN>` fetches them.
 */
export class ReportBucket extends Construct {
  public readonly bucket: Bucket;
  public readonly writerFunction: LambdaFunctionResource;
  /** Invokes the writer when an execution of the state machine ends. */
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: ReportBucketProps) {
    super(scope, id);
    const { plan } = props.functionOptions;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'keep-reports-a-year',
          expiration: Duration.days(REPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(REPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Reports are evidence for auditors: deleting the stack keeps them (they expire on their own).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'The report bucket holds one report per failover, written by one function; its access is ' +
        'IAM-only (public access blocked, TLS enforced) and CloudTrail records it. A second bucket ' +
        'for server access logs would outgrow what it logs.',
    });

    const writer = new OrchestratorFunction(this, 'Writer', WRITE_REPORT_ID, {
      ...props.functionOptions,
      environment: {
        FAILOVER_LOCK_TABLE: props.lockTable.tableName,
        [REPORT_BUCKET_VARIABLE]: this.bucket.bucketName,
      },
    });
    this.writerFunction = writer.function;
    for (const statement of [
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [props.executionsArn],
      }),
      // The failover record: read only.
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.lockTable.tableArn] }),
      // Its own plan's prefix only.
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${plan.name}/*`)],
      }),
    ]) {
      writer.role.addToPrincipalPolicy(statement);
    }
    const stack = Stack.of(this);
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    Validations.of(writer.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${account}:execution:${props.stateMachineName}:*]`,
      reason: `The "*" is the execution name: the execution that just ended, of this state machine (${props.stateMachineName}) only.`,
    });
    Validations.of(writer.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${plan.name}/*]`,
      reason: `The "*" is the report's object name under this plan's prefix (${plan.name}/) of the report bucket.`,
    });

    this.rule = new Rule(this, 'ExecutionEnded', {
      description: `failover-orchestrator ${plan.name}: an execution ended, store its report`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [props.stateMachine.stateMachineArn],
          status: [...FINAL_EXECUTION_STATUSES],
        },
      },
    });
    this.rule.addTarget(
      new LambdaFunction(this.writerFunction, { retryAttempts: 8, maxEventAge: Duration.hours(6) }),
    );
  }
}
