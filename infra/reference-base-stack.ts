import {
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import {
  AdditionalHealthCheckType,
  AutoScalingGroup,
  HealthChecks,
  SpotAllocationStrategy,
} from 'aws-cdk-lib/aws-autoscaling';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AmazonLinuxCpuType,
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  FlowLogDestination,
  FlowLogTrafficType,
  InstanceType,
  LaunchTemplate,
  MachineImage,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  HttpCodeElb,
  HttpCodeTarget,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ARecord,
  Failover,
  HealthCheck,
  HealthCheckType,
  HostedZone,
  RecordTarget,
} from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { KindHealthChecks } from './kind-alarms.js';
import { appServerUserData } from './reference-app-user-data.js';
import { ShopDatabase, type ShopDatabaseRole } from './reference-database.js';

const APP_PORT = 8080;
const HEALTH_PATH = '/healthz';

export interface ReferenceBaseStackProps extends StackProps {
  /** The primary region serves traffic; the recovery region is the pilot light. */
  readonly siteRole: 'primary' | 'recovery';
  /** Hosted zone of the shop's DNS name (looked up by attributes: no context lookup, synthesizes offline). */
  readonly hostedZone: { readonly zoneName: string; readonly hostedZoneId: string };
  /**
   * Record name inside the zone; the PRIMARY and SECONDARY failover records share it.
   * @default 'shop'
   */
  readonly recordName?: string;
  /** The app servers' Auto Scaling group (the recovery one is the group the plan scales). */
  readonly appGroup: { readonly name: string; readonly minCapacity: number; readonly maxCapacity: number };
  /** The database: the primary instance, or its cross-region replica (the plan's `databases[].replica`). */
  readonly database: ShopDatabaseRole;
  /** The region serving traffic at deploy time: the initial value of the active-region parameter. */
  readonly activeRegion: string;
  /**
   * SSM parameters the app reads (the plan's `parameters` repoint them in the recovery region).
   * @default { dbHost: '/shop/db/host', dbPort: '/shop/db/port', activeRegion: '/shop/active-region' }
   */
  readonly parameterNames?: {
    readonly dbHost: string;
    readonly dbPort: string;
    readonly activeRegion: string;
  };
  /**
   * Name of an alarm on the load balancer's 5xx responses (a plan trigger), or none.
   * @default no alarm
   */
  readonly serverErrorAlarmName?: string;
  /**
   * Primary only: the plan whose kinds' Route 53 health checks (its DNS flags) the PRIMARY record
   * follows too. They are created here (a health check is global; the flags' alarms are in the
   * recovery region, named by the plan, so no value crosses regions), and the record is healthy
   * only while the load balancer's health check and every flag's are (a CALCULATED check). The
   * routing controls' RECOVERY_CONTROL checks are not created here.
   * @default the record follows the load balancer's health check alone
   */
  readonly routingPlan?: Plan;
  /**
   * Spot-capable instance types (Graviton) for the mixed instances policy: at least two.
   * @default ['t4g.small', 't4g.medium', 'm7g.medium']
   */
  readonly instanceTypes?: readonly string[];
}

/**
 * One region of the reference stack the example plan fails over: a Perl PSGI (Starman) shop on
 * an Auto Scaling group behind an ALB, PostgreSQL on RDS, the endpoints in SSM parameters, and
 * this region's Route 53 failover record. Deployed twice: primary (serving, Route 53 health
 * check on its `/healthz`, PRIMARY record) and recovery (pilot light: one server, the read
 * replica, SECONDARY record). Each region's record points at its own load balancer, so no
 * stack needs a value from the other region.
 */
export class ReferenceBaseStack extends Stack {
  public readonly vpc: Vpc;
  public readonly loadBalancer: ApplicationLoadBalancer;
  public readonly appGroup: AutoScalingGroup;
  public readonly database: ShopDatabase;
  /** The Route 53 health check on this region's `/healthz` (primary only). */
  public readonly healthCheck?: HealthCheck;
  /**
   * Primary with a `routingPlan` that has DNS flags: the health check the PRIMARY record follows,
   * healthy while `healthCheck` and every flag's health check are.
   */
  public readonly recordHealthCheck?: HealthCheck;
  public readonly serverErrorAlarm?: Alarm;

  /**
   * The region's first two zones, resolved by CloudFormation (`Fn::GetAZs`). The default for a
   * stack with an explicit env asks EC2 through a context lookup, which needs credentials: this
   * keeps `cdk synth` offline and names no zone the account may not have.
   */
  public override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }

  public constructor(scope: Construct, id: string, props: ReferenceBaseStackProps) {
    super(scope, id, props);
    const instanceTypes = props.instanceTypes ?? ['t4g.small', 't4g.medium', 'm7g.medium'];
    const parameterNames = props.parameterNames ?? {
      dbHost: '/shop/db/host',
      dbPort: '/shop/db/port',
      activeRegion: '/shop/active-region',
    };
    validateBaseProps(this.region, props, instanceTypes);

    const flowLogGroup = new LogGroup(this, 'VpcFlowLogs', { retention: RetentionDays.ONE_MONTH });
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: {
          destination: FlowLogDestination.toCloudWatchLogs(flowLogGroup),
          trafficType: FlowLogTrafficType.ALL,
        },
      },
    });

    const albSecurityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Shop load balancer: HTTP from the internet',
    });
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason:
        'The public storefront load balancer must accept HTTP from anywhere; servers accept it only from here.',
    });
    const appSecurityGroup = new SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: 'Shop app servers: Starman, from the load balancer only',
    });
    appSecurityGroup.addIngressRule(albSecurityGroup, Port.tcp(APP_PORT), 'load balancer to Starman');

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // ALB access logs support SSE-S3 only (not SSE-KMS).
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'This bucket only receives the load balancer access logs; logging access to the log bucket adds nothing.',
    });
    this.loadBalancer = new ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');

    this.database = new ShopDatabase(this, 'Database', {
      vpc: this.vpc,
      clientSecurityGroup: appSecurityGroup,
      role: props.database,
    });
    const parameters = [
      new StringParameter(this, 'DbHostParameter', {
        parameterName: parameterNames.dbHost,
        stringValue: this.database.endpointAddress,
        description: 'Database host the shop connects to (repointed by the failover orchestrator)',
      }),
      new StringParameter(this, 'DbPortParameter', {
        parameterName: parameterNames.dbPort,
        stringValue: this.database.endpointPort,
        description: 'Database port the shop connects to',
      }),
      new StringParameter(this, 'ActiveRegionParameter', {
        parameterName: parameterNames.activeRegion,
        stringValue: props.activeRegion,
        description: 'Region currently serving the shop (repointed by the failover orchestrator)',
      }),
    ];

    const instanceRole = new Role(this, 'AppInstanceRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: 'Shop app servers: read the endpoint parameters',
    });
    // The servers only read their endpoints (refresh-config.sh): GetParameter on those three.
    instanceRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: parameters.map((parameter) => parameter.parameterArn),
      }),
    );
    const launchTemplate = new LaunchTemplate(this, 'AppLaunchTemplate', {
      machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
      userData: appServerUserData({
        region: this.region,
        port: APP_PORT,
        parameters: { SHOP_DB_HOST: parameterNames.dbHost, SHOP_DB_PORT: parameterNames.dbPort },
      }),
      role: instanceRole,
      securityGroup: appSecurityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    this.appGroup = new AutoScalingGroup(this, 'AppGroup', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      autoScalingGroupName: props.appGroup.name,
      // No desiredCapacity: it starts at minCapacity, and a later deploy does not reset a group
      // that the orchestrator (or scaling policies) resized.
      minCapacity: props.appGroup.minCapacity,
      maxCapacity: props.appGroup.maxCapacity,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: instanceTypes.map((type) => ({ instanceType: new InstanceType(type) })),
        instancesDistribution: {
          onDemandBaseCapacity: 1,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
        },
      },
      healthChecks: HealthChecks.withAdditionalChecks({
        additionalTypes: [AdditionalHealthCheckType.ELB],
        // cpanm builds Starman on first boot: give it time before the ALB verdict counts.
        gracePeriod: Duration.minutes(10),
      }),
    });
    Validations.of(this.appGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC26',
      reason:
        'The rule cannot read a mixed instances policy (it throws); the launch template root volume ' +
        'is encrypted (BlockDeviceMappings Ebs.Encrypted true, asserted by the infra tests).',
    });
    Validations.of(this.appGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason:
        'Scaling activity is in the group history; failover scaling is reported by the orchestrator notifications.',
    });
    // HTTP keeps the reference stack free of a certificate (and of DNS validation at deploy);
    // a production storefront adds an HTTPS listener with its ACM certificate.
    const listener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: ApplicationProtocol.HTTP,
      open: true,
    });
    listener.addTargets('App', {
      port: APP_PORT,
      protocol: ApplicationProtocol.HTTP,
      targets: [this.appGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: HEALTH_PATH, healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });

    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', props.hostedZone);
    const recordName = props.recordName ?? 'shop';
    if (props.siteRole === 'primary') {
      this.healthCheck = new HealthCheck(this, 'HealthCheck', {
        type: HealthCheckType.HTTP,
        fqdn: this.loadBalancer.loadBalancerDnsName,
        port: 80,
        resourcePath: HEALTH_PATH,
        failureThreshold: 3,
        requestInterval: Duration.seconds(30),
      });
      new CfnOutput(this, 'HealthCheckId', { value: this.healthCheck.healthCheckId });
      // The flags' checks only: a routing control's RECOVERY_CONTROL check is unhealthy while the
      // control is Off (the recovery cell's, before a failover), so it is no part of this record's.
      const flags = Object.values(
        props.routingPlan
          ? new KindHealthChecks(this, 'FlagHealthChecks', {
              plan: props.routingPlan,
              alarmHealthChecksOnly: true,
            }).healthChecks
          : {},
      );
      if (flags.length > 0) {
        this.recordHealthCheck = new HealthCheck(this, 'RecordHealthCheck', {
          type: HealthCheckType.CALCULATED,
          childHealthChecks: [this.healthCheck, ...flags],
          healthThreshold: flags.length + 1,
        });
      }
    }
    new ARecord(this, 'FailoverRecord', {
      zone,
      recordName,
      target: RecordTarget.fromAlias(
        new LoadBalancerTarget(this.loadBalancer, { evaluateTargetHealth: true }),
      ),
      failover: props.siteRole === 'primary' ? Failover.PRIMARY : Failover.SECONDARY,
      setIdentifier: `${recordName}-${props.siteRole}-${this.region}`,
      healthCheck: this.recordHealthCheck ?? this.healthCheck,
    });

    if (props.serverErrorAlarmName) {
      const metrics = this.loadBalancer.metrics;
      this.serverErrorAlarm = new Alarm(this, 'ServerErrorAlarm', {
        alarmName: props.serverErrorAlarmName,
        alarmDescription: 'The shop load balancer answers with many 5xx (its own or the servers)',
        metric: new MathExpression({
          expression: 'FILL(elb, 0) + FILL(target, 0)',
          usingMetrics: {
            elb: metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1) }),
            target: metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
          },
          label: '5xx responses per minute',
          period: Duration.minutes(1),
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 25,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    new CfnOutput(this, 'LoadBalancerDnsName', { value: this.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.database.endpointAddress });
  }
}

function validateBaseProps(
  region: string,
  props: ReferenceBaseStackProps,
  instanceTypes: readonly string[],
): void {
  const problems: string[] = [];
  if (Token.isUnresolved(region)) problems.push('the stack needs an explicit env.region');
  const { minCapacity, maxCapacity } = props.appGroup;
  if (!Number.isInteger(minCapacity) || minCapacity < 1 || maxCapacity < minCapacity) {
    problems.push(`appGroup needs 1 <= minCapacity <= maxCapacity, got ${minCapacity}..${maxCapacity}`);
  }
  if (instanceTypes.length < 2) problems.push('instanceTypes needs at least two types for Spot diversity');
  if (!/^Z[A-Z0-9]{1,31}$/.test(props.hostedZone.hostedZoneId)) {
    problems.push(
      `hostedZone.hostedZoneId must be a Route 53 zone id (Z...), got "${props.hostedZone.hostedZoneId}"`,
    );
  }
  if ((props.siteRole === 'primary') !== (props.database.kind === 'primary')) {
    problems.push(
      `a ${props.siteRole} site needs a ${props.siteRole === 'primary' ? 'primary' : 'replica'} database`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`ReferenceBaseStack: invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
