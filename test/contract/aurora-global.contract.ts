import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateDBClusterCommand, CreateGlobalClusterCommand } from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanInput } from '../../functions/common/plan.js';
import {
  describeGlobalCluster,
  latestRpoLag,
  writerEndpoint,
} from '../../functions/kinds/aurora-global/aurora.js';
import type { AuroraGlobalClusterPlan } from '../../functions/kinds/aurora-global/definition.js';
import { startGlobalFailover } from '../../functions/kinds/aurora-global/failover.js';
import { readGlobalLag } from '../../functions/kinds/aurora-global/global-lag.js';
import type { GlobalCallFacts } from '../../functions/kinds/aurora-global/types.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { arrange, contractPlan, motoEndpoint, PRIMARY, RECOVERY, rejectionOf } from './support.js';

/**
 * The Aurora global database kind's reads and calls over HTTP against moto 5.2.1: a global
 * cluster with its writer in the primary region and a secondary in the recovery region.
 *
 * What moto 5.2.1 serves of global clusters (moto/rds/responses.py): CreateGlobalCluster,
 * DescribeGlobalClusters, DeleteGlobalCluster, RemoveFromGlobalCluster, and CreateDBCluster with
 * GlobalClusterIdentifier (the first member is the writer, later ones secondaries). Where it
 * differs from AWS, each test says so:
 * - DescribeGlobalClusters ignores GlobalClusterIdentifier and lists every global cluster (AWS:
 *   that one, or GlobalClusterNotFoundFault); the step filters the answer by identifier.
 * - No FailoverState ever (nothing can start an operation).
 * - FailoverGlobalCluster and SwitchoverGlobalCluster are not served at all: moto answers them
 *   with an error, so the calls themselves, their FailoverState transitions and their refusals
 *   (InvalidGlobalClusterStateFault, InvalidDBClusterStateFault) are tested only on the simulated
 *   AWS (test/kinds/aurora-global/), whose shapes follow the RDS API Reference.
 */

const GLOBAL = 'contract-orders-global';
const PRIMARY_CLUSTER = 'contract-orders-primary';
const RECOVERY_CLUSTER = 'contract-orders-usw2';
/** A second secondary in the recovery region that publishes no lag. */
const QUIET_CLUSTER = 'contract-orders-usw2-quiet';

type ItemInput = NonNullable<PlanInput['auroraGlobalClusters']>[number];

function itemPlan(overrides: Partial<ItemInput> = {}): AuroraGlobalClusterPlan {
  const plan = contractPlan((document) => {
    document.auroraGlobalClusters = [
      {
        id: 'orders',
        globalCluster: GLOBAL,
        recoveryCluster: RECOVERY_CLUSTER,
        maxLagSeconds: 30,
        lagWaitSeconds: 120,
        ...overrides,
      },
    ];
  });
  const item = plan.auroraGlobalClusters[0];
  if (item === undefined) throw new Error('the contract plan has no global database');
  return item;
}

const recordOnce = async (facts: GlobalCallFacts): Promise<GlobalCallFacts> => facts;

beforeAll(async () => {
  await arrange
    .rds(PRIMARY)
    .send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, Engine: 'aurora-postgresql' }));
  for (const [region, id] of [
    [PRIMARY, PRIMARY_CLUSTER],
    [RECOVERY, RECOVERY_CLUSTER],
    [RECOVERY, QUIET_CLUSTER],
  ] as const) {
    await arrange.rds(region).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        GlobalClusterIdentifier: GLOBAL,
        ...(region === PRIMARY ? { MasterUsername: 'orders', MasterUserPassword: 'contract-test-only' } : {}),
      }),
    );
  }
});

describe('describeGlobalCluster in moto', () => {
  it('finds the recovery cluster as a secondary member by its ARN in the recovery region, and the primary as writer', async () => {
    const view = await describeGlobalCluster(itemPlan(), RECOVERY);

    expect(view.recovery).toMatchObject({
      DBClusterArn: expect.stringMatching(
        new RegExp(`^arn:aws:rds:${RECOVERY}:\\d{12}:cluster:${RECOVERY_CLUSTER}$`),
      ),
      IsWriter: false,
    });
    expect(view.writer?.DBClusterArn).toMatch(
      new RegExp(`:rds:${PRIMARY}:\\d{12}:cluster:${PRIMARY_CLUSTER}$`),
    );
    // moto never reports a FailoverState.
    expect(view.operation).toBeUndefined();
    expect(view.globalCluster.GlobalClusterArn).toMatch(
      /^arn:aws:rds::\d{12}:global-cluster:contract-orders-global$/,
    );
  });

  it('stops with GlobalClusterNotFoundError for a global cluster moto does not have (moto lists the others; AWS answers GlobalClusterNotFoundFault)', async () => {
    const error = await rejectionOf(
      describeGlobalCluster(itemPlan({ globalCluster: 'contract-missing' }), RECOVERY),
    );

    expect(error.name).toBe('GlobalClusterNotFoundError');
    expect(error.message).toContain('global cluster contract-missing not found');
  });

  it('stops with GlobalClusterNotFoundError when the recovery cluster is not a member', async () => {
    const error = await rejectionOf(
      describeGlobalCluster(itemPlan({ recoveryCluster: 'contract-other' }), RECOVERY),
    );

    expect(error.name).toBe('GlobalClusterNotFoundError');
    expect(error.message).toContain('is not a member of global cluster contract-orders-global');
  });
});

describe('writerEndpoint in moto', () => {
  it("reads the recovery cluster's endpoint and port with DescribeDBClusters", async () => {
    const endpoint = await writerEndpoint(itemPlan(), RECOVERY);

    expect(endpoint.address).toContain(RECOVERY_CLUSTER);
    expect(endpoint.port).toBe(5432);
  });
});

describe('readGlobalLag in moto', () => {
  it('reads AuroraGlobalDBRPOLag in milliseconds by DBClusterIdentifier and gates on it in seconds', async () => {
    await arrange.cloudWatch(RECOVERY).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'AuroraGlobalDBRPOLag',
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: RECOVERY_CLUSTER }],
            Timestamp: new Date(Date.now() - 20_000),
            Value: 1500,
            Unit: 'Milliseconds',
          },
        ],
      }),
    );

    const lag = await latestRpoLag(itemPlan(), RECOVERY);
    const check = await readGlobalLag({
      item: itemPlan(),
      recoveryRegion: RECOVERY,
      planned: false,
      previous: { checks: 0 },
    });

    expect(lag).toBe(1.5);
    expect(check).toMatchObject({ decision: 'proceed', lagSeconds: 1.5, recoveryCluster: RECOVERY_CLUSTER });
  });

  it('waits when a secondary has no datapoint and lagWaitSeconds has not passed, calling nothing', async () => {
    const before = stepCalls.length;

    const check = await readGlobalLag({
      item: itemPlan({ recoveryCluster: QUIET_CLUSTER }),
      recoveryRegion: RECOVERY,
      planned: false,
      previous: { checks: 0 },
    });

    expect(check).toMatchObject({ decision: 'wait', lagSeconds: null, waitSeconds: 20 });
    expect(check.message).toContain('has no AuroraGlobalDBRPOLag datapoint');
    expect(stepCalls.slice(before).map((call) => call.command)).toEqual([
      'DescribeGlobalClustersCommand',
      'GetMetricDataCommand',
    ]);
  });
});

describe('startGlobalFailover in moto', () => {
  it.each([
    ['an alarm: FailoverGlobalCluster', false, 'FailoverGlobalClusterCommand'],
    ['a drill: SwitchoverGlobalCluster', true, 'SwitchoverGlobalClusterCommand'],
  ])(
    'sends %s to moto, which does not serve it (HTTP 500), and surfaces its error',
    async (_case, planned, command) => {
      const before = stepCalls.filter((call) => call.command === command).length;

      const error = await rejectionOf(
        startGlobalFailover({
          item: itemPlan(),
          recoveryRegion: RECOVERY,
          planned,
          dryRun: false,
          previous: { status: 'not-started' },
          recordCall: recordOnce,
        }),
      );

      // moto answers an action it does not implement with HTTP 500, which the SDK retries as a
      // server error (AWS would answer 200 with FailoverState pending); it is not a refusal of ours.
      expect(stepCalls.filter((call) => call.command === command).length).toBeGreaterThan(before);
      expect(error.$metadata?.httpStatusCode).toBe(500);
      expect(error.name).not.toBe('GlobalFailoverRefusedError');
    },
  );

  it('in a dry run describes and calls nothing', async () => {
    const before = stepCalls.length;

    const result = await startGlobalFailover({
      item: itemPlan(),
      recoveryRegion: RECOVERY,
      planned: false,
      dryRun: true,
      previous: { status: 'not-started' },
      recordCall: recordOnce,
    });

    expect(result).toMatchObject({ status: 'failed-over', dryRun: true });
    expect(stepCalls.slice(before).map((call) => call.command)).toEqual(['DescribeGlobalClustersCommand']);
  });
});

describe('the aurora-global contract file', () => {
  it('sent its commands to moto through the steps own clients', () => {
    expectStepCommandsSentToMoto('aurora-global', motoEndpoint(), ['GetMetricDataCommand']);
  });
});
