import { S3Client } from '@aws-sdk/client-s3';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

/**
 * Path-style addressing only when an endpoint is configured (a local S3 such as moto on
 * 127.0.0.1, where `<bucket>.127.0.0.1` does not resolve); AWS itself gets virtual-hosted style.
 */
const localEndpoint = (): boolean => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

export const s3Client = (region: string, options: ClientOptions = ON_PATH): S3Client =>
  cachedClient(
    's3',
    region,
    options,
    (config) => new S3Client({ ...config, forcePathStyle: localEndpoint() }),
  );
