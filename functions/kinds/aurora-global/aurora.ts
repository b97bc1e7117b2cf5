import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  type GlobalCluster,
  type GlobalClusterMember,
} from '@aws-sdk/client-rds';
import { rdsClient } from '../../common/clients/rds.js';
import { latestLagSeconds } from '../lag-gate.js';
import type { AuroraGlobalClusterPlan } from './definition.js';
import { GlobalClusterNotFoundError } from './errors.js';

/**
 * Reads of an Aurora global database from the recovery region: the global cluster with its
 * members and FailoverState (DescribeGlobalClusters), the recovery cluster's writer endpoint
 * (DescribeDBClusters) and its AuroraGlobalDBRPOLag. Nothing here needs the primary region.
 */

/** What the step needs of a global cluster: the recovery member, the writer, the operation under way. */
export interface GlobalClusterView {
  readonly globalCluster: GlobalCluster;
  readonly recovery: GlobalClusterMember;
  readonly writer: GlobalClusterMember | undefined;
  /**
   * FailoverState.Status, when a switchover or failover is pending or under way: `pending`,
   * `failing-over`, `switching-over` or `cancelling` (RDS API Reference, FailoverState: "empty
   * unless a switchover or failover operation is scheduled or is in progress").
   */
  readonly operation: string | undefined;
  /** The cluster the operation under way promotes (FailoverState.ToDbClusterArn). */
  readonly operationTarget: string | undefined;
}

/** `arn:<partition>:rds:<region>:<account>:cluster:<id>` names the plan's recovery cluster. */
export function isRecoveryMember(
  arn: string | undefined,
  item: AuroraGlobalClusterPlan,
  region: string,
): boolean {
  const parts = (arn ?? '').split(':');
  return (
    parts[2] === 'rds' &&
    parts[3] === region &&
    parts[5] === 'cluster' &&
    parts.slice(6).join(':').toLowerCase() === item.recoveryCluster.toLowerCase()
  );
}

/**
 * Describes the plan's global cluster from the recovery region.
 * @throws GlobalClusterNotFoundError when it does not exist (GlobalClusterNotFoundFault) or the
 *   recovery cluster is not one of its members
 */
export async function describeGlobalCluster(
  item: AuroraGlobalClusterPlan,
  region: string,
): Promise<GlobalClusterView> {
  let found: GlobalCluster | undefined;
  try {
    const response = await rdsClient(region).send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: item.globalCluster }),
    );
    // The identifier "isn't case-sensitive" (DescribeGlobalClusters); filter anyway, so that an
    // answer listing every global cluster cannot be mistaken for the plan's.
    found = response.GlobalClusters?.find(
      (cluster) => cluster.GlobalClusterIdentifier?.toLowerCase() === item.globalCluster.toLowerCase(),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'GlobalClusterNotFoundFault')
      throw new GlobalClusterNotFoundError(`global cluster ${item.globalCluster} not found`, {
        cause: error,
      });
    throw error;
  }
  if (found === undefined)
    throw new GlobalClusterNotFoundError(`global cluster ${item.globalCluster} not found`);
  const members = found.GlobalClusterMembers ?? [];
  const recovery = members.find((member) => isRecoveryMember(member.DBClusterArn, item, region));
  if (recovery === undefined) {
    throw new GlobalClusterNotFoundError(
      `DB cluster ${item.recoveryCluster} in ${region} is not a member of global cluster ${item.globalCluster} (members: ${members.map((member) => member.DBClusterArn).join(', ') || 'none'})`,
    );
  }
  const state = found.FailoverState;
  return {
    globalCluster: found,
    recovery,
    writer: members.find((member) => member.IsWriter === true),
    operation: state?.Status ?? undefined,
    operationTarget: state?.ToDbClusterArn ?? undefined,
  };
}

/** The recovery cluster is the writer and nothing is under way: the failover is done. */
export const recoveryIsWriter = (view: GlobalClusterView): boolean =>
  view.recovery.IsWriter === true && view.operation === undefined;

/** The recovery cluster's writer (cluster) endpoint and port, for parameter templates. */
export async function writerEndpoint(
  item: AuroraGlobalClusterPlan,
  region: string,
): Promise<{ address?: string; port?: number }> {
  const response = await rdsClient(region).send(
    new DescribeDBClustersCommand({ DBClusterIdentifier: item.recoveryCluster }),
  );
  const cluster = response.DBClusters?.[0];
  return {
    ...(cluster?.Endpoint !== undefined ? { address: cluster.Endpoint } : {}),
    ...(cluster?.Port !== undefined ? { port: cluster.Port } : {}),
  };
}

/**
 * The secondary's AuroraGlobalDBRPOLag (AWS/RDS, milliseconds: Aurora user guide, "Cluster-level
 * metrics for Amazon Aurora"), in seconds. It is a cluster-level metric published in the
 * secondary's region by DB cluster (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html).
 */
export const latestRpoLag = (item: AuroraGlobalClusterPlan, region: string): Promise<number | null> =>
  latestLagSeconds(region, {
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBRPOLag',
    dimensions: [{ Name: 'DBClusterIdentifier', Value: item.recoveryCluster }],
    toSeconds: (milliseconds) => milliseconds / 1000,
  });
