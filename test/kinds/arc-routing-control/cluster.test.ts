import '../../unit/support/aws-sdk-matchers.js';
import {
  ConflictException,
  EndpointTemporarilyUnavailableException,
  GetRoutingControlStateCommand,
  ResourceNotFoundException,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  isEndpointError,
  readControlState,
  updateControlStates,
} from '../../../functions/kinds/arc-routing-control/cluster.js';
import {
  ArcEndpointsUnavailableError,
  RoutingControlRefusedError,
} from '../../../functions/kinds/arc-routing-control/errors.js';
import { ENDPOINTS, PRIMARY_CONTROL, RECOVERY_CONTROL, SAFETY_RULE } from './support.js';

const arc = mockClient(Route53RecoveryClusterClient);
const $metadata = { httpStatusCode: 503 };
const unavailable = () =>
  new EndpointTemporarilyUnavailableException({
    message: "The cluster endpoint isn't available.",
    $metadata,
  });

/** The endpoint each call went to: the client's own configured endpoint URL. */
const endpointsCalled = async (): Promise<string[]> =>
  Promise.all(
    arc.calls().map(async (call) => {
      const client = call.thisValue as Route53RecoveryClusterClient;
      const endpoint = await client.config.endpoint?.();
      return `${endpoint?.hostname ?? '?'}|${await client.config.region()}`;
    }),
  );

beforeEach(() => {
  setClientInterceptor(undefined);
  arc.reset();
});

describe('readControlState', () => {
  it('asks the first endpoint, with its URL and its Region', async () => {
    arc
      .on(GetRoutingControlStateCommand)
      .resolves({ RoutingControlArn: RECOVERY_CONTROL, RoutingControlState: 'Off' });

    const answered = await readControlState(ENDPOINTS, RECOVERY_CONTROL);

    expect(answered).toMatchObject({ value: 'Off', endpoint: ENDPOINTS[0], failed: [] });
    expect(arc).toHaveReceivedCommandExactlyOnceWith(GetRoutingControlStateCommand, {
      RoutingControlArn: RECOVERY_CONTROL,
    });
    expect(await endpointsCalled()).toEqual([
      'a1b2c3d4.route53-recovery-cluster.us-east-1.amazonaws.com|us-east-1',
    ]);
  });

  it('moves on to the next endpoint when one is unavailable, throttled or unreachable', async () => {
    arc
      .on(GetRoutingControlStateCommand)
      .rejectsOnce(unavailable())
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }))
      .resolves({ RoutingControlArn: RECOVERY_CONTROL, RoutingControlState: 'On' });

    const answered = await readControlState(ENDPOINTS, RECOVERY_CONTROL);

    expect(answered.value).toBe('On');
    expect(answered.endpoint).toEqual(ENDPOINTS[2]);
    expect(answered.failed).toHaveLength(2);
    expect((await endpointsCalled()).map((called) => called.split('|')[1])).toEqual([
      'us-east-1',
      'us-west-2',
      'eu-west-1',
    ]);
  });

  it('fails with ArcEndpointsUnavailableError naming every endpoint when none answers', async () => {
    arc.on(GetRoutingControlStateCommand).rejects(unavailable());

    const error = await readControlState(ENDPOINTS, RECOVERY_CONTROL).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ArcEndpointsUnavailableError);
    expect((error as Error).message).toMatch(/usw2cell0a1b2c3d: none of the cluster's 3 endpoints answered/);
    expect((error as Error).message).toContain(
      'eu-west-1 (https://a1b2c3d4.route53-recovery-cluster.eu-west-1',
    );
    expect(arc.calls()).toHaveLength(3);
  });

  it('stops at the cluster answer that the control does not exist', async () => {
    arc.on(GetRoutingControlStateCommand).rejects(
      new ResourceNotFoundException({
        message: 'not found',
        resourceId: RECOVERY_CONTROL,
        resourceType: 'RoutingControl',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    await expect(readControlState(ENDPOINTS, RECOVERY_CONTROL)).rejects.toThrow(ResourceNotFoundException);
    expect(arc.calls()).toHaveLength(1);
  });
});

describe('updateControlStates', () => {
  const entries = [
    { arn: RECOVERY_CONTROL, state: 'On' as const },
    { arn: PRIMARY_CONTROL, state: 'Off' as const },
  ];

  it('sets every entry in one call, overriding the plan safety rules', async () => {
    arc.on(UpdateRoutingControlStatesCommand).resolves({});

    const answered = await updateControlStates(ENDPOINTS, entries, [SAFETY_RULE]);

    expect(answered.endpoint).toEqual(ENDPOINTS[0]);
    expect(arc).toHaveReceivedCommandExactlyOnceWith(UpdateRoutingControlStatesCommand, {
      UpdateRoutingControlStateEntries: [
        { RoutingControlArn: RECOVERY_CONTROL, RoutingControlState: 'On' },
        { RoutingControlArn: PRIMARY_CONTROL, RoutingControlState: 'Off' },
      ],
      SafetyRulesToOverride: [SAFETY_RULE],
    });
  });

  it('sends no SafetyRulesToOverride when the plan overrides none', async () => {
    arc.on(UpdateRoutingControlStatesCommand).resolves({});

    await updateControlStates(ENDPOINTS, entries, []);

    expect(arc.commandCalls(UpdateRoutingControlStatesCommand)[0]?.args[0].input).not.toHaveProperty(
      'SafetyRulesToOverride',
    );
  });

  it('tries the next endpoint when the first is unavailable', async () => {
    arc.on(UpdateRoutingControlStatesCommand).rejectsOnce(unavailable()).resolves({});

    const answered = await updateControlStates(ENDPOINTS, entries, []);

    expect(answered.endpoint).toEqual(ENDPOINTS[1]);
    expect(arc.commandCalls(UpdateRoutingControlStatesCommand)).toHaveLength(2);
  });

  it('turns a refusal into RoutingControlRefusedError with the ARC message, on no other endpoint', async () => {
    arc.on(UpdateRoutingControlStatesCommand).rejects(
      new ConflictException({
        message: 'safety rule not satisfied',
        resourceId: RECOVERY_CONTROL,
        resourceType: 'RoutingControl',
        $metadata: { httpStatusCode: 409 },
      }),
    );

    const error = await updateControlStates(ENDPOINTS, entries, []).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RoutingControlRefusedError);
    expect((error as Error).message).toBe(
      'ARC refused to set usw2cell0a1b2c3d On, use1cell0a1b2c3d Off: ConflictException: safety rule not satisfied',
    );
    expect(arc.calls()).toHaveLength(1);
  });
});

describe('isEndpointError', () => {
  it.each([
    ['EndpointTemporarilyUnavailableException', 503, true],
    ['ThrottlingException', 429, true],
    ['InternalServerException', 500, true],
    ['TimeoutError', undefined, true],
    ['ConflictException', 409, false],
    ['AccessDeniedException', 403, false],
    ['ValidationException', 400, false],
  ])('%s (%s): %s', (name, status, expected) => {
    const error = Object.assign(new Error(name), {
      name,
      ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}),
    });

    expect(isEndpointError(error)).toBe(expected);
  });
});
