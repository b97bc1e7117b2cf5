import { DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import { ON_PATH, type ClientOptions } from '../../common/aws-clients.js';
import { rdsClient } from '../../common/clients/rds.js';
import { ReplicaNotFoundError } from '../../common/errors.js';
import type { DatabaseEndpoint } from './types.js';

/**
 * Statuses from which an instance will not become a usable primary without a person:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status
 */
export const HOPELESS_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'incompatible-credentials',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'restore-error',
  'storage-full',
  'stopped',
  'stopping',
  'deleting',
]);

/**
 * Describes one DB instance (in the recovery region; the fence passes BEST_EFFORT for the primary region).
 * @throws ReplicaNotFoundError when RDS answers DBInstanceNotFoundFault (the SDK v3 shape name)
 */
export async function describeInstance(
  region: string,
  instanceId: string,
  options: ClientOptions = ON_PATH,
): Promise<DBInstance> {
  try {
    const response = await rdsClient(region, options).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }),
    );
    const instance = response.DBInstances?.[0];
    if (instance === undefined)
      throw new ReplicaNotFoundError(`DB instance ${instanceId} not found in ${region}`);
    return instance;
  } catch (error) {
    if (error instanceof Error && error.name === 'DBInstanceNotFoundFault') {
      throw new ReplicaNotFoundError(`DB instance ${instanceId} not found in ${region}`, { cause: error });
    }
    throw error;
  }
}

/**
 * A promoted replica loses its source. PromoteReadReplica returns while the instance still
 * has `ReadReplicaSourceDBInstanceIdentifier` and is `modifying` (aws-fixtures: PromoteReadReplica
 * response), so "standalone" alone is not "done": it must also be `available`.
 */
export const isReplica = (instance: DBInstance): boolean =>
  (instance.ReadReplicaSourceDBInstanceIdentifier ?? '') !== '' ||
  (instance.ReadReplicaSourceDBClusterIdentifier ?? '') !== '';

export const isPromotedAndAvailable = (instance: DBInstance): boolean =>
  !isReplica(instance) && instance.DBInstanceStatus === 'available';

export function endpointOf(instance: DBInstance): DatabaseEndpoint | undefined {
  const address = instance.Endpoint?.Address;
  if (address === undefined) return undefined;
  return { address, port: instance.Endpoint?.Port ?? 5432 };
}
