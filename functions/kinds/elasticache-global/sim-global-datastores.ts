import type {
  DescribeGlobalReplicationGroupsCommandInput,
  DescribeGlobalReplicationGroupsCommandOutput,
  DescribeReplicationGroupsCommandInput,
  DescribeReplicationGroupsCommandOutput,
  FailoverGlobalReplicationGroupCommandInput,
  FailoverGlobalReplicationGroupCommandOutput,
  GlobalReplicationGroup,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import * as z from 'zod';
import { base36Digest } from '../../../engine/sim/ids.js';
import { settingsFor, type MetricQuery, type MetricSample } from '../../../engine/sim/kind-model.js';
import { lagProfileSchema, minuteLagSamples, type LagProfile } from '../sim-lag.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { atScenarioSecond, secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import type { GlobalDatastorePlan } from './definition.js';

/**
 * ElastiCache Global Datastores: for every plan datastore a primary replication group in the
 * primary region and the plan's secondary in the recovery region, the secondary's
 * GlobalDatastoreReplicationLag metric, and FailoverGlobalReplicationGroup over virtual time.
 * State is lazy: a failover records when it was accepted and every Describe derives the state
 * from `Date.now()`.
 *
 * Failover timeline (a model: AWS documents no intermediate states): the datastore is `modifying`
 * from the accepted call; the roles swap at 70 % of the duration; it is `available` again at 100 %.
 */

/** Global Datastore statuses the model uses; `available` and `primary-only` are the API Reference's. */
export const DATASTORE_STATUSES = ['available', 'creating', 'modifying', 'primary-only', 'deleting'] as const;

/** The scenario's `globalDatastores` entry: how one datastore (or `"*"`) behaves. */
export const datastoreBehaviourSchema = z.strictObject({
  /** From FailoverGlobalReplicationGroup to an available datastore with the recovery group primary. @default 60 */
  durationSeconds: z.number().positive().optional(),
  /** The datastore does not exist. */
  missing: z.boolean().optional(),
  /** The recovery group is not a member of the datastore. */
  notMember: z.boolean().optional(),
  /** The recovery group is already the primary (a previous failover). */
  alreadyFailedOver: z.boolean().optional(),
  /** The datastore's status before any failover. @default 'available' */
  status: z.enum(DATASTORE_STATUSES).optional(),
  /** The datastore leaves `status` for `available` at this second. @default never */
  statusUntilSeconds: z.number().min(0).optional(),
  /** ElastiCache answers FailoverGlobalReplicationGroup with InvalidGlobalReplicationGroupStateFault, whatever the status. */
  refuseFailover: z.boolean().optional(),
  /** GlobalDatastoreReplicationLag profile of the recovery group. @default 1 s throughout */
  lag: lagProfileSchema.optional(),
});
export type DatastoreBehaviour = z.output<typeof datastoreBehaviourSchema>;

export const DEFAULT_FAILOVER_SECONDS = 60;
export const DEFAULT_GLOBAL_LAG_SECONDS = 1;
const ROLE_SWAP_SHARE = 0.7;
const PORT = 6379;

export const lagProfileFor = (behaviour: DatastoreBehaviour): LagProfile =>
  behaviour.lag ?? [{ atSeconds: 0, lagSeconds: DEFAULT_GLOBAL_LAG_SECONDS }];

/** The primary region's group for a recovery group id: `shop-sessions-secondary` → `shop-sessions`. */
export const primaryGroupFor = (recoveryGroup: string): string =>
  recoveryGroup.endsWith('-secondary')
    ? recoveryGroup.slice(0, -'-secondary'.length)
    : `${recoveryGroup}-primary`;

/** ElastiCache's short Region code in endpoint names: us-west-2 → usw2. */
const regionCode = (region: string): string =>
  region
    .split('-')
    .map((part, i) => (i === 1 ? part.charAt(0) : part))
    .join('');

interface GroupRecord {
  readonly id: string;
  readonly region: string;
  readonly address: string;
}

interface DatastoreRecord {
  readonly id: string;
  readonly plan: GlobalDatastorePlan;
  readonly behaviour: DatastoreBehaviour;
  /** The primary before any failover, and the plan's recovery group (absent when `notMember`). */
  readonly primary: GroupRecord;
  readonly recovery: GroupRecord;
  failoverStartedAt: number | undefined;
}

interface DatastoreView {
  readonly status: string;
  readonly recoveryIsPrimary: boolean;
  readonly failedOverAt: number | undefined;
}

export interface GlobalDatastoreSnapshot {
  readonly id: string;
  readonly status: string;
  readonly primary: { readonly replicationGroupId: string; readonly region: string };
  readonly members: readonly {
    readonly replicationGroupId: string;
    readonly region: string;
    readonly role: string;
  }[];
  /** The recovery group's primary endpoint (its name does not change with the failover). */
  readonly recoveryEndpoint: string;
  readonly port: number;
  readonly failoverStartedAt: string | null;
  readonly failedOverAt: string | null;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const datastoreNotFound = (id: string) =>
  fail('GlobalReplicationGroupNotFoundFault', 404, `GlobalReplicationGroup ${id} not found.`);
const groupNotFound = (id: string) =>
  fail('ReplicationGroupNotFoundFault', 404, `ReplicationGroup ${id} not found.`);

export class SimulatedGlobalDatastores {
  private readonly datastores: DatastoreRecord[] = [];

  public constructor(private readonly world: SimWorld) {
    const { plan, scenario } = world;
    for (const datastore of plan.globalDatastores) {
      const behaviour = settingsFor(scenario.globalDatastores, datastore.globalReplicationGroupId) ?? {};
      if (behaviour.missing) continue;
      this.datastores.push({
        id: datastore.globalReplicationGroupId,
        plan: datastore,
        behaviour,
        primary: this.group(primaryGroupFor(datastore.replicationGroup), plan.primaryRegion),
        recovery: this.group(
          behaviour.notMember ? `${datastore.replicationGroup}-elsewhere` : datastore.replicationGroup,
          plan.recoveryRegion,
        ),
        failoverStartedAt: undefined,
      });
    }
  }

  public readonly operations = {
    DescribeGlobalReplicationGroups: (
      input: DescribeGlobalReplicationGroupsCommandInput,
      call: CallContext,
    ) => this.describeGlobal(input, call),
    DescribeReplicationGroups: (input: DescribeReplicationGroupsCommandInput, call: CallContext) =>
      this.describeGroups(input, call),
    FailoverGlobalReplicationGroup: (input: FailoverGlobalReplicationGroupCommandInput, call: CallContext) =>
      this.failover(input, call),
  };

  /** Before the failover, parameters point at each datastore's primary group (there even when the datastore is not). */
  public templateValues(): Record<string, Record<string, string>> {
    const { plan } = this.world;
    return Object.fromEntries(
      plan.globalDatastores.map((datastore) => {
        const primary = this.group(primaryGroupFor(datastore.replicationGroup), plan.primaryRegion);
        return [
          datastore.id,
          { endpoint: primary.address, port: String(PORT), replicationGroupId: primary.id },
        ];
      }),
    );
  }

  public snapshot(now: number): GlobalDatastoreSnapshot[] {
    return this.datastores.map((record) => {
      const view = this.view(record, now);
      const [primary, secondary] = view.recoveryIsPrimary
        ? [record.recovery, record.primary]
        : [record.primary, record.recovery];
      return {
        id: record.id,
        status: view.status,
        primary: { replicationGroupId: primary.id, region: primary.region },
        members: [
          { replicationGroupId: primary.id, region: primary.region, role: 'PRIMARY' },
          { replicationGroupId: secondary.id, region: secondary.region, role: 'SECONDARY' },
        ],
        recoveryEndpoint: record.recovery.address,
        port: PORT,
        failoverStartedAt: iso(record.failoverStartedAt),
        failedOverAt: iso(view.failedOverAt),
      };
    });
  }

  /** The recovery groups' published GlobalDatastoreReplicationLag in [from, to), or undefined for any other metric. */
  public lagSamples(query: MetricQuery): MetricSample[] | undefined {
    if (query.namespace !== 'AWS/ElastiCache' || query.metricName !== 'GlobalDatastoreReplicationLag')
      return undefined;
    const [dimension, ...others] = query.dimensions ?? [];
    if (others.length > 0 || dimension?.Name !== 'CacheClusterId') return [];
    // The secondary Region's primary node publishes it: the group's first member cluster.
    const record = this.datastores.find(
      (candidate) =>
        `${candidate.recovery.id}-001` === dimension.Value && candidate.recovery.region === query.region,
    );
    if (record === undefined) return [];
    // A primary replicates to no one: the metric stops once a failover started.
    return minuteLagSamples(
      this.world,
      query,
      lagProfileFor(record.behaviour),
      (at: number) => !this.view(record, at).recoveryIsPrimary && (record.failoverStartedAt ?? Infinity) > at,
    );
  }

  private group(id: string, region: string): GroupRecord {
    const digest = base36Digest(`${this.world.accountId}:${region}`, 6);
    return { id, region, address: `${id}.${digest}.ng.0001.${regionCode(region)}.cache.amazonaws.com` };
  }

  private view(record: DatastoreRecord, now: number): DatastoreView {
    const { behaviour } = record;
    if (behaviour.alreadyFailedOver)
      return { status: 'available', recoveryIsPrimary: true, failedOverAt: undefined };
    if (record.failoverStartedAt !== undefined) {
      const durationMs = secondsToMs(behaviour.durationSeconds ?? DEFAULT_FAILOVER_SECONDS);
      const elapsed = now - record.failoverStartedAt;
      if (elapsed >= durationMs)
        return {
          status: 'available',
          recoveryIsPrimary: true,
          failedOverAt: record.failoverStartedAt + durationMs,
        };
      return {
        status: 'modifying',
        recoveryIsPrimary: elapsed >= durationMs * ROLE_SWAP_SHARE,
        failedOverAt: undefined,
      };
    }
    const until = behaviour.statusUntilSeconds;
    const status =
      until === undefined || now < atScenarioSecond(this.world, until)
        ? (behaviour.status ?? 'available')
        : 'available';
    return { status, recoveryIsPrimary: false, failedOverAt: undefined };
  }

  /** The members as ElastiCache lists them: primary first. */
  private members(record: DatastoreRecord, now: number) {
    const primaryNow = this.view(record, now).recoveryIsPrimary ? record.recovery : record.primary;
    return [record.primary, record.recovery].map((group) => ({
      ReplicationGroupId: group.id,
      ReplicationGroupRegion: group.region,
      Role: group === primaryNow ? 'PRIMARY' : 'SECONDARY',
      AutomaticFailover: 'enabled' as const,
      Status: 'associated',
    }));
  }

  /** The SDK shape, after aws-fixtures' CreateGlobalReplicationGroup CLI example. */
  private shape(record: DatastoreRecord, now: number, withMembers: boolean): GlobalReplicationGroup {
    return {
      GlobalReplicationGroupId: record.id,
      GlobalReplicationGroupDescription: record.plan.id,
      Status: this.view(record, now).status,
      CacheNodeType: 'cache.r7g.large',
      Engine: 'redis',
      EngineVersion: '7.1',
      ...(withMembers ? { Members: this.members(record, now) } : {}),
      ClusterEnabled: false,
      AuthTokenEnabled: false,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      ARN: `arn:aws:elasticache::${this.world.accountId}:globalreplicationgroup:${record.id}`,
    };
  }

  /** A Global Datastore is visible from its members' Regions. */
  private visibleFrom(record: DatastoreRecord, region: string): boolean {
    return record.primary.region === region || record.recovery.region === region;
  }

  private describeGlobal(
    input: DescribeGlobalReplicationGroupsCommandInput,
    call: CallContext,
  ): Omit<DescribeGlobalReplicationGroupsCommandOutput, '$metadata'> {
    const visible = this.datastores.filter((record) => !call.absent && this.visibleFrom(record, call.region));
    const wanted = input.GlobalReplicationGroupId;
    const found = wanted === undefined ? visible : visible.filter((record) => record.id === wanted);
    if (wanted !== undefined && found.length === 0) throw datastoreNotFound(wanted);
    return {
      GlobalReplicationGroups: found.map((record) =>
        this.shape(record, call.now, input.ShowMemberInfo === true),
      ),
    };
  }

  private describeGroups(
    input: DescribeReplicationGroupsCommandInput,
    call: CallContext,
  ): Omit<DescribeReplicationGroupsCommandOutput, '$metadata'> {
    const groups = this.datastores.flatMap((record) =>
      [record.primary, record.recovery].map((group) => ({ record, group })),
    );
    const inRegion = groups.filter(({ group }) => group.region === call.region && !call.absent);
    const wanted = input.ReplicationGroupId;
    const found = wanted === undefined ? inRegion : inRegion.filter(({ group }) => group.id === wanted);
    if (wanted !== undefined && found.length === 0) throw groupNotFound(wanted);
    return { ReplicationGroups: found.map(({ record, group }) => this.groupShape(record, group, call.now)) };
  }

  /** The SDK `ReplicationGroup` of a cluster-mode-disabled group, after aws-fixtures' DescribeReplicationGroups examples. */
  private groupShape(record: DatastoreRecord, group: GroupRecord, now: number): ReplicationGroup {
    const primary = this.view(record, now).recoveryIsPrimary ? record.recovery : record.primary;
    const members = [`${group.id}-001`, `${group.id}-002`];
    return {
      ReplicationGroupId: group.id,
      Description: `${record.plan.id} in ${group.region}`,
      GlobalReplicationGroupInfo: {
        GlobalReplicationGroupId: record.id,
        GlobalReplicationGroupMemberRole: group === primary ? 'PRIMARY' : 'SECONDARY',
      },
      Status: 'available',
      PendingModifiedValues: {},
      MemberClusters: members,
      NodeGroups: [
        {
          NodeGroupId: '0001',
          Status: 'available',
          PrimaryEndpoint: { Address: group.address, Port: PORT },
          ReaderEndpoint: { Address: group.address.replace(`${group.id}.`, `${group.id}-ro.`), Port: PORT },
          NodeGroupMembers: members.map((cluster, i) => ({
            CacheClusterId: cluster,
            CacheNodeId: '0001',
            PreferredAvailabilityZone: `${group.region}${'ab'.charAt(i)}`,
            CurrentRole: i === 0 ? 'primary' : 'replica',
          })),
        },
      ],
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      ClusterEnabled: false,
      CacheNodeType: 'cache.r7g.large',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      ARN: `arn:aws:elasticache:${group.region}:${this.world.accountId}:replicationgroup:${group.id}`,
    };
  }

  private failover(
    input: FailoverGlobalReplicationGroupCommandInput,
    call: CallContext,
  ): Omit<FailoverGlobalReplicationGroupCommandOutput, '$metadata'> {
    const id = required(input.GlobalReplicationGroupId, 'globalReplicationGroupId', 'InvalidParameterValue');
    const region = required(input.PrimaryRegion, 'primaryRegion', 'InvalidParameterValue');
    const target = required(
      input.PrimaryReplicationGroupId,
      'primaryReplicationGroupId',
      'InvalidParameterValue',
    );
    const record = this.datastores.find(
      (candidate) => candidate.id === id && this.visibleFrom(candidate, call.region),
    );
    if (record === undefined) throw datastoreNotFound(id);
    const view = this.view(record, call.now);
    // The API Reference: "The Global datastore is not available or in primary-only state."
    if (record.behaviour.refuseFailover === true || view.status !== 'available')
      throw fail(
        'InvalidGlobalReplicationGroupStateFault',
        400,
        `Global datastore ${id} is ${record.behaviour.refuseFailover === true ? 'not available for a failover now' : view.status}: the Global datastore is not available or in primary-only state.`,
      );
    const member = [record.primary, record.recovery].find(
      (group) => group.id === target && group.region === region,
    );
    if (member === undefined)
      throw fail('InvalidParameterValueException', 400, `${target} in ${region} is not a member of ${id}.`);
    const primaryNow = view.recoveryIsPrimary ? record.recovery : record.primary;
    // A model choice: AWS does not document failing over to the current primary; refuse it as invalid.
    if (member === primaryNow)
      throw fail('InvalidParameterValueException', 400, `${target} is already the primary of ${id}.`);
    record.failoverStartedAt = call.now;
    return { GlobalReplicationGroup: this.shape(record, call.now, false) };
  }
}
