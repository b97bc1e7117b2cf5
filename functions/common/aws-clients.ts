import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsService } from './aws-service.js';

/**
 * One place configures and caches every AWS SDK client the steps use, per service and region,
 * so a warm Lambda reuses its connections. Local replay installs an interceptor here that serves
 * the clients' commands from the simulated AWS; the handlers do not know the difference.
 *
 * The clients themselves are created in one module per service (functions/common/clients/):
 * this file imports SDK types only, so a Lambda bundle carries exactly the clients its code
 * calls (a bundle that imported every client was ~1 MiB).
 */
export type { AwsService };

export interface ClientSettings {
  readonly service: AwsService;
  readonly region: string;
  /** Per-request timeout. The SDK's default is none: a call into a dead region would hang. */
  readonly requestTimeoutMs: number;
  /** Attempts including the first; the SDK retries throttling and 5xx itself. */
  readonly maxAttempts: number;
  /**
   * A service reached through endpoints of the user's own (an ARC cluster's regional endpoints),
   * not the region's default: the URL every call of this client goes to.
   */
  readonly endpoint?: string;
}

export type ClientOptions = Pick<ClientSettings, 'requestTimeoutMs' | 'maxAttempts'>;

/** Calls into a region that may be the failed one must give up fast (DESIGN.md: best effort). */
export const BEST_EFFORT: ClientOptions = { requestTimeoutMs: 2_000, maxAttempts: 1 };
/** Calls on the failover path, in the recovery region. */
export const ON_PATH: ClientOptions = { requestTimeoutMs: 10_000, maxAttempts: 3 };

export type AnyClient =
  | RDSClient
  | CloudWatchClient
  | AutoScalingClient
  | SSMClient
  | SNSClient
  | DynamoDBClient
  | SFNClient
  | S3Client
  | ElastiCacheClient
  | ECSClient
  | LambdaClient
  | Route53RecoveryClusterClient;

/** Adds behaviour to each new client, e.g. the local engine's simulated transport. */
export type ClientInterceptor = (client: AnyClient, settings: ClientSettings) => void;

/** What every client is built with. */
export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly maxAttempts: number;
  readonly requestHandler: {
    readonly requestTimeout: number;
    readonly throwOnRequestTimeout: boolean;
    readonly connectionTimeout: number;
  };
}

let interceptor: ClientInterceptor | undefined;
const cache = new Map<string, AnyClient>();

/** Installs (or with `undefined` removes) the interceptor and drops cached clients. */
export function setClientInterceptor(next: ClientInterceptor | undefined): void {
  interceptor = next;
  cache.clear();
}

/** The cached client of `service` in `region`, built by `make` the first time. */
export function cachedClient<C extends AnyClient>(
  service: AwsService,
  region: string,
  options: ClientOptions,
  make: (config: ClientConfig) => C,
  endpoint?: string,
): C {
  const key = `${service}:${region}:${options.requestTimeoutMs}:${options.maxAttempts}:${endpoint ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached as C;
  const client = make({
    region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    maxAttempts: options.maxAttempts,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes, and a call into a
      // dead region hangs until the Lambda itself times out (@smithy/node-http-handler).
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(3_000, options.requestTimeoutMs),
    },
  });
  interceptor?.(client, { service, region, ...options, ...(endpoint !== undefined ? { endpoint } : {}) });
  cache.set(key, client);
  return client;
}
