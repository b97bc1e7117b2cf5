import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * One place creates every AWS SDK client the steps use, cached per service and region so a
 * warm Lambda reuses its connections. Local replay installs an interceptor here that serves
 * the clients' commands from the simulated AWS; the handlers do not know the difference.
 */
export type AwsService = 'rds' | 'cloudwatch' | 'autoscaling' | 'ssm' | 'sns' | 'dynamodb' | 'sfn';

export interface ClientSettings {
  readonly service: AwsService;
  readonly region: string;
  /** Per-request timeout. The SDK's default is none: a call into a dead region would hang. */
  readonly requestTimeoutMs: number;
  /** Attempts including the first; the SDK retries throttling and 5xx itself. */
  readonly maxAttempts: number;
}

export type ClientOptions = Pick<ClientSettings, 'requestTimeoutMs' | 'maxAttempts'>;

/** Calls into a region that may be the failed one must give up fast (DESIGN.md: best effort). */
export const BEST_EFFORT: ClientOptions = { requestTimeoutMs: 2_000, maxAttempts: 1 };
/** Calls on the failover path, in the recovery region. */
export const ON_PATH: ClientOptions = { requestTimeoutMs: 10_000, maxAttempts: 3 };

type Constructors = {
  rds: RDSClient;
  cloudwatch: CloudWatchClient;
  autoscaling: AutoScalingClient;
  ssm: SSMClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  sfn: SFNClient;
};
type AnyClient = Constructors[AwsService];

/** Adds behaviour to each new client, e.g. the local engine's simulated transport. */
export type ClientInterceptor = (client: AnyClient, settings: ClientSettings) => void;

let interceptor: ClientInterceptor | undefined;
const cache = new Map<string, AnyClient>();

/** Installs (or with `undefined` removes) the interceptor and drops cached clients. */
export function setClientInterceptor(next: ClientInterceptor | undefined): void {
  interceptor = next;
  cache.clear();
}

function create<S extends AwsService>(service: S, region: string, options: ClientOptions): Constructors[S] {
  const settings: ClientSettings = { service, region, ...options };
  const key = `${service}:${region}:${options.requestTimeoutMs}:${options.maxAttempts}`;
  const cached = cache.get(key);
  if (cached) return cached as Constructors[S];
  const config = {
    region,
    maxAttempts: options.maxAttempts,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes, and a call into a
      // dead region hangs until the Lambda itself times out (@smithy/node-http-handler).
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(3_000, options.requestTimeoutMs),
    },
  };
  const clients: { [K in AwsService]: () => Constructors[K] } = {
    rds: () => new RDSClient(config),
    cloudwatch: () => new CloudWatchClient(config),
    autoscaling: () => new AutoScalingClient(config),
    ssm: () => new SSMClient(config),
    sns: () => new SNSClient(config),
    dynamodb: () => new DynamoDBClient(config),
    sfn: () => new SFNClient(config),
  };
  const client = clients[service]() as Constructors[S];
  interceptor?.(client, settings);
  cache.set(key, client);
  return client;
}

export const rdsClient = (region: string, options: ClientOptions = ON_PATH): RDSClient =>
  create('rds', region, options);
export const cloudWatchClient = (region: string, options: ClientOptions = ON_PATH): CloudWatchClient =>
  create('cloudwatch', region, options);
export const autoScalingClient = (region: string, options: ClientOptions = ON_PATH): AutoScalingClient =>
  create('autoscaling', region, options);
export const ssmClient = (region: string, options: ClientOptions = ON_PATH): SSMClient =>
  create('ssm', region, options);
export const snsClient = (region: string, options: ClientOptions = ON_PATH): SNSClient =>
  create('sns', region, options);
export const dynamoDbClient = (region: string, options: ClientOptions = ON_PATH): DynamoDBClient =>
  create('dynamodb', region, options);
export const sfnClient = (region: string, options: ClientOptions = ON_PATH): SFNClient =>
  create('sfn', region, options);
