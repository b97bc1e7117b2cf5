import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { arnText, exampleApp, exampleStacks, synthesize, templateOf } from './infra-helpers.js';

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
>;
const resourcesOf = (template: Template): Resources => template.toJSON().Resources as Resources;
const idOf = (template: Template, type: string, props: Record<string, unknown> = {}): string => {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  expect(ids, type).toHaveLength(1);
  return ids[0] as string;
};

describe('ReferenceBaseStack (example app)', () => {
  let primary: Template;
  let recovery: Template;
  let recoveryDependsOnPrimary: boolean;

  beforeAll(() => {
    const example = exampleApp({ bundle: false });
    const synthesized = synthesize(example.app, exampleStacks(example));
    primary = templateOf(synthesized, example.primary);
    recovery = templateOf(synthesized, example.recovery);
    recoveryDependsOnPrimary = example.recovery.dependencies.includes(example.primary);
  });

  describe.each([
    ['primary', () => primary],
    ['recovery', () => recovery],
  ] as const)('%s site', (_site, template) => {
    it('spreads a VPC over two zones with one NAT gateway and flow logs', () => {
      const zones = Object.values(template().findResources('AWS::EC2::Subnet')).map((s) =>
        JSON.stringify(s.Properties.AvailabilityZone),
      );
      expect(new Set(zones).size).toBe(2);
      template().resourceCountIs('AWS::EC2::NatGateway', 1);
      template().hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    });

    it('serves HTTP through an internet-facing ALB whose targets are checked on /healthz', () => {
      template().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
      });
      template().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
      });
      template().hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 8080,
        HealthCheckPath: '/healthz',
        Matcher: { HttpCode: '200' },
      });
    });

    it('runs Starman app servers from a launch template with IMDSv2 and an encrypted root volume', () => {
      const launchTemplate = Object.values(template().findResources('AWS::EC2::LaunchTemplate'))[0];
      const data = launchTemplate?.Properties.LaunchTemplateData as Record<string, unknown>;
      expect(data).toMatchObject({
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ Ebs: { Encrypted: true } }],
        Monitoring: { Enabled: true },
      });
      const userData = JSON.stringify(data.UserData);
      expect(userData).toContain('cpanm --notest Plack Starman');
      expect(userData).toContain('/healthz');
    });

    it('mixes one On-Demand instance with Spot above it, over several instance types, checked by the ALB', () => {
      const targetGroupId = idOf(template(), 'AWS::ElasticLoadBalancingV2::TargetGroup');
      const overrides = new Capture();
      template().hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MixedInstancesPolicy: {
          InstancesDistribution: { OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0 },
          LaunchTemplate: { Overrides: overrides },
        },
        HealthCheckType: 'ELB',
        TargetGroupARNs: [{ Ref: targetGroupId }],
      });
      expect((overrides.asArray() as unknown[]).length).toBeGreaterThanOrEqual(2);
    });

    it('lets the app servers read their endpoint parameters and nothing else', () => {
      const parameters = Object.values(template().findResources('AWS::SSM::Parameter')).map(
        (p) => p.Properties.Name,
      );
      expect(parameters.sort()).toEqual(['/shop/active-region', '/shop/db/host', '/shop/db/port']);
      const [roleId] = Object.keys(
        template().findResources('AWS::IAM::Role', {
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
            },
          },
        }),
      );
      const statements = new Capture();
      template().hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: { Statement: statements },
      });
      expect(statements.asArray()).toEqual([
        expect.objectContaining({ Action: 'ssm:GetParameter', Effect: 'Allow' }),
      ]);
    });
  });

  it('keeps a Multi-AZ, encrypted, deletion-protected PostgreSQL primary with 7 days of backups', () => {
    primary.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'shop-db',
      Engine: 'postgres',
      MultiAZ: true,
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      ManageMasterUserPassword: true,
      PubliclyAccessible: false,
    });
  });

  it('replicates it to the recovery region as the plan replica, encrypted with a rotated local key, never deleted', () => {
    const keyId = idOf(recovery, 'AWS::KMS::Key', { EnableKeyRotation: true });
    const replicaId = idOf(recovery, 'AWS::RDS::DBInstance');
    const replica = resourcesOf(recovery)[replicaId];
    expect(replica?.Properties).toMatchObject({
      DBInstanceIdentifier: 'shop-db-replica',
      SourceRegion: 'us-east-1',
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      DeletionProtection: true,
    });
    expect(arnText(replica?.Properties.SourceDBInstanceIdentifier)).toBe(
      'arn:${Partition}:rds:us-east-1:111111111111:db:shop-db',
    );
    expect(replica?.DeletionPolicy).toBe('Retain');
    expect(recoveryDependsOnPrimary).toBe(true);
  });

  it('health-checks the primary /healthz from Route 53 and fails DNS over PRIMARY to SECONDARY', () => {
    const albId = idOf(primary, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const healthCheckId = idOf(primary, 'AWS::Route53::HealthCheck');
    primary.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTP',
        ResourcePath: '/healthz',
        Port: 80,
        FullyQualifiedDomainName: { 'Fn::GetAtt': [albId, 'DNSName'] },
      }),
    });
    primary.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'shop.example.com.',
      Type: 'A',
      Failover: 'PRIMARY',
      HealthCheckId: { Ref: healthCheckId },
      HostedZoneId: 'Z0EXAMPLE0000000000',
    });
    recovery.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'shop.example.com.',
      Type: 'A',
      Failover: 'SECONDARY',
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }),
    });
    recovery.resourceCountIs('AWS::Route53::HealthCheck', 0);
  });

  it('starts the recovery site as a pilot light: the plan group at one server, the app pointed at the replica', () => {
    recovery.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AutoScalingGroupName: 'shop-app-usw2',
      MinSize: '1',
      MaxSize: '12',
      DesiredCapacity: Match.absent(),
    });
    const replicaId = idOf(recovery, 'AWS::RDS::DBInstance');
    recovery.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/db/host',
      Value: { 'Fn::GetAtt': [replicaId, 'Endpoint.Address'] },
    });
    recovery.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/active-region',
      Value: 'us-east-1',
    });
  });
});
