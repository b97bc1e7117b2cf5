import {
  DescribeGlobalReplicationGroupsCommand,
  DescribeReplicationGroupsCommand,
  type GlobalReplicationGroup,
  type GlobalReplicationGroupMember,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { elastiCacheClient } from '../../common/clients/elasticache.js';
import { GlobalDatastoreNotFoundError } from './errors.js';

/** The status in which ElastiCache accepts FailoverGlobalReplicationGroup (API Reference, InvalidGlobalReplicationGroupState). */
export const AVAILABLE = 'available';

/** Where a promoted replication group answers. */
export interface CacheEndpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * Describes one Global Datastore with its members (ShowMemberInfo), from the recovery region:
 * a Global Datastore is visible from every member's Region.
 * @throws GlobalDatastoreNotFoundError when ElastiCache answers GlobalReplicationGroupNotFoundFault
 */
export async function describeGlobalDatastore(region: string, id: string): Promise<GlobalReplicationGroup> {
  try {
    const response = await elastiCacheClient(region).send(
      new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: id, ShowMemberInfo: true }),
    );
    const group = response.GlobalReplicationGroups?.[0];
    if (group === undefined) throw new GlobalDatastoreNotFoundError(`global datastore ${id} not found`);
    return group;
  } catch (error) {
    if (error instanceof Error && error.name === 'GlobalReplicationGroupNotFoundFault')
      throw new GlobalDatastoreNotFoundError(`global datastore ${id} not found`, { cause: error });
    throw error;
  }
}

/** The datastore's member in `region` named `replicationGroupId`, if it has one. */
export const memberIn = (
  group: GlobalReplicationGroup,
  replicationGroupId: string,
  region: string,
): GlobalReplicationGroupMember | undefined =>
  group.Members?.find(
    (member) => member.ReplicationGroupId === replicationGroupId && member.ReplicationGroupRegion === region,
  );

/** Roles are PRIMARY and SECONDARY (CreateGlobalReplicationGroup's CLI example); compared without case. */
export const isPrimary = (member: GlobalReplicationGroupMember | undefined): boolean =>
  member?.Role?.toUpperCase() === 'PRIMARY';

/** The member that is the primary now. */
export const primaryMember = (group: GlobalReplicationGroup): GlobalReplicationGroupMember | undefined =>
  group.Members?.find((member) => isPrimary(member));

/**
 * The recovery member, or why the plan's datastore cannot fail over to it.
 * @throws GlobalDatastoreNotFoundError
 */
export function recoveryMember(
  group: GlobalReplicationGroup,
  replicationGroupId: string,
  region: string,
): GlobalReplicationGroupMember {
  const member = memberIn(group, replicationGroupId, region);
  if (member === undefined) {
    const members = (group.Members ?? [])
      .map((other) => `${other.ReplicationGroupId} in ${other.ReplicationGroupRegion}`)
      .join(', ');
    throw new GlobalDatastoreNotFoundError(
      `replication group ${replicationGroupId} in ${region} is not a member of global datastore ${group.GlobalReplicationGroupId} (members: ${members || 'none'})`,
    );
  }
  return member;
}

/**
 * Describes one replication group in `region`.
 * @throws GlobalDatastoreNotFoundError when ElastiCache answers ReplicationGroupNotFoundFault
 */
export async function describeReplicationGroup(region: string, id: string): Promise<ReplicationGroup> {
  try {
    const response = await elastiCacheClient(region).send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }),
    );
    const group = response.ReplicationGroups?.[0];
    if (group === undefined)
      throw new GlobalDatastoreNotFoundError(`replication group ${id} not found in ${region}`);
    return group;
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplicationGroupNotFoundFault')
      throw new GlobalDatastoreNotFoundError(`replication group ${id} not found in ${region}`, {
        cause: error,
      });
    throw error;
  }
}

/**
 * Where applications write once the group is primary: the configuration endpoint of a cluster-mode
 * group, else the primary endpoint of its one node group (ElastiCache User Guide, "Finding
 * connection endpoints"). The endpoint keeps its name through a Global Datastore failover.
 */
export function endpointOf(group: ReplicationGroup): CacheEndpoint | undefined {
  const endpoint = group.ConfigurationEndpoint ?? group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (endpoint?.Address === undefined) return undefined;
  return { address: endpoint.Address, port: endpoint.Port ?? 6379 };
}
