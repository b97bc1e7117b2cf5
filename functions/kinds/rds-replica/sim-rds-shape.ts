import type { DBInstance } from '@aws-sdk/client-rds';
import { base36Digest, hexDigest } from '../../../engine/sim/ids.js';
import type { DbInstanceRecord, DbView } from './sim-rds.js';

export const PORT = 5432;

/** The SDK `DBInstance` shape, after the fixtures in aws-fixtures/api/rds-*.xml. */
export function instanceShape(db: DbInstanceRecord, view: DbView, replicas: readonly string[]): DBInstance {
  const standalone = view.promotedAt !== undefined || db.sourceArn === undefined;
  const backupRetention = standalone ? (db.pendingBackupRetention ?? db.backupRetention) : db.backupRetention;
  const pending = !standalone && db.pendingBackupRetention !== undefined;
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceArn: db.arn,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'postgres',
    EngineVersion: '16.4',
    DBInstanceStatus: view.status,
    MasterUsername: 'postgres',
    DBName: 'app',
    Endpoint: { Address: db.address, Port: PORT, HostedZoneId: db.hostedZoneId },
    AllocatedStorage: 100,
    InstanceCreateTime: db.createdAt,
    PreferredBackupWindow: '08:25-08:55',
    BackupRetentionPeriod: backupRetention,
    DBSecurityGroups: [],
    VpcSecurityGroups: [{ VpcSecurityGroupId: `sg-${hexDigest(db.region, 17)}`, Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'default.postgres16', ParameterApplyStatus: 'in-sync' }],
    AvailabilityZone: `${db.region}a`,
    PreferredMaintenanceWindow: 'fri:04:50-fri:05:20',
    PendingModifiedValues: pending ? { BackupRetentionPeriod: db.pendingBackupRetention } : {},
    MultiAZ: db.multiAz,
    AutoMinorVersionUpgrade: true,
    ReadReplicaDBInstanceIdentifiers: [...replicas],
    ...(view.source !== undefined ? { ReadReplicaSourceDBInstanceIdentifier: view.source } : {}),
    ...(view.replicating
      ? { StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }] }
      : {}),
    LicenseModel: 'postgresql-license',
    OptionGroupMemberships: [{ OptionGroupName: 'default:postgres-16', Status: 'in-sync' }],
    PubliclyAccessible: false,
    StorageType: 'gp3',
    StorageEncrypted: true,
    DbInstancePort: 0,
    DbiResourceId: `db-${base36Digest(db.arn, 26).toUpperCase()}`,
    DeletionProtection: true,
    CopyTagsToSnapshot: true,
    TagList: [],
  };
}
