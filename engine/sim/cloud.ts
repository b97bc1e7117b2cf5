import type { ClientInterceptor } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import { LOCK_TABLE_KEY } from '../../functions/failover-lock/lock-table.js';
import { SimulatedAutoScaling, type GroupSnapshot } from './autoscaling.js';
import { SimulatedCloudWatch, type AlarmSnapshot } from './cloudwatch.js';
import { criticalPath, type CriticalPath } from './critical-path.js';
import { SimulatedDynamoDb, type PlainItem } from './dynamodb.js';
import { FaultInjector } from './faults.js';
import { LambdaFaultInjector } from './lambda-faults.js';
import { scenarioIssuesForPlan } from './plan-check.js';
import { DEFAULT_REPLICA_CREATION_SECONDS, SimulatedRds, type DatabaseSnapshot } from './rds.js';
import { parseScenario, scenarioStartMs, ScenarioValidationError, type Scenario } from './scenario.js';
import { SimulatedStepFunctions, type ExecutionSnapshot } from './sfn.js';
import { SimulatedSns, type PublishedMessage } from './sns.js';
import { SimulatedSsm, type ParameterSnapshot } from './ssm.js';
import { SimulatedTransport, type CallRecord } from './transport.js';
import type { SimWorld } from './world.js';

export interface SimulatedCloudOptions {
  /** @default the account of the plan's topic ARN, else 111111111111 */
  readonly accountId?: string;
  /**
   * A notification topic to create besides the plan's own (the topic the CDK construct would
   * create, which local replay passes as FAILOVER_TOPIC_ARN).
   * @default `arn:aws:sns:<recoveryRegion>:<account>:<plan name>-failover` when the plan names none
   */
  readonly topicArn?: string;
  /** Simulated duration of each API call. @default scenario.latencyMs, else 40 */
  readonly latencyMs?: number;
  /** CreateDBInstanceReadReplica: `creating` for this long. @default 600 */
  readonly replicaCreationSeconds?: number;
  /**
   * The failover lock's DynamoDB table in the recovery region (local replay passes it to the
   * lock step as FAILOVER_LOCK_TABLE, as the CDK construct does with the real one).
   * @default `<plan name>-failover-lock`
   */
  readonly lockTableName?: string;
}

/** The end state of the simulated AWS, plain JSON, for printing and assertions. */
export interface CloudSnapshot {
  /** Virtual time of the snapshot. */
  readonly time: string;
  readonly databases: readonly DatabaseSnapshot[];
  readonly groups: readonly GroupSnapshot[];
  readonly parameters: Readonly<Record<string, ParameterSnapshot>>;
  readonly alarms: readonly AlarmSnapshot[];
  readonly notifications: readonly PublishedMessage[];
  /** DynamoDB items by table name (the failover lock table), as plain JSON. */
  readonly tables: Readonly<Record<string, readonly PlainItem[]>>;
  /** Step Functions executions the runner started (and any recorded by a test), with their status. */
  readonly executions: readonly ExecutionSnapshot[];
}

export const DEFAULT_LATENCY_MS = 40;
const DEFAULT_ACCOUNT_ID = '111111111111';

/**
 * An in-memory AWS built from a plan and a scenario, served to the SDK clients of
 * functions/common/aws-clients.ts through `interceptor`. All time is the (fake) `Date.now()`.
 */
export class SimulatedCloud {
  /** Pass to `setClientInterceptor`: every client created afterwards talks to this cloud. */
  public readonly interceptor: ClientInterceptor;
  /** Every attempt of every call, in order. */
  public readonly calls: readonly CallRecord[];
  public readonly scenario: Scenario;
  /** Where the runner sets the virtual clock before the replay. */
  public readonly startTime: Date;
  /** The notification topic that exists (the plan's, else the option's or the default). */
  public readonly topicArn: string;
  /** The failover lock table, in the plan's recovery region. */
  public readonly lockTableName: string;
  /** DynamoDB: the lock table (seed an item with `dynamoDb.seed`). */
  public readonly dynamoDb: SimulatedDynamoDb;
  /** Step Functions: the registry of executions the runner feeds (DescribeExecution, StopExecution). */
  public readonly stepFunctions: SimulatedStepFunctions;
  /** Lambda's own faults (service errors, throttling, function timeouts) for the local step invocations. */
  public readonly lambdaFaults: LambdaFaultInjector;
  private readonly rds: SimulatedRds;
  private readonly autoScaling: SimulatedAutoScaling;
  private readonly cloudWatch: SimulatedCloudWatch;
  private readonly ssm: SimulatedSsm;
  private readonly sns: SimulatedSns;

  public constructor(plan: Plan, scenario: Scenario, options: SimulatedCloudOptions = {}) {
    this.scenario = scenario;
    this.startTime = new Date(scenarioStartMs(scenario));
    const planTopic = plan.notifications.topicArn;
    const accountId =
      options.accountId ?? (planTopic ?? options.topicArn)?.split(':')[4] ?? DEFAULT_ACCOUNT_ID;
    this.topicArn =
      planTopic ??
      options.topicArn ??
      `arn:aws:sns:${plan.recoveryRegion}:${accountId}:${plan.name}-failover`;
    const topics = [this.topicArn, ...(options.topicArn !== undefined ? [options.topicArn] : [])];
    const world: SimWorld = {
      plan,
      scenario,
      startMs: this.startTime.getTime(),
      accountId,
    };
    this.rds = new SimulatedRds(world, options.replicaCreationSeconds ?? DEFAULT_REPLICA_CREATION_SECONDS);
    this.autoScaling = new SimulatedAutoScaling(world);
    this.cloudWatch = new SimulatedCloudWatch(world, this.rds);
    this.ssm = new SimulatedSsm(world, this.rds);
    this.sns = new SimulatedSns(world, topics);
    this.lockTableName = options.lockTableName ?? `${plan.name}-failover-lock`;
    this.dynamoDb = new SimulatedDynamoDb([
      { name: this.lockTableName, region: plan.recoveryRegion, partitionKey: LOCK_TABLE_KEY },
    ]);
    this.stepFunctions = new SimulatedStepFunctions();
    this.lambdaFaults = new LambdaFaultInjector(scenario);
    const transport = new SimulatedTransport(
      world,
      {
        rds: this.rds.operations,
        autoscaling: this.autoScaling.operations,
        cloudwatch: this.cloudWatch.operations,
        ssm: this.ssm.operations,
        sns: this.sns.operations,
        dynamodb: this.dynamoDb.operations,
        sfn: this.stepFunctions.operations,
      },
      new FaultInjector(scenario),
      options.latencyMs ?? scenario.latencyMs ?? DEFAULT_LATENCY_MS,
    );
    this.interceptor = transport.interceptor;
    this.calls = transport.calls;
  }

  /** The attempts of mutating operations (failed ones included: check `outcome`). */
  public mutatingCalls(): CallRecord[] {
    return this.calls.filter((call) => call.mutating);
  }

  /** Every SNS message published so far, in order. */
  public notifications(): readonly PublishedMessage[] {
    return this.sns.messages();
  }

  public snapshot(): CloudSnapshot {
    const now = Date.now();
    return structuredClone({
      time: new Date(now).toISOString(),
      databases: this.rds.snapshot(now),
      groups: this.autoScaling.snapshot(now),
      parameters: this.ssm.snapshot(),
      alarms: this.cloudWatch.snapshot(now),
      notifications: this.sns.messages(),
      tables: this.dynamoDb.snapshot(),
      executions: this.stepFunctions.snapshot(),
    });
  }

  /** The critical path of simulated AWS durations, with its parts. */
  public criticalPath(plan: Plan): CriticalPath {
    return criticalPath(plan, this.scenario);
  }

  /** Seconds an ideal orchestrator would need from the trigger: the floor for the achieved RTO. */
  public criticalPathSeconds(plan: Plan): number {
    return this.criticalPath(plan).totalSeconds;
  }
}

/**
 * Builds the simulated AWS for a plan: replicas and their sources, pilot-light groups,
 * parameters pointing at the primary, alarms in ALARM, the notification topic.
 * @throws ScenarioValidationError when the scenario is invalid or names what the plan does not have
 */
export function createSimulatedCloud(
  plan: Plan,
  scenario: Scenario = {},
  options: SimulatedCloudOptions = {},
): SimulatedCloud {
  const valid = parseScenario(scenario);
  const issues = scenarioIssuesForPlan(plan, valid);
  if (issues.length > 0) throw new ScenarioValidationError(issues);
  return new SimulatedCloud(plan, valid, options);
}
