import type { ClientInterceptor } from '../../functions/common/aws-clients.js';
import type { Plan } from '../../functions/common/plan.js';
import { LOCK_TABLE_KEY } from '../../functions/failover-lock/lock-table.js';
import type { AwsService } from '../../functions/common/aws-clients.js';
import { SimulatedCloudWatch, type AlarmSnapshot } from './cloudwatch.js';
import { criticalPath, type CriticalPath } from './critical-path.js';
import { SimulatedDynamoDb, type PlainItem } from './dynamodb.js';
import { FaultInjector } from './faults.js';
import type { KindSnapshotSections, SimulatedKindModel, SimulatedPeers } from './kind-model.js';
import { SIMULATED_KINDS } from './kinds.js';
import { LambdaFaultInjector } from './lambda-faults.js';
import { scenarioIssuesForPlan } from './plan-check.js';
import { parseScenario, scenarioStartMs, ScenarioValidationError, type Scenario } from './scenario.js';
import { SimulatedStepFunctions, type ExecutionSnapshot } from './sfn.js';
import { SimulatedSns, type PublishedMessage } from './sns.js';
import { SimulatedTransport, type CallRecord } from './transport.js';
import type { OperationTable, SimWorld } from './world.js';

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
  /**
   * The failover lock's DynamoDB table in the recovery region (local replay passes it to the
   * lock step as FAILOVER_LOCK_TABLE, as the CDK construct does with the real one).
   * @default `<plan name>-failover-lock`
   */
  readonly lockTableName?: string;
}

/**
 * The end state of the simulated AWS, plain JSON, for printing and assertions. Each kind adds its
 * section under its sim.ts `snapshotKey` (typed by the kind: KindSnapshotSections), in registry order.
 */
export interface CloudSnapshot extends KindSnapshotSections {
  /** Virtual time of the snapshot. */
  readonly time: string;
  readonly alarms: readonly AlarmSnapshot[];
  readonly notifications: readonly PublishedMessage[];
  /** DynamoDB items by table name (the failover lock table), as plain JSON. */
  readonly tables: Readonly<Record<string, readonly PlainItem[]>>;
  /** Step Functions executions the runner started (and any recorded by a test), with their status. */
  readonly executions: readonly ExecutionSnapshot[];
  /** Each kind's resources in one line each, for people, in registry order (the models' `endState`). */
  readonly endState: readonly string[];
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
  /** Each kind's model, in registry order, with the snapshot key it fills. */
  private readonly kindModels: readonly {
    readonly snapshotKey: string;
    readonly model: SimulatedKindModel;
  }[];
  private readonly cloudWatch: SimulatedCloudWatch;
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
    this.kindModels = SIMULATED_KINDS.map((kind) => ({
      snapshotKey: kind.snapshotKey,
      model: kind.create(world),
    }));
    const models = this.kindModels.map((entry) => entry.model);
    const peers: SimulatedPeers = {
      templateValues: () => Object.assign({}, ...models.map((model) => model.templateValues?.() ?? {})),
    };
    for (const model of models) model.seed?.(peers);
    this.cloudWatch = new SimulatedCloudWatch(
      world,
      models.flatMap((model) => (model.metricSamples ? [model.metricSamples] : [])),
      models.flatMap((model) => (model.metricAlarms ? [model.metricAlarms] : [])),
    );
    this.sns = new SimulatedSns(world, topics);
    this.lockTableName = options.lockTableName ?? `${plan.name}-failover-lock`;
    this.dynamoDb = new SimulatedDynamoDb([
      { name: this.lockTableName, region: plan.recoveryRegion, partitionKey: LOCK_TABLE_KEY },
    ]);
    this.stepFunctions = new SimulatedStepFunctions();
    this.lambdaFaults = new LambdaFaultInjector(scenario);
    const tables = new Map<AwsService, OperationTable>([
      ['cloudwatch', this.cloudWatch.operations],
      ['sns', this.sns.operations],
      ['dynamodb', this.dynamoDb.operations],
      ['sfn', this.stepFunctions.operations],
    ]);
    // Two kinds may serve operations of one service (engine/sim/kinds.ts refuses a shared operation).
    for (const model of models) {
      for (const [service, table] of Object.entries(model.operations) as [AwsService, OperationTable][]) {
        tables.set(service, { ...tables.get(service), ...table });
      }
    }
    const transport = new SimulatedTransport(
      world,
      tables,
      new FaultInjector(scenario),
      options.latencyMs ?? scenario.latencyMs ?? DEFAULT_LATENCY_MS,
    );
    this.interceptor = transport.interceptor;
    this.calls = transport.calls;
  }

  /** Sets a plan alarm's state from `atMs` on, as a replayed alarm event says (engine/sim/alarm-events.ts). */
  public setAlarmState(name: string, region: string, state: 'ALARM' | 'OK', atMs: number): void {
    this.cloudWatch.setAlarmState(name, region, state, atMs);
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
    const sections = this.kindModels.map(
      ({ snapshotKey, model }) => [snapshotKey, model.snapshot(now)] as const,
    );
    const kinds = Object.fromEntries(sections) as unknown as KindSnapshotSections;
    return structuredClone({
      time: new Date(now).toISOString(),
      ...kinds,
      alarms: this.cloudWatch.snapshot(now),
      notifications: this.sns.messages(),
      tables: this.dynamoDb.snapshot(),
      executions: this.stepFunctions.snapshot(),
      endState: this.kindModels.flatMap(({ model }) => model.endState(now)),
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
 * Builds the simulated AWS for a plan: every kind's resources (e.g. replicas and their sources,
 * pilot-light groups, parameters pointing at the primary), alarms in ALARM, the notification topic.
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
