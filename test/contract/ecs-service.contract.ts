import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFacts } from '../../functions/common/failover-record.js';
import { describeServices } from '../../functions/kinds/ecs-service/ecs.js';
import { kindReadiness } from '../../functions/kinds/ecs-service/readiness.js';
import { ecsServiceRuntime } from '../../functions/kinds/ecs-service/runtime.js';
import type { ServiceFacts, ServiceProgress } from '../../functions/kinds/ecs-service/types.js';
import { readProgress } from '../../functions/common/failover-record.js';
import type { KindContext } from '../../functions/kinds/kind-step.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import {
  contractPlan,
  createRecordTable,
  motoEndpoint,
  newExecution,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * The ECS service kind's calls (DescribeServices, UpdateService) over HTTP against moto. moto
 * differs from ECS in one way that matters here: a service it creates has its tasks PENDING and
 * its deployment IN_PROGRESS, and an UpdateService of the desired count makes that many tasks
 * RUNNING at once but leaves the deployment IN_PROGRESS; ECS starts the tasks over tens of
 * seconds and keeps the deployment COMPLETED (aws-fixtures: UpdateService --desired-count).
 */

const CLUSTER = 'contract-usw2';
const KIND = 'ecs-service';
const ecs = () => new ECSClient({ region: RECOVERY, endpoint: motoEndpoint() });
let created = 0;

async function createService(desiredCount: number): Promise<string> {
  created += 1;
  const name = `storefront-${created}`;
  await ecs().send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: 'storefront',
      desiredCount,
    }),
  );
  return name;
}

const desiredOf = async (name: string): Promise<number | undefined> =>
  (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services?.[0]
    ?.desiredCount;

const contextFor = (service: string, desiredCount = 6): KindContext => ({
  plan: contractPlan((document) => {
    document.ecsServices = [{ cluster: CLUSTER, service, desiredCount }];
  }),
  scope: newExecution(),
  dryRun: false,
  planned: false,
  direction: 'failover',
});

beforeAll(async () => {
  await createRecordTable('contract-ecs-service-record');
  await ecs().send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs().send(
    new RegisterTaskDefinitionCommand({
      family: 'storefront',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:latest', memory: 512 }],
    }),
  );
});

describe('describeServices', () => {
  it('describes the services found and reads a missing one from the MISSING failure', async () => {
    const name = await createService(1);

    const described = await describeServices(RECOVERY, [
      { cluster: CLUSTER, service: name },
      { cluster: CLUSTER, service: 'not-there' },
    ]);

    expect(described.get(`${CLUSTER}/${name}`)).toMatchObject({
      found: true,
      service: { serviceName: name, status: 'ACTIVE', desiredCount: 1 },
    });
    expect(described.get(`${CLUSTER}/not-there`)).toEqual({ found: false, reason: 'MISSING' });
  });

  it('reads an unknown cluster (ClusterNotFoundException) as its services missing', async () => {
    const described = await describeServices(RECOVERY, [{ cluster: 'no-such-cluster', service: 'web' }]);

    expect(described.get('no-such-cluster/web')).toEqual({
      found: false,
      reason: 'cluster no-such-cluster not found',
    });
  });
});

describe('the ECS service kind over HTTP', () => {
  it('passes the gate, raises the desired count once and records the count before', async () => {
    // Arrange
    const name = await createService(1);
    const context = contextFor(name);

    // Act
    const gate = await ecsServiceRuntime.gate?.(context);
    await ecsServiceRuntime.start(context);
    await ecsServiceRuntime.start(context);
    const check = await ecsServiceRuntime.check(context);

    // Assert
    expect(gate).toMatchObject({ done: true, total: 1 });
    expect(await desiredOf(name)).toBe(6);
    expect(await readFacts<ServiceFacts>(context.scope, KIND, 0)).toEqual({
      previousDesired: 1,
      raisedTo: 6,
      raisedBy: 'start',
    });
    // moto runs the tasks at once but leaves the deployment IN_PROGRESS: the kind keeps waiting, closely.
    expect(check).toMatchObject({ done: false, waitSeconds: 5 });
    const [progress] = (await readProgress<ServiceProgress[]>(context.scope, KIND)) ?? [];
    expect(progress?.message).toBe(`${CLUSTER}/${name}: 6/6 running, 0 pending, rollout IN_PROGRESS`);
  });

  it('prewarms and unwarms: the desired count goes up, then back to the count recorded', async () => {
    const name = await createService(2);
    const context = contextFor(name);

    await ecsServiceRuntime.prewarm?.(context);
    const raised = await desiredOf(name);
    await ecsServiceRuntime.unwarm?.(context);

    expect(raised).toBe(6);
    expect(await desiredOf(name)).toBe(2);
  });

  it('answers the readiness check with the service ACTIVE', async () => {
    const name = await createService(1);

    const checks = await kindReadiness(contextFor(name).plan);

    expect(checks).toEqual([expect.objectContaining({ check: 'ecs-service-active', status: 'pass' })]);
  });
});

describe('ECS errors as the SDK reads them from moto', () => {
  it('answers UpdateService of an unknown service with ServiceNotFoundException', async () => {
    const error = await rejectionOf(
      ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'not-there', desiredCount: 2 })),
    );

    expect(error).toBeInstanceOf(ServiceNotFoundException);
  });

  it('answers DescribeServices in an unknown cluster with ClusterNotFoundException', async () => {
    const error = await rejectionOf(
      ecs().send(new DescribeServicesCommand({ cluster: 'no-such-cluster', services: ['web'] })),
    );

    expect(error).toBeInstanceOf(ClusterNotFoundException);
  });
});

describe('the ECS service steps over HTTP', () => {
  it('sent DescribeServices and UpdateService to the moto server only', () => {
    expectStepCommandsSentToMoto('ecs-service', motoEndpoint(), ['GetItemCommand', 'UpdateItemCommand']);
  });
});
