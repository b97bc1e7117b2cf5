import { ArnFormat, CfnDeletionPolicy, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  InstanceClass,
  InstanceSize,
  InstanceType,
  Port,
  SecurityGroup,
  SubnetType,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  CfnDBInstance,
  CfnDBSubnetGroup,
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  PostgresEngineVersion,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

export const POSTGRES_PORT = 5432;
const INSTANCE_TYPE = InstanceType.of(InstanceClass.BURSTABLE4_GRAVITON, InstanceSize.MEDIUM);

/** Where the database is: the primary, or a cross-region read replica of it. */
export type ShopDatabaseRole =
  | { readonly kind: 'primary'; readonly instanceIdentifier: string }
  | {
      readonly kind: 'replica';
      readonly instanceIdentifier: string;
      /** The primary's region. */
      readonly sourceRegion: string;
      /** The primary's DB instance identifier (its ARN is computed: no cross-region reference). */
      readonly sourceInstanceIdentifier: string;
    };

export interface ShopDatabaseProps {
  readonly vpc: IVpc;
  /** The app servers' security group: the only one allowed to connect. */
  readonly clientSecurityGroup: SecurityGroup;
  readonly role: ShopDatabaseRole;
}

/**
 * The shop's PostgreSQL: in the primary region a Multi-AZ instance (encrypted, deletion
 * protection, 7 days of backups, master password managed and rotated by RDS); in the recovery
 * region its encrypted cross-region read replica, the instance the orchestrator promotes.
 */
export class ShopDatabase extends Construct {
  public readonly endpointAddress: string;
  public readonly endpointPort: string;
  public readonly securityGroup: SecurityGroup;

  public constructor(scope: Construct, id: string, props: ShopDatabaseProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Shop PostgreSQL: reachable from the app servers only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(props.clientSecurityGroup, Port.tcp(POSTGRES_PORT), 'app servers');
    const portReason =
      'PostgreSQL keeps its default port: only the app servers security group may connect, and a ' +
      'non-default port would add no protection worth diverging from the plan parameters and clients.';

    if (props.role.kind === 'primary') {
      const instance = new DatabaseInstance(this, 'Instance', {
        instanceIdentifier: props.role.instanceIdentifier,
        engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_17_6 }),
        instanceType: INSTANCE_TYPE,
        vpc: props.vpc,
        vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
        securityGroups: [this.securityGroup],
        port: POSTGRES_PORT,
        multiAz: true,
        storageEncrypted: true,
        storageType: StorageType.GP3,
        allocatedStorage: 50,
        deletionProtection: true,
        backupRetention: Duration.days(7),
        credentials: Credentials.fromUsername('shop_admin'),
        manageMasterUserPassword: true,
        iamAuthentication: true,
        cloudwatchLogsExports: ['postgresql'],
        removalPolicy: RemovalPolicy.SNAPSHOT,
      });
      Validations.of(instance).acknowledge({ id: 'AwsSolutions::AwsSolutions-RDS11', reason: portReason });
      this.endpointAddress = instance.dbInstanceEndpointAddress;
      this.endpointPort = instance.dbInstanceEndpointPort;
      return;
    }

    const { role } = props;
    // A cross-region replica of an encrypted primary must name a key of its own region.
    const key = new Key(this, 'StorageKey', {
      description: `Storage encryption of the read replica ${role.instanceIdentifier}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const subnetGroup = new CfnDBSubnetGroup(this, 'SubnetGroup', {
      dbSubnetGroupDescription: `Subnets of the read replica ${role.instanceIdentifier}`,
      subnetIds: props.vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const sourceArn = Stack.of(this).formatArn({
      service: 'rds',
      region: role.sourceRegion,
      resource: 'db',
      resourceName: role.sourceInstanceIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const replica = new CfnDBInstance(this, 'Replica', {
      dbInstanceIdentifier: role.instanceIdentifier,
      sourceDbInstanceIdentifier: sourceArn,
      sourceRegion: role.sourceRegion,
      dbInstanceClass: `db.${INSTANCE_TYPE.toString()}`,
      kmsKeyId: key.keyArn,
      dbSubnetGroupName: subnetGroup.ref,
      vpcSecurityGroups: [this.securityGroup.securityGroupId],
      port: String(POSTGRES_PORT),
      multiAz: false,
      publiclyAccessible: false,
      deletionProtection: true,
      enableIamDatabaseAuthentication: true,
      enableCloudwatchLogsExports: ['postgresql'],
    });
    // After a failover this instance is the only copy of the data: CloudFormation never deletes it.
    replica.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
    replica.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
    Validations.of(replica).acknowledge({
      id: 'AwsSolutions::AwsSolutions-RDS2',
      reason:
        'Encrypted: a replica inherits encryption from its encrypted source and uses KmsKeyId (this ' +
        "region's key); CloudFormation says not to set StorageEncrypted together with SourceDBInstanceIdentifier.",
    });
    Validations.of(replica).acknowledge({
      id: 'AwsSolutions::AwsSolutions-RDS3',
      reason: 'Pilot light: a single-AZ replica until failover; make it Multi-AZ after promotion (README).',
    });
    Validations.of(replica).acknowledge({ id: 'AwsSolutions::AwsSolutions-RDS11', reason: portReason });
    this.endpointAddress = replica.attrEndpointAddress;
    this.endpointPort = replica.attrEndpointPort;
  }
}
