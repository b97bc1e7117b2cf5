import type {
  DBCluster,
  DescribeDBClustersCommandInput,
  DescribeGlobalClustersCommandInput,
  FailoverGlobalClusterCommandInput,
  FailoverStatus,
  GlobalCluster,
  SwitchoverGlobalClusterCommandInput,
} from '@aws-sdk/client-rds';
import * as z from 'zod';
import { base36Digest, hexDigest } from '../../../engine/sim/ids.js';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { longAgo, secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import type { GlobalFailoverCall } from './types.js';

/**
 * Aurora global databases: for every plan item a global cluster with two members, the writer in
 * the primary region and the plan's recovery cluster (a secondary) in the recovery region. State
 * is lazy: a call records when it was accepted and every Describe derives FailoverState from
 * `Date.now()`: `pending` (RDS verifying both clusters), then `failing-over` (FailoverGlobalCluster)
 * or `switching-over` (SwitchoverGlobalCluster), then the recovery cluster is the writer and
 * FailoverState is empty again (RDS API Reference, FailoverState).
 */

const seconds = z.number().min(0);

/** The scenario's `globalFailover` entry: how one recovery cluster's global database (or `"*"`) behaves. */
export const globalFailoverSchema = z.strictObject({
  /** From the call to the end of `pending`. @default 10 */
  pendingSeconds: seconds.optional(),
  /** From the call until the recovery cluster is the writer. @default 90 */
  durationSeconds: z.number().positive().optional(),
  /** RDS refuses SwitchoverGlobalCluster and FailoverGlobalCluster with this error. */
  refuseWith: z.enum(['InvalidGlobalClusterStateFault', 'InvalidDBClusterStateFault']).optional(),
  /** The recovery cluster is already the writer (a previous failover moved it). */
  alreadyFailedOver: z.boolean().optional(),
  /** The global cluster does not exist. */
  missing: z.boolean().optional(),
  /** The recovery cluster is not a member of the global cluster (it was detached). */
  detached: z.boolean().optional(),
  /** The operation is cancelled this many seconds after the call; the old writer stays. */
  cancelAtSeconds: seconds.optional(),
});
export type GlobalFailoverBehaviour = z.output<typeof globalFailoverSchema>;

export const DEFAULT_PENDING_SECONDS = 10;
export const DEFAULT_GLOBAL_FAILOVER_SECONDS = 90;
/** How long `cancelling` lasts before the old roles are back. */
const CANCELLING_SECONDS = 20;
const PORT = 5432;

interface ClusterRecord {
  readonly id: string;
  readonly region: string;
  readonly arn: string;
  readonly endpoint: string;
}

interface GlobalRecord {
  readonly id: string;
  readonly arn: string;
  readonly primary: ClusterRecord;
  readonly recovery: ClusterRecord;
  readonly behaviour: GlobalFailoverBehaviour;
  readonly detached: boolean;
  call: { readonly name: GlobalFailoverCall; readonly at: number } | undefined;
  readonly calls: { readonly name: GlobalFailoverCall; readonly at: string }[];
}

interface GlobalView {
  readonly recoveryIsWriter: boolean;
  readonly operation: FailoverStatus | 'switching-over' | undefined;
  readonly failedOverAt: number | undefined;
}

export interface GlobalDatabaseSnapshot {
  readonly globalCluster: string;
  readonly recoveryCluster: string;
  /** Where the writer is: the plan's primary or recovery region. */
  readonly writerRegion: string;
  readonly writer: string;
  readonly failoverState: string | null;
  readonly writerEndpoint: string;
  /** Every SwitchoverGlobalCluster / FailoverGlobalCluster accepted, in order. */
  readonly calls: readonly { readonly name: GlobalFailoverCall; readonly at: string }[];
  readonly failedOverAt: string | null;
}

/** The primary cluster's id for a recovery cluster: `orders-usw2` → `orders-usw2-primary`. */
export const primaryClusterIdFor = (recovery: string): string => `${recovery}-primary`;

export class SimulatedGlobalDatabases {
  private readonly globals: GlobalRecord[] = [];

  public constructor(private readonly world: SimWorld) {
    const { plan, scenario, accountId } = world;
    for (const item of plan.auroraGlobalClusters) {
      const behaviour = settingsFor(scenario.globalFailover, item.recoveryCluster) ?? {};
      if (behaviour.missing) continue;
      const cluster = (id: string, region: string): ClusterRecord => ({
        id,
        region,
        arn: `arn:aws:rds:${region}:${accountId}:cluster:${id}`,
        endpoint: `${id}.cluster-${base36Digest(`${accountId}:${region}`, 12)}.${region}.rds.amazonaws.com`,
      });
      this.globals.push({
        id: item.globalCluster,
        arn: `arn:aws:rds::${accountId}:global-cluster:${item.globalCluster}`,
        primary: cluster(primaryClusterIdFor(item.recoveryCluster), plan.primaryRegion),
        recovery: cluster(item.recoveryCluster, plan.recoveryRegion),
        behaviour,
        detached: behaviour.detached === true,
        call: undefined,
        calls: [],
      });
    }
  }

  public readonly operations = {
    DescribeGlobalClusters: (input: DescribeGlobalClustersCommandInput, call: CallContext) =>
      this.describe(input, call),
    FailoverGlobalCluster: (input: FailoverGlobalClusterCommandInput, call: CallContext) =>
      this.move('FailoverGlobalCluster', input, call),
    SwitchoverGlobalCluster: (input: SwitchoverGlobalClusterCommandInput, call: CallContext) =>
      this.move('SwitchoverGlobalCluster', input, call),
    DescribeDBClusters: (input: DescribeDBClustersCommandInput, call: CallContext) =>
      this.describeClusters(input, call),
  };

  /** Whether the recovery cluster replicates (and so publishes AuroraGlobalDBRPOLag) at `at`. */
  public replicatingAt(recoveryCluster: string, region: string, at: number): boolean {
    const global = this.globals.find(
      (candidate) => candidate.recovery.id === recoveryCluster && candidate.recovery.region === region,
    );
    if (global === undefined || global.detached || global.behaviour.alreadyFailedOver) return false;
    return global.call === undefined || at < global.call.at;
  }

  /** The primary writer's endpoint (what parameters point at before the failover). */
  public primaryEndpoint(recoveryCluster: string): { endpoint: string; clusterId: string } | undefined {
    const global = this.globals.find((candidate) => candidate.recovery.id === recoveryCluster);
    return global && { endpoint: global.primary.endpoint, clusterId: global.primary.id };
  }

  public snapshot(now: number): GlobalDatabaseSnapshot[] {
    return this.globals.map((global) => {
      const view = this.view(global, now);
      const writer = view.recoveryIsWriter ? global.recovery : global.primary;
      return {
        globalCluster: global.id,
        recoveryCluster: global.recovery.id,
        writerRegion: writer.region,
        writer: writer.id,
        failoverState: view.operation ?? null,
        writerEndpoint: writer.endpoint,
        calls: [...global.calls],
        failedOverAt: view.failedOverAt === undefined ? null : new Date(view.failedOverAt).toISOString(),
      };
    });
  }

  private view(global: GlobalRecord, now: number): GlobalView {
    if (global.behaviour.alreadyFailedOver)
      return { recoveryIsWriter: true, operation: undefined, failedOverAt: undefined };
    if (global.call === undefined)
      return { recoveryIsWriter: false, operation: undefined, failedOverAt: undefined };
    const elapsed = now - global.call.at;
    const { behaviour } = global;
    const cancelAt =
      behaviour.cancelAtSeconds === undefined ? undefined : secondsToMs(behaviour.cancelAtSeconds);
    const duration = secondsToMs(behaviour.durationSeconds ?? DEFAULT_GLOBAL_FAILOVER_SECONDS);
    if (cancelAt !== undefined && cancelAt < duration && elapsed >= cancelAt) {
      const cancelling = elapsed < cancelAt + secondsToMs(CANCELLING_SECONDS);
      return {
        recoveryIsWriter: false,
        operation: cancelling ? 'cancelling' : undefined,
        failedOverAt: undefined,
      };
    }
    if (elapsed >= duration)
      return { recoveryIsWriter: true, operation: undefined, failedOverAt: global.call.at + duration };
    const pending = elapsed < secondsToMs(behaviour.pendingSeconds ?? DEFAULT_PENDING_SECONDS);
    const moving = global.call.name === 'SwitchoverGlobalCluster' ? 'switching-over' : 'failing-over';
    return { recoveryIsWriter: false, operation: pending ? 'pending' : moving, failedOverAt: undefined };
  }

  /** The SDK `GlobalCluster` shape, after aws-fixtures' DescribeGlobalClusters / RemoveFromGlobalCluster outputs. */
  private shape(global: GlobalRecord, now: number): GlobalCluster {
    const view = this.view(global, now);
    const [writer, reader] = view.recoveryIsWriter
      ? [global.recovery, global.primary]
      : [global.primary, global.recovery];
    const members = [
      { DBClusterArn: writer.arn, Readers: global.detached ? [] : [reader.arn], IsWriter: true },
      ...(global.detached && reader === global.recovery
        ? []
        : [
            {
              DBClusterArn: reader.arn,
              Readers: [],
              IsWriter: false,
              GlobalWriteForwardingStatus: 'disabled' as const,
              SynchronizationStatus: 'connected' as const,
            },
          ]),
    ];
    return {
      GlobalClusterIdentifier: global.id,
      GlobalClusterResourceId: `cluster-${hexDigest(global.arn, 14)}`,
      GlobalClusterArn: global.arn,
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      StorageEncrypted: true,
      DeletionProtection: true,
      GlobalClusterMembers: members,
      Endpoint: `${global.id}.global-${base36Digest(global.arn, 12)}.global.rds.amazonaws.com`,
      ...(view.operation !== undefined && global.call !== undefined
        ? {
            FailoverState: {
              // The SDK's enum lists pending, failing-over and cancelling; the API Reference adds switching-over.
              Status: view.operation as FailoverStatus,
              FromDbClusterArn: global.primary.arn,
              ToDbClusterArn: global.recovery.arn,
              IsDataLossAllowed: global.call.name === 'FailoverGlobalCluster',
            },
          }
        : {}),
    };
  }

  private find(identifier: string | undefined): GlobalRecord | undefined {
    return this.globals.find((global) => global.id.toLowerCase() === identifier?.toLowerCase());
  }

  private describe(input: DescribeGlobalClustersCommandInput, call: CallContext) {
    if (input.GlobalClusterIdentifier === undefined)
      return { GlobalClusters: this.globals.map((global) => this.shape(global, call.now)) };
    const global = this.find(input.GlobalClusterIdentifier);
    if (global === undefined || call.absent)
      throw fail(
        'GlobalClusterNotFoundFault',
        404,
        `Global cluster ${input.GlobalClusterIdentifier} not found.`,
      );
    return { GlobalClusters: [this.shape(global, call.now)] };
  }

  private move(
    name: GlobalFailoverCall,
    input: FailoverGlobalClusterCommandInput | SwitchoverGlobalClusterCommandInput,
    call: CallContext,
  ) {
    const id = required(input.GlobalClusterIdentifier, 'globalClusterIdentifier');
    const target = required(input.TargetDbClusterIdentifier, 'targetDbClusterIdentifier');
    const global = this.find(id);
    if (global === undefined)
      throw fail('GlobalClusterNotFoundFault', 404, `Global cluster ${id} not found.`);
    if (target !== global.recovery.arn || global.detached)
      throw fail(
        'DBClusterNotFoundFault',
        404,
        `DBCluster ${target} is not a member of global cluster ${id}.`,
      );
    if (name === 'FailoverGlobalCluster' && 'AllowDataLoss' in input && input.AllowDataLoss !== true) {
      // Without AllowDataLoss, FailoverGlobalCluster is a switchover (API Reference); the kind always sets it.
      throw fail(
        'InvalidParameterCombination',
        400,
        'this simulation models FailoverGlobalCluster with AllowDataLoss only',
      );
    }
    if (global.behaviour.refuseWith !== undefined)
      throw fail(
        global.behaviour.refuseWith,
        400,
        `Global cluster ${id} is not in a valid state for ${name}.`,
      );
    const view = this.view(global, call.now);
    if (view.operation !== undefined)
      throw fail(
        'InvalidGlobalClusterStateFault',
        400,
        `Global cluster ${id} has a ${view.operation} operation in progress.`,
      );
    if (view.recoveryIsWriter)
      throw fail(
        'InvalidGlobalClusterStateFault',
        400,
        `${global.recovery.id} is already the primary cluster of ${id}.`,
      );
    global.call = { name, at: call.now };
    global.calls.push({ name, at: new Date(call.now).toISOString() });
    return { GlobalCluster: this.shape(global, call.now) };
  }

  private describeClusters(input: DescribeDBClustersCommandInput, call: CallContext) {
    const wanted = input.DBClusterIdentifier;
    const clusters = this.globals
      .flatMap((global) => [global.primary, global.recovery])
      .filter((cluster) => cluster.region === call.region);
    const found =
      wanted === undefined
        ? clusters
        : clusters.filter((cluster) => cluster.id === wanted || cluster.arn === wanted);
    if (wanted !== undefined && (found.length === 0 || call.absent))
      throw fail('DBClusterNotFoundFault', 404, `DBCluster ${wanted} not found.`);
    return { DBClusters: found.map((cluster) => this.clusterShape(cluster)) };
  }

  private clusterShape(cluster: ClusterRecord): DBCluster {
    return {
      DBClusterIdentifier: cluster.id,
      DBClusterArn: cluster.arn,
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      Endpoint: cluster.endpoint,
      ReaderEndpoint: cluster.endpoint.replace('.cluster-', '.cluster-ro-'),
      Port: PORT,
      MultiAZ: true,
      ClusterCreateTime: longAgo(this.world, 90),
      StorageEncrypted: true,
      DeletionProtection: true,
    };
  }
}
