import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { describeServices, latestEvent, taskCount } from '../../../functions/kinds/ecs-service/ecs.js';
import { readAwsFixture } from '../../fixtures/aws-fixtures.js';

/**
 * The ECS reads of the ecs-service kind against recorded AWS answers (test/fixtures/aws/api) and
 * a mocked ECS client: what counts as steady, and how DescribeServices is batched.
 */

const ecs = mockClient(ECSClient);

/** A CLI or SDK example's service, with its timestamps as the SDK gives them (Date). */
function fixtureService(file: string, path: 'services' | 'output' | 'service'): Service {
  const document = JSON.parse(readAwsFixture(`api/${file}`)) as Record<string, unknown>;
  const raw = (
    path === 'service'
      ? document.service
      : path === 'output'
        ? (document.output as { services: unknown[] }).services[0]
        : (document.services as unknown[])[0]
  ) as Service & { events?: { createdAt: unknown; message: string }[] };
  const date = (value: unknown) => new Date(typeof value === 'number' ? value * 1000 : String(value));
  return {
    ...raw,
    events: (raw.events ?? []).map((event) => ({ ...event, createdAt: date(event.createdAt) })),
  };
}

const steadyState = () =>
  fixtureService('ecs-DescribeServices-output_steady-state.cli-example.json', 'services');
const justScaled = () => fixtureService('ecs-UpdateService-output_desired-count.cli-example.json', 'service');
const cannotPlace = () =>
  fixtureService('ecs-DescribeServices-example_placement-failure.sdk-example.json', 'output');

beforeEach(() => {
  setClientInterceptor(undefined);
  ecs.reset();
});

describe('taskCount', () => {
  it('counts a service with one PRIMARY deployment and no rolloutState as steady once enough tasks run', () => {
    // The CLI sample predates rolloutState: 10 of 10 running, one PRIMARY deployment.
    expect(taskCount(steadyState(), 10)).toMatchObject({
      running: 10,
      steady: true,
      rolloutState: undefined,
    });
    expect(taskCount(steadyState(), 11)).toMatchObject({ steady: false });
  });

  it('does not trust a COMPLETED rollout right after a desired-count change while tasks still start', () => {
    // UpdateService --desired-count 2 answered runningCount 1 with the PRIMARY deployment COMPLETED.
    expect(taskCount(justScaled(), 2)).toMatchObject({
      running: 1,
      desired: 2,
      rolloutState: 'COMPLETED',
      steady: false,
      failed: false,
    });
  });

  it('is not steady while an older deployment is still ACTIVE beside the PRIMARY one', () => {
    const service: Service = {
      ...steadyState(),
      deployments: [...(steadyState().deployments ?? []), { status: 'ACTIVE', runningCount: 2 }],
    };

    expect(taskCount(service, 10).steady).toBe(false);
  });

  it('reports a FAILED rollout (deployment circuit breaker) as failed', () => {
    const service: Service = {
      ...justScaled(),
      deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED' }],
    };

    expect(taskCount(service, 2)).toMatchObject({ failed: true, steady: false });
  });
});

describe('latestEvent', () => {
  it("quotes the service's newest event, e.g. why a task could not be placed", () => {
    expect(latestEvent(cannotPlace())).toMatch(
      /was unable to place a task because no container instance met/,
    );
    expect(latestEvent(justScaled())).toBe('(service my-http-service) has reached a steady state.');
  });
});

describe('describeServices', () => {
  it('asks for at most 10 services a call, one cluster a call, and reads MISSING failures as not found', async () => {
    // Arrange: 12 services in one cluster, one in another; ECS reports "b-11" missing.
    ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommand['input']) => ({
      services: (input.services ?? [])
        .filter((name) => name !== 'b-11')
        .map((name) => ({ serviceName: name, status: 'ACTIVE' })),
      failures: (input.services ?? [])
        .filter((name) => name === 'b-11')
        .map((name) => ({
          arn: `arn:aws:ecs:us-west-2:111111111111:service/blue/${name}`,
          reason: 'MISSING',
        })),
    }));
    const items = [
      ...Array.from({ length: 12 }, (_, i) => ({ cluster: 'blue', service: `b-${i}` })),
      { cluster: 'green', service: 'g-0' },
    ];

    // Act
    const described = await describeServices('us-west-2', items);

    // Assert
    expect(ecs.commandCalls(DescribeServicesCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: 'blue', services: Array.from({ length: 10 }, (_, i) => `b-${i}`) },
      { cluster: 'blue', services: ['b-10', 'b-11'] },
      { cluster: 'green', services: ['g-0'] },
    ]);
    expect(described.get('blue/b-11')).toEqual({ found: false, reason: 'MISSING' });
    expect(described.get('green/g-0')).toMatchObject({ found: true, service: { serviceName: 'g-0' } });
    expect(described.size).toBe(13);
  });

  it("reads an unknown cluster as every one of its services missing, and still describes the other clusters'", async () => {
    // Arrange
    ecs
      .on(DescribeServicesCommand, { cluster: 'gone' })
      .rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} }))
      .on(DescribeServicesCommand, { cluster: 'blue' })
      .resolves({ services: [{ serviceName: 'web', status: 'ACTIVE' }], failures: [] });

    // Act
    const described = await describeServices('us-west-2', [
      { cluster: 'gone', service: 'api' },
      { cluster: 'blue', service: 'web' },
    ]);

    // Assert
    expect(described.get('gone/api')).toEqual({ found: false, reason: 'cluster gone not found' });
    expect(described.get('blue/web')).toMatchObject({ found: true });
  });
});
