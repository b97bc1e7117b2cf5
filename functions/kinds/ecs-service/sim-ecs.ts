import type {
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  Service,
  ServiceEvent,
  UpdateServiceCommandInput,
  UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import * as z from 'zod';
import { hexDigest, uuidFrom } from '../../../engine/sim/ids.js';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { longAgo, secondsToMs, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import { serviceLabel } from './definition.js';

/**
 * Amazon ECS: every plan service exists, ACTIVE, in the recovery region at pilot-light size
 * (`initialDesired`, default 1, all RUNNING). Raising the desired count places new tasks that
 * are PENDING for `taskStartSeconds` and then RUNNING; at most `maxPlacedTasks` are ever placed
 * (capacity missing: the rest cannot be placed, and the service's events say so); with
 * `tasksFailToStart` the new tasks stop before RUNNING and are replaced, over and over.
 * A desired-count change starts no new deployment: the PRIMARY deployment stays COMPLETED, as
 * AWS answers (aws-fixtures: UpdateService --desired-count 2 answers runningCount 1, COMPLETED).
 */

/** The scenario's `ecs` entry: how one service (`cluster/service`, or `"*"`) behaves. */
export const serviceBehaviourSchema = z.strictObject({
  /** From placement to RUNNING. @default 45 */
  taskStartSeconds: z.number().min(0).optional(),
  /** At most this many tasks are ever placed (no capacity for more). */
  maxPlacedTasks: z.number().int().min(0).optional(),
  /** New tasks stop before they reach RUNNING (a bad image, a failing health check). */
  tasksFailToStart: z.boolean().optional(),
  /** Desired (and running) tasks before the failover. @default 1 */
  initialDesired: z.number().int().min(0).optional(),
  /** The service does not exist in the recovery region. */
  missing: z.boolean().optional(),
  /** The service is being deleted. */
  draining: z.boolean().optional(),
});
export type ServiceBehaviour = z.output<typeof serviceBehaviourSchema>;

export const DEFAULT_TASK_START_SECONDS = 45;

interface ServiceRecord {
  readonly cluster: string;
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly clusterArn: string;
  readonly behaviour: ServiceBehaviour;
  readonly createdAt: Date;
  readonly deploymentId: string;
  desired: number;
  /** When each placed task was placed (epoch ms); tasks of the pilot light long ago. */
  placedAt: number[];
}

export interface EcsServiceSnapshot {
  readonly service: string;
  readonly region: string;
  readonly status: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
}

export class SimulatedEcs {
  private readonly services: ServiceRecord[] = [];

  public constructor(private readonly world: SimWorld) {
    const { plan, scenario } = world;
    for (const item of plan.ecsServices) {
      const label = serviceLabel(item);
      const behaviour = settingsFor(scenario.ecs, label) ?? {};
      if (behaviour.missing) continue;
      const region = plan.recoveryRegion;
      const desired = behaviour.initialDesired ?? 1;
      const since = longAgo(world, 30);
      this.services.push({
        cluster: item.cluster,
        name: item.service,
        region,
        arn: `arn:aws:ecs:${region}:${world.accountId}:service/${label}`,
        clusterArn: `arn:aws:ecs:${region}:${world.accountId}:cluster/${item.cluster}`,
        behaviour,
        createdAt: since,
        deploymentId: `ecs-svc/${parseInt(hexDigest(label, 12), 16)}`,
        desired,
        placedAt: Array.from({ length: desired }, () => since.getTime()),
      });
    }
  }

  public readonly operations = {
    DescribeServices: (input: DescribeServicesCommandInput, call: CallContext) => this.describe(input, call),
    UpdateService: (input: UpdateServiceCommandInput, call: CallContext) => this.update(input, call),
  };

  public snapshot(now: number): EcsServiceSnapshot[] {
    return this.services.map((service) => ({
      service: `${service.cluster}/${service.name}`,
      region: service.region,
      status: this.status(service),
      desired: service.desired,
      ...this.counts(service, now),
    }));
  }

  private status(service: ServiceRecord): 'ACTIVE' | 'DRAINING' {
    return service.behaviour.draining ? 'DRAINING' : 'ACTIVE';
  }

  private describe(
    input: DescribeServicesCommandInput,
    call: CallContext,
  ): Omit<DescribeServicesCommandOutput, '$metadata'> {
    const cluster = this.cluster(call.region, input.cluster);
    const names = required(input.services, 'services', 'InvalidParameterException');
    if (names.length > 10)
      throw fail('InvalidParameterException', 400, 'services can have at most 10 items.');
    const found = names.map((name) => ({
      name,
      service: call.absent ? undefined : this.find(call.region, cluster, name),
    }));
    return {
      services: found.flatMap(({ service }) => (service ? [this.shape(service, call.now)] : [])),
      failures: found
        .filter(({ service }) => service === undefined)
        .map(({ name }) => ({
          arn: `arn:aws:ecs:${call.region}:${this.world.accountId}:service/${cluster}/${name}`,
          reason: 'MISSING',
        })),
    };
  }

  private update(
    input: UpdateServiceCommandInput,
    call: CallContext,
  ): Omit<UpdateServiceCommandOutput, '$metadata'> {
    const cluster = this.cluster(call.region, input.cluster);
    const service = this.find(
      call.region,
      cluster,
      required(input.service, 'service', 'InvalidParameterException'),
    );
    if (service === undefined) throw fail('ServiceNotFoundException', 400, 'Service not found.');
    if (this.status(service) !== 'ACTIVE')
      throw fail('ServiceNotActiveException', 400, 'Service was not ACTIVE.');
    const desired = input.desiredCount;
    if (desired !== undefined) {
      if (desired < 0) throw fail('InvalidParameterException', 400, 'desiredCount must be >= 0.');
      // Stop the newest tasks first on a scale-in; place new ones (as capacity allows) on a scale-out.
      service.placedAt = service.placedAt.slice(0, Math.min(service.placedAt.length, desired));
      service.desired = desired;
      this.place(service, call.now);
    }
    return { service: this.shape(service, call.now) };
  }

  /** The cluster name of a `cluster` parameter (name or ARN; ECS's default cluster is `default`). */
  private cluster(region: string, cluster: string | undefined): string {
    const name = (cluster ?? 'default').split('/').at(-1) ?? '';
    if (!this.services.some((service) => service.region === region && service.cluster === name))
      throw fail('ClusterNotFoundException', 400, 'Cluster not found.');
    return name;
  }

  private find(region: string, cluster: string, name: string): ServiceRecord | undefined {
    const bare = name.split('/').at(-1);
    return this.services.find(
      (service) => service.region === region && service.cluster === cluster && service.name === bare,
    );
  }

  private place(service: ServiceRecord, now: number): void {
    const capacity = Math.min(service.desired, service.behaviour.maxPlacedTasks ?? Infinity);
    while (service.placedAt.length < capacity) service.placedAt.push(now);
  }

  private counts(service: ServiceRecord, now: number): { running: number; pending: number } {
    const startMs = secondsToMs(service.behaviour.taskStartSeconds ?? DEFAULT_TASK_START_SECONDS);
    const pilot = this.world.startMs;
    // Tasks placed before the scenario started are the pilot light's: they run whatever the scenario says.
    const started = service.placedAt.filter(
      (at) => at < pilot || (!service.behaviour.tasksFailToStart && now >= at + startMs),
    ).length;
    return { running: started, pending: service.placedAt.length - started };
  }

  /** The SDK `Service` shape, after aws-fixtures/api/ecs-DescribeServices-* and ecs-UpdateService-output_desired-count. */
  private shape(service: ServiceRecord, now: number): Service {
    const { running, pending } = this.counts(service, now);
    const taskDefinition = `arn:aws:ecs:${service.region}:${this.world.accountId}:task-definition/${service.name}:1`;
    const failedTasks =
      service.behaviour.tasksFailToStart === true && pending > 0
        ? Math.floor(
            (now - Math.max(...service.placedAt)) /
              secondsToMs(service.behaviour.taskStartSeconds ?? DEFAULT_TASK_START_SECONDS),
          )
        : 0;
    return {
      serviceArn: service.arn,
      serviceName: service.name,
      clusterArn: service.clusterArn,
      loadBalancers: [],
      serviceRegistries: [],
      status: this.status(service),
      desiredCount: service.desired,
      runningCount: running,
      pendingCount: pending,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      taskDefinition,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      deployments: [
        {
          id: service.deploymentId,
          status: 'PRIMARY',
          taskDefinition,
          desiredCount: service.desired,
          pendingCount: pending,
          runningCount: running,
          failedTasks,
          createdAt: service.createdAt,
          updatedAt: service.createdAt,
          launchType: 'FARGATE',
          rolloutState: 'COMPLETED',
          rolloutStateReason: `ECS deployment ${service.deploymentId} completed.`,
        },
      ],
      events: [this.event(service, running, now)],
      createdAt: service.createdAt,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
    };
  }

  /** The service's newest event, worded as ECS words them (aws-fixtures: DescribeServices examples). */
  private event(service: ServiceRecord, running: number, now: number): ServiceEvent {
    const unplaced = service.desired - service.placedAt.length;
    const message =
      unplaced > 0
        ? `(service ${service.name}) was unable to place a task because no container instance met all of its requirements.`
        : service.behaviour.tasksFailToStart === true && running < service.desired
          ? `(service ${service.name}) has started ${service.desired - running} tasks: the tasks stopped before reaching RUNNING.`
          : running >= service.desired
            ? `(service ${service.name}) has reached a steady state.`
            : `(service ${service.name}) has started ${service.desired - running} tasks.`;
    return { id: uuidFrom(`${service.arn}:${message}`), createdAt: new Date(now), message };
  }
}
