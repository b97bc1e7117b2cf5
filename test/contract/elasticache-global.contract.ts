import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateReplicationGroupCommand,
  FailoverGlobalReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elastiCacheClient } from '../../functions/common/clients/elasticache.js';
import type { GlobalDatastorePlan } from '../../functions/kinds/elasticache-global/definition.js';
import {
  describeGlobalDatastore,
  describeReplicationGroup,
  endpointOf,
} from '../../functions/kinds/elasticache-global/elasticache.js';
import { GlobalDatastoreNotFoundError } from '../../functions/kinds/elasticache-global/errors.js';
import { startFailover } from '../../functions/kinds/elasticache-global/fail-over.js';
import { latestGlobalLag, readGlobalLag } from '../../functions/kinds/elasticache-global/replication-lag.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { arrange, contractPlan, motoEndpoint, RECOVERY, rejectionOf } from './support.js';

/**
 * The Global Datastore kind's calls over HTTP against moto 5.2.1.
 *
 * What moto serves: ElastiCache replication groups (CreateReplicationGroup,
 * DescribeReplicationGroups with `ReplicationGroupNotFoundFault`) and CloudWatch metrics
 * (PutMetricData / GetMetricData, any namespace), so the recovery group's endpoint, its member
 * clusters and the `AWS/ElastiCache GlobalDatastoreReplicationLag` reads are tested for real.
 *
 * What moto does not serve: no Global Datastore operation at all (moto/elasticache/responses.py
 * has no CreateGlobalReplicationGroup, DescribeGlobalReplicationGroups or
 * FailoverGlobalReplicationGroup). It answers them with HTTP 500 "not implemented". So the
 * datastore's members and roles, FailoverGlobalReplicationGroup's answer and its
 * `GlobalReplicationGroupNotFoundFault` / `InvalidGlobalReplicationGroupStateFault` are tested only
 * against the simulated AWS (test/kinds/elasticache-global/) and aws-sdk-client-mock; here the
 * tests pin that the kind sends them to the endpoint it is given and does not mistake moto's
 * "not implemented" for an answer (no false "not found", no false "already failed over").
 * Also unlike AWS: moto gives a group created with NumCacheClusters 2 one member cluster, and
 * names its endpoints after us-east-1 (`use1`) whatever the Region.
 */

const GROUP = 'contract-sessions-usw2';
const GLOBAL_ID = 'ldgnf-contract-sessions';

function datastorePlan(overrides: Partial<GlobalDatastorePlan> = {}): GlobalDatastorePlan {
  const plan = contractPlan((document) => {
    document.globalDatastores = [
      {
        id: 'sessions',
        globalReplicationGroupId: GLOBAL_ID,
        replicationGroup: GROUP,
        maxLagSeconds: 5,
        ...overrides,
      },
    ];
  });
  const datastore = plan.globalDatastores[0];
  if (datastore === undefined) throw new Error('the contract plan has no global datastore');
  return datastore;
}

async function putGlobalLag(
  cluster: string,
  points: readonly { secondsAgo: number; lag: number }[],
): Promise<void> {
  await arrange.cloudWatch(RECOVERY).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ElastiCache',
      MetricData: points.map(({ secondsAgo, lag }) => ({
        MetricName: 'GlobalDatastoreReplicationLag',
        Dimensions: [{ Name: 'CacheClusterId', Value: cluster }],
        Timestamp: new Date(Date.now() - secondsAgo * 1000),
        Value: lag,
        Unit: 'Seconds',
      })),
    }),
  );
}

beforeAll(async () => {
  await arrange.elastiCache(RECOVERY).send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP,
      ReplicationGroupDescription: 'contract test: the recovery member of a Global Datastore',
      Engine: 'redis',
      CacheNodeType: 'cache.t3.micro',
      NumCacheClusters: 2,
    }),
  );
});

describe('the recovery replication group in moto', () => {
  it('is described with its member clusters and a primary endpoint templates can name', async () => {
    // Act
    const group = await describeReplicationGroup(RECOVERY, GROUP);

    // Assert
    expect(group.ReplicationGroupId).toBe(GROUP);
    expect(group.ARN).toMatch(
      new RegExp(`^arn:aws:elasticache:${RECOVERY}:\\d{12}:replicationgroup:${GROUP}$`),
    );
    expect(group.MemberClusters).toEqual([`${GROUP}-001`]);
    expect(endpointOf(group)).toEqual({ address: expect.stringContaining(`.${GROUP}.`), port: 6379 });
  });

  it('is reported missing with GlobalDatastoreNotFoundError when moto answers ReplicationGroupNotFoundFault', async () => {
    // Act
    const error = await rejectionOf(describeReplicationGroup(RECOVERY, 'contract-no-such-group'));

    // Assert
    expect(error).toBeInstanceOf(GlobalDatastoreNotFoundError);
    expect(error.message).toBe(`replication group contract-no-such-group not found in ${RECOVERY}`);
    expect((error.cause as Error).name).toBe('ReplicationGroupNotFoundFault');
  });
});

describe('latestGlobalLag', () => {
  it('has no value while no member cluster published GlobalDatastoreReplicationLag', async () => {
    expect(await latestGlobalLag(RECOVERY, ['contract-quiet-001', 'contract-quiet-002'])).toBeNull();
  });

  it("reads each member cluster's latest datapoint and takes the largest", async () => {
    // Arrange: the newest value of -001 is 2 (an older 40 does not count); -002's is 3.
    await putGlobalLag('contract-lag-001', [
      { secondsAgo: 150, lag: 40 },
      { secondsAgo: 20, lag: 2 },
    ]);
    await putGlobalLag('contract-lag-002', [{ secondsAgo: 30, lag: 3 }]);

    // Act
    const lag = await latestGlobalLag(RECOVERY, ['contract-lag-001', 'contract-lag-002']);

    // Assert
    expect(lag).toBe(3);
  });
});

describe('Global Datastore operations moto does not serve', () => {
  it('DescribeGlobalReplicationGroups: the "not implemented" answer fails the step as it is, never as a missing datastore', async () => {
    // Act
    const error = await rejectionOf(describeGlobalDatastore(RECOVERY, GLOBAL_ID));

    // Assert
    expect(error).not.toBeInstanceOf(GlobalDatastoreNotFoundError);
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('the gate fails (rather than passing or skipping) when the datastore cannot be described', async () => {
    // Act
    const error = await rejectionOf(
      readGlobalLag(datastorePlan({ optional: true }), RECOVERY, { checks: 0 }),
    );

    // Assert
    expect(error).not.toBeInstanceOf(GlobalDatastoreNotFoundError);
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('startFailover stops at the describe and sends no FailoverGlobalReplicationGroup blind', async () => {
    // Arrange
    const before = stepCalls.filter(
      (call) => call.command === 'FailoverGlobalReplicationGroupCommand',
    ).length;
    const remembered: unknown[] = [];

    // Act
    const error = await rejectionOf(
      startFailover(
        { datastore: datastorePlan(), recoveryRegion: RECOVERY, dryRun: false },
        async (facts) => {
          remembered.push(facts);
          return facts;
        },
      ),
    );

    // Assert
    expect(error.$metadata?.httpStatusCode).toBe(500);
    expect(remembered).toEqual([]);
    expect(stepCalls.filter((call) => call.command === 'FailoverGlobalReplicationGroupCommand')).toHaveLength(
      before,
    );
  });

  it('FailoverGlobalReplicationGroup, sent through the steps\' client, is answered "not implemented", not as a refusal', async () => {
    // Act
    const error = await rejectionOf(
      elastiCacheClient(RECOVERY).send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: GLOBAL_ID,
          PrimaryRegion: RECOVERY,
          PrimaryReplicationGroupId: GROUP,
        }),
      ),
    );

    // Assert
    expect(error.name).not.toBe('InvalidGlobalReplicationGroupStateFault');
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });
});

afterAll(() => {
  expectStepCommandsSentToMoto('elasticache-global', motoEndpoint(), ['GetMetricDataCommand']);
});
