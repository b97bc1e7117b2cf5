import { describe, expect, it } from 'vitest';
import { readControlState, updateControlStates } from '../../functions/kinds/arc-routing-control/cluster.js';
import { ArcEndpointsUnavailableError } from '../../functions/kinds/arc-routing-control/errors.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { MOTO_ACCOUNT, motoEndpoint, rejectionOf } from './support.js';

/**
 * The ARC routing control kind's calls over HTTP against moto 5.2.1, which does not serve
 * route53-recovery-cluster at all: it has no backend for the service and answers every request
 * with HTTP 500 and an HTML error page (moto/backends.py get_backend fails on the unknown service
 * name), which the SDK cannot deserialize. So what is tested here is only that the calls go to the
 * endpoint the plan names (the cluster endpoint's URL, not the region's default) and that a 5xx
 * moves on to the next endpoint until none is left; the states, the safety rules and the
 * refusals (ConflictException, ResourceNotFoundException, EndpointTemporarilyUnavailableException)
 * are tested only on the simulated ARC cluster (test/kinds/arc-routing-control/), whose shapes
 * follow the Routing Control API Reference.
 */

const CONTROL = `arn:aws:route53-recovery-control::${MOTO_ACCOUNT}:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/contract0a1b2c3d`;
/** Two "cluster endpoints", both moto, in two Regions. */
const endpoints = () => [
  { region: 'us-east-1', url: motoEndpoint() },
  { region: 'us-west-2', url: motoEndpoint() },
];

describe('ARC routing control calls in moto', () => {
  it('sends GetRoutingControlState to each endpoint in turn; moto answers 500 on both', async () => {
    const before = stepCalls.length;

    const error = await rejectionOf(readControlState(endpoints(), CONTROL));

    expect(error).toBeInstanceOf(ArcEndpointsUnavailableError);
    expect(error.message).toMatch(/none of the cluster's 2 endpoints answered/);
    expect(stepCalls.slice(before).map((call) => [call.command, call.region])).toEqual([
      ['GetRoutingControlStateCommand', 'us-east-1'],
      ['GetRoutingControlStateCommand', 'us-west-2'],
    ]);
  });

  it('sends UpdateRoutingControlStates to each endpoint in turn; moto answers 500, nothing is refused', async () => {
    const before = stepCalls.length;

    const error = await rejectionOf(updateControlStates(endpoints(), [{ arn: CONTROL, state: 'On' }], []));

    // moto's 500 is an endpoint error to the kind, not ARC refusing the change.
    expect(error).toBeInstanceOf(ArcEndpointsUnavailableError);
    expect(stepCalls.slice(before).map((call) => call.command)).toEqual([
      'UpdateRoutingControlStatesCommand',
      'UpdateRoutingControlStatesCommand',
    ]);
    expectStepCommandsSentToMoto('arc-routing-control', motoEndpoint());
  });
});
