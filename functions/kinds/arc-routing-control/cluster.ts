import {
  GetRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { route53RecoveryClusterClient } from '../../common/clients/route53-recovery-cluster.js';
import { describeError } from '../../common/errors.js';
import { controlName, type ClusterEndpoint, type ControlState } from './definition.js';
import { ArcEndpointsUnavailableError, RoutingControlRefusedError } from './errors.js';

/**
 * The calls to an ARC cluster, each tried on the plan's endpoints in turn: ARC's guidance is to
 * "try each endpoint in rotation, as needed"
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html). An error
 * that says the endpoint, not the request, is the problem moves to the next endpoint; any other
 * error is the cluster's answer and is final.
 */

/** Errors of an endpoint rather than of the request: another endpoint may answer. */
const ENDPOINT_ERRORS = new Set([
  'EndpointTemporarilyUnavailableException',
  'ThrottlingException',
  'InternalServerException',
  'TimeoutError',
  'RequestTimeout',
]);
/** The update's answers that mean ARC will not make this change (see definition.ts). */
const REFUSALS = new Set(['ConflictException', 'ValidationException']);

/** Whether another endpoint may answer where this one failed. */
export function isEndpointError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (ENDPOINT_ERRORS.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // No HTTP status at all: the request never got an answer (DNS, connection refused or reset).
  return status === undefined || status >= 500 || status === 429;
}

/** A call that succeeded, with the endpoint that answered and the ones that failed before it. */
export interface Answered<T> {
  readonly value: T;
  readonly endpoint: ClusterEndpoint;
  readonly failed: readonly string[];
}

const endpointText = (endpoint: ClusterEndpoint): string => `${endpoint.region} (${endpoint.url})`;

/**
 * Runs `call` on each endpoint in turn until one answers.
 * @throws ArcEndpointsUnavailableError when every endpoint failed with an endpoint error
 * @throws the first error that is the cluster's answer (not found, refused, access denied)
 */
export async function onAnyEndpoint<T>(
  endpoints: readonly ClusterEndpoint[],
  what: string,
  call: (endpoint: ClusterEndpoint) => Promise<T>,
): Promise<Answered<T>> {
  const failed: string[] = [];
  for (const endpoint of endpoints) {
    try {
      return { value: await call(endpoint), endpoint, failed };
    } catch (error) {
      if (!isEndpointError(error)) throw error;
      failed.push(`${endpointText(endpoint)}: ${describeError(error)}`);
    }
  }
  throw new ArcEndpointsUnavailableError(
    `${what}: none of the cluster's ${endpoints.length} endpoints answered (${failed.join('; ')})`,
  );
}

/** A routing control's state (GetRoutingControlState) through any endpoint. */
export async function readControlState(
  endpoints: readonly ClusterEndpoint[],
  arn: string,
): Promise<Answered<ControlState>> {
  return onAnyEndpoint(endpoints, `routing control ${controlName(arn)}`, async (endpoint) => {
    const response = await route53RecoveryClusterClient(endpoint).send(
      new GetRoutingControlStateCommand({ RoutingControlArn: arn }),
    );
    return response.RoutingControlState === 'On' ? 'On' : 'Off';
  });
}

/** The states of `arns`, read one after another (each through any endpoint), by ARN. */
export async function readControlStates(
  endpoints: readonly ClusterEndpoint[],
  arns: readonly string[],
): Promise<Map<string, ControlState>> {
  const states = new Map<string, ControlState>();
  for (const arn of arns) states.set(arn, (await readControlState(endpoints, arn)).value);
  return states;
}

/**
 * Sets every entry's state in one UpdateRoutingControlStates call (ARC evaluates its safety rules
 * on the whole change), through the first endpoint that answers.
 * @throws RoutingControlRefusedError when ARC refuses the change (ARC's message kept)
 */
export async function updateControlStates(
  endpoints: readonly ClusterEndpoint[],
  entries: readonly { readonly arn: string; readonly state: ControlState }[],
  safetyRulesToOverride: readonly string[],
): Promise<Answered<void>> {
  try {
    return await onAnyEndpoint(endpoints, 'UpdateRoutingControlStates', async (endpoint) => {
      await route53RecoveryClusterClient(endpoint).send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: entries.map((entry) => ({
            RoutingControlArn: entry.arn,
            RoutingControlState: entry.state,
          })),
          ...(safetyRulesToOverride.length > 0 ? { SafetyRulesToOverride: [...safetyRulesToOverride] } : {}),
        }),
      );
    });
  } catch (error) {
    if (error instanceof Error && REFUSALS.has(error.name))
      throw new RoutingControlRefusedError(
        `ARC refused to set ${entries.map((entry) => `${controlName(entry.arn)} ${entry.state}`).join(', ')}: ${error.name}: ${error.message}`,
      );
    throw error;
  }
}
