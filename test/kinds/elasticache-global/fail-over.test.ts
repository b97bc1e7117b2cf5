import '../../unit/support/aws-sdk-matchers.js';
import { readFileSync } from 'node:fs';
import { GetMetricDataCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  InvalidGlobalReplicationGroupStateFault,
  type GlobalReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { parsePlan } from '../../../functions/common/plan.js';
import { GlobalFailoverRefusedError } from '../../../functions/kinds/elasticache-global/errors.js';
import {
  CLOSE_POLL_SECONDS,
  FAILOVER_POLL_SECONDS,
  checkFailover,
  startFailover,
} from '../../../functions/kinds/elasticache-global/fail-over.js';
import { latestGlobalLag } from '../../../functions/kinds/elasticache-global/replication-lag.js';
import type { FailoverFacts } from '../../../functions/kinds/elasticache-global/types.js';
import { GLOBAL_ID, globalPlanInput, PRIMARY_GROUP, RECOVERY_GROUP } from './support.js';

/**
 * startFailover, checkFailover and latestGlobalLag with aws-sdk-client-mock: the answers
 * ElastiCache gives (after the AWS CLI's CreateGlobalReplicationGroup example, the only AWS sample
 * of a Global Datastore with members) and the requests the kind sends.
 */

const elastiCache = mockClient(ElastiCacheClient);
const cloudWatch = mockClient(CloudWatchClient);
const NOW = new Date('2026-11-24T09:05:00.000Z');

/** The AWS CLI example's GlobalReplicationGroup: one PRIMARY member in us-west-2, `creating`. */
const sample = (
  JSON.parse(
    readFileSync(
      'test/fixtures/aws/api/elasticache-CreateGlobalReplicationGroup-output_with-Members.cli-example.json',
      'utf8',
    ),
  ) as { GlobalReplicationGroup: GlobalReplicationGroup }
).GlobalReplicationGroup;

/** The sample as the example plan's datastore: its primary in us-east-1, its secondary the plan's recovery group. */
function datastore(status: string, recoveryRole: 'PRIMARY' | 'SECONDARY'): GlobalReplicationGroup {
  const [member] = sample.Members ?? [];
  return {
    ...sample,
    GlobalReplicationGroupId: GLOBAL_ID,
    Status: status,
    Members: [
      {
        ...member,
        ReplicationGroupId: PRIMARY_GROUP,
        ReplicationGroupRegion: 'us-east-1',
        Role: recoveryRole === 'PRIMARY' ? 'SECONDARY' : 'PRIMARY',
        Status: 'associated',
      },
      {
        ...member,
        ReplicationGroupId: RECOVERY_GROUP,
        ReplicationGroupRegion: 'us-west-2',
        Role: recoveryRole,
        Status: 'associated',
      },
    ],
  };
}

const describesAs = (...groups: GlobalReplicationGroup[]) => {
  const stub = elastiCache.on(DescribeGlobalReplicationGroupsCommand);
  for (const group of groups) stub.resolvesOnce({ GlobalReplicationGroups: [group] });
};
const input = () => {
  const [plan] = parsePlan(globalPlanInput()).globalDatastores;
  if (plan === undefined) throw new Error('the example plan has no global datastore');
  return { datastore: plan, recoveryRegion: 'us-west-2', dryRun: false };
};
const refusal = () =>
  new InvalidGlobalReplicationGroupStateFault({
    message: 'The Global datastore is not available or in primary-only state.',
    $metadata: { httpStatusCode: 400 },
  });
const recorder = () => {
  const recorded: FailoverFacts[] = [];
  return { recorded, remember: async (facts: FailoverFacts) => (recorded.push(facts), facts) };
};

beforeEach(() => {
  setClientInterceptor(undefined);
  elastiCache.reset();
  cloudWatch.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('startFailover', () => {
  it('describes with ShowMemberInfo, records the previous primary, then asks for the recovery group in the recovery region', async () => {
    // Arrange
    describesAs(datastore('available', 'SECONDARY'));
    elastiCache
      .on(FailoverGlobalReplicationGroupCommand)
      .resolves({ GlobalReplicationGroup: datastore('modifying', 'SECONDARY') });
    const { recorded, remember } = recorder();

    // Act
    const failover = await startFailover(input(), remember);

    // Assert
    expect(elastiCache).toHaveReceivedCommandWith(DescribeGlobalReplicationGroupsCommand, {
      GlobalReplicationGroupId: GLOBAL_ID,
      ShowMemberInfo: true,
    });
    expect(elastiCache).toHaveReceivedCommandWith(FailoverGlobalReplicationGroupCommand, {
      GlobalReplicationGroupId: GLOBAL_ID,
      PrimaryRegion: 'us-west-2',
      PrimaryReplicationGroupId: RECOVERY_GROUP,
    });
    expect(recorded).toEqual([
      {
        globalReplicationGroupId: GLOBAL_ID,
        previousPrimary: { replicationGroupId: PRIMARY_GROUP, region: 'us-east-1' },
        requestedAt: NOW.toISOString(),
        alreadyFailedOver: false,
      },
    ]);
    expect(failover).toMatchObject({
      status: 'failing-over',
      datastoreStatus: 'modifying',
      pollSeconds: FAILOVER_POLL_SECONDS,
    });
  });

  it('turns InvalidGlobalReplicationGroupStateFault into GlobalFailoverRefusedError with the service message when the recovery group is still secondary', async () => {
    // Arrange
    describesAs(datastore('available', 'SECONDARY'), datastore('modifying', 'SECONDARY'));
    elastiCache.on(FailoverGlobalReplicationGroupCommand).rejects(refusal());

    // Act
    const error = await startFailover(input(), recorder().remember).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(GlobalFailoverRefusedError);
    expect((error as Error).message).toBe(
      `ElastiCache refused to fail ${GLOBAL_ID} over to ${RECOVERY_GROUP} in us-west-2 (InvalidGlobalReplicationGroupStateFault: The Global datastore is not available or in primary-only state.); the datastore is modifying and ${RECOVERY_GROUP} is still SECONDARY: it was not failed over`,
    );
  });

  it('follows a failover already under way when ElastiCache refuses but the recovery group shows PRIMARY', async () => {
    // Arrange
    describesAs(datastore('available', 'SECONDARY'), datastore('modifying', 'PRIMARY'));
    elastiCache.on(FailoverGlobalReplicationGroupCommand).rejects(refusal());

    // Act
    const failover = await startFailover(input(), recorder().remember);

    // Assert
    expect(failover).toMatchObject({
      status: 'failing-over',
      role: 'PRIMARY',
      pollSeconds: CLOSE_POLL_SECONDS,
    });
    expect(failover.message).toContain('an earlier request is finishing');
  });

  it('calls nothing and records no previous primary when the recovery group is already the primary', async () => {
    // Arrange
    describesAs(datastore('available', 'PRIMARY'));
    const { recorded, remember } = recorder();

    // Act
    const failover = await startFailover(input(), remember);

    // Assert
    expect(elastiCache).toHaveReceivedCommandTimes(FailoverGlobalReplicationGroupCommand, 0);
    expect(failover).toMatchObject({ status: 'failed-over', alreadyFailedOver: true });
    expect(recorded).toEqual([expect.objectContaining({ previousPrimary: null, alreadyFailedOver: true })]);
  });
});

describe('checkFailover', () => {
  it.each([
    ['modifying', 'SECONDARY', 'failing-over', FAILOVER_POLL_SECONDS],
    ['modifying', 'PRIMARY', 'failing-over', CLOSE_POLL_SECONDS],
    ['available', 'PRIMARY', 'failed-over', CLOSE_POLL_SECONDS],
  ] as const)(
    'reads a %s datastore with the recovery group %s as %s, next look in %ss',
    async (status, role, expected, poll) => {
      // Arrange
      describesAs(datastore(status, role));

      // Act
      const failover = await checkFailover(input(), {
        status: 'failing-over',
        globalReplicationGroupId: GLOBAL_ID,
        datastoreStatus: 'modifying',
        role: 'SECONDARY',
        startedAt: new Date(NOW.getTime() - 30_000).toISOString(),
        pollSeconds: FAILOVER_POLL_SECONDS,
        dryRun: false,
        message: '',
      });

      // Assert
      expect(failover).toMatchObject({ status: expected, pollSeconds: poll, role });
    },
  );
});

describe('latestGlobalLag', () => {
  it('asks for GlobalDatastoreReplicationLag per member cluster (dimension CacheClusterId) and takes the largest latest value', async () => {
    // Arrange
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'lag0', Values: [0.4, 9] },
        { Id: 'lag1', Values: [1.5] },
      ],
    });

    // Act
    const lag = await latestGlobalLag('us-west-2', [`${RECOVERY_GROUP}-001`, `${RECOVERY_GROUP}-002`]);

    // Assert
    expect(lag).toBe(1.5);
    const [request] = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(request?.args[0].input.MetricDataQueries?.map((query) => query.MetricStat?.Metric)).toEqual([
      {
        Namespace: 'AWS/ElastiCache',
        MetricName: 'GlobalDatastoreReplicationLag',
        Dimensions: [{ Name: 'CacheClusterId', Value: `${RECOVERY_GROUP}-001` }],
      },
      {
        Namespace: 'AWS/ElastiCache',
        MetricName: 'GlobalDatastoreReplicationLag',
        Dimensions: [{ Name: 'CacheClusterId', Value: `${RECOVERY_GROUP}-002` }],
      },
    ]);
    expect(request?.args[0].input.ScanBy).toBe('TimestampDescending');
  });
});
