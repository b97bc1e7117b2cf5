import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { cachedClient, type ClientOptions } from '../aws-clients.js';

/**
 * A client of one ARC cluster endpoint: routing control states are read and set only through the
 * cluster's own regional endpoints, each called with its own URL and its own region ("You must
 * specify one of these Regional endpoints (the AWS Region and the endpoint URL)",
 * https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-routing.control-state.html).
 * One attempt, a short timeout: the caller tries the next endpoint instead of retrying this one.
 */
export const ARC_ENDPOINT: ClientOptions = { requestTimeoutMs: 5_000, maxAttempts: 1 };

export const route53RecoveryClusterClient = (
  endpoint: { readonly region: string; readonly url: string },
  options: ClientOptions = ARC_ENDPOINT,
): Route53RecoveryClusterClient =>
  cachedClient(
    'route53-recovery-cluster',
    endpoint.region,
    options,
    (config) => new Route53RecoveryClusterClient(config),
    endpoint.url,
  );
