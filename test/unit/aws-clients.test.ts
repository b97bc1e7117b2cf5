import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BEST_EFFORT,
  ON_PATH,
  setClientInterceptor,
  type ClientInterceptor,
} from '../../functions/common/aws-clients.js';
import { autoScalingClient } from '../../functions/common/clients/autoscaling.js';
import { cloudWatchClient } from '../../functions/common/clients/cloudwatch.js';
import { rdsClient } from '../../functions/common/clients/rds.js';
import { snsClient } from '../../functions/common/clients/sns.js';
import { ssmClient } from '../../functions/common/clients/ssm.js';

beforeEach(() => {
  setClientInterceptor(undefined);
});

describe('aws clients', () => {
  it.each([
    ['rds', rdsClient, RDSClient],
    ['cloudwatch', cloudWatchClient, CloudWatchClient],
    ['autoscaling', autoScalingClient, AutoScalingClient],
    ['ssm', ssmClient, SSMClient],
    ['sns', snsClient, SNSClient],
  ] as const)('creates the %s client for the region asked for', async (_service, factory, ClientClass) => {
    // Act
    const client = factory('eu-west-1');

    // Assert
    expect(client).toBeInstanceOf(ClientClass);
    await expect(client.config.region()).resolves.toBe('eu-west-1');
  });

  it('returns the cached client for the same service, region and options', () => {
    // Act
    const [first, second] = [rdsClient('us-west-2'), rdsClient('us-west-2', ON_PATH)];

    // Assert
    expect(second).toBe(first);
  });

  it('creates separate clients per region, per options and per service', () => {
    // Act
    const onPath = cloudWatchClient('us-west-2');
    const otherRegion = cloudWatchClient('us-east-1');
    const bestEffort = cloudWatchClient('us-west-2', BEST_EFFORT);
    const sameOptionsAsBestEffort = cloudWatchClient('us-west-2', {
      requestTimeoutMs: 2_000,
      maxAttempts: 1,
    });

    // Assert
    expect(new Set([onPath, otherRegion, bestEffort]).size).toBe(3);
    expect(sameOptionsAsBestEffort).toBe(bestEffort);
    expect(ssmClient('us-west-2')).not.toBe(snsClient('us-west-2'));
  });

  it('gives best-effort clients one short attempt and on-path clients retries', async () => {
    // Act
    const bestEffort = rdsClient('us-east-1', BEST_EFFORT);
    const onPath = rdsClient('us-east-1', ON_PATH);

    // Assert
    expect(BEST_EFFORT.requestTimeoutMs).toBeLessThan(ON_PATH.requestTimeoutMs);
    expect(BEST_EFFORT.maxAttempts).toBeLessThan(ON_PATH.maxAttempts);
    await expect(bestEffort.config.maxAttempts()).resolves.toBe(1);
    await expect(onPath.config.maxAttempts()).resolves.toBe(3);
  });

  it('applies the interceptor once to each new client, with its settings', () => {
    // Arrange
    const interceptor = vi.fn<ClientInterceptor>();
    setClientInterceptor(interceptor);

    // Act
    const rds = rdsClient('us-west-2');
    rdsClient('us-west-2');
    const cloudWatch = cloudWatchClient('us-east-1', BEST_EFFORT);

    // Assert
    expect(interceptor).toHaveBeenCalledTimes(2);
    expect(interceptor).toHaveBeenNthCalledWith(1, rds, {
      service: 'rds',
      region: 'us-west-2',
      requestTimeoutMs: 10_000,
      maxAttempts: 3,
    });
    expect(interceptor).toHaveBeenNthCalledWith(2, cloudWatch, {
      service: 'cloudwatch',
      region: 'us-east-1',
      requestTimeoutMs: 2_000,
      maxAttempts: 1,
    });
  });

  it('drops cached clients when the interceptor changes, so every client gets the new one', () => {
    // Arrange
    const before = snsClient('us-west-2');
    const interceptor = vi.fn<ClientInterceptor>();

    // Act
    setClientInterceptor(interceptor);
    const after = snsClient('us-west-2');

    // Assert
    expect(after).not.toBe(before);
    expect(interceptor).toHaveBeenCalledWith(after, expect.objectContaining({ service: 'sns' }));
  });

  it('stops intercepting once the interceptor is removed', () => {
    // Arrange
    const interceptor = vi.fn<ClientInterceptor>();
    setClientInterceptor(interceptor);
    ssmClient('us-west-2');

    // Act
    setClientInterceptor(undefined);
    ssmClient('us-west-2');
    ssmClient('eu-west-1');

    // Assert
    expect(interceptor).toHaveBeenCalledTimes(1);
  });
});
