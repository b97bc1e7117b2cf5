import { afterAll, beforeAll, inject, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { recordStepCalls } from './step-calls.js';

/**
 * Runs before each contract file, in its worker: points every SDK client at the run's moto
 * server through the SDK's own `AWS_ENDPOINT_URL` (the step code is not told), with fake
 * credentials. A developer's per-service endpoint variables, profile or "ignore configured
 * endpoints" switch would send requests elsewhere, so they are cleared for the file's duration.
 */
const ENVIRONMENT: Readonly<Record<string, string | undefined>> = {
  AWS_ENDPOINT_URL: inject('motoEndpoint'),
  AWS_ENDPOINT_URL_RDS: undefined,
  AWS_ENDPOINT_URL_AUTO_SCALING: undefined,
  AWS_ENDPOINT_URL_CLOUDWATCH: undefined,
  AWS_ENDPOINT_URL_SSM: undefined,
  AWS_ENDPOINT_URL_SNS: undefined,
  AWS_ENDPOINT_URL_DYNAMODB: undefined,
  AWS_ENDPOINT_URL_SFN: undefined,
  AWS_ENDPOINT_URL_S3: undefined,
  AWS_ENDPOINT_URL_ELASTICACHE: undefined,
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_PROFILE: undefined,
};

beforeAll(() => {
  for (const [name, value] of Object.entries(ENVIRONMENT)) vi.stubEnv(name, value);
  setClientInterceptor(recordStepCalls);
});

afterAll(() => {
  setClientInterceptor(undefined);
  vi.unstubAllEnvs();
});
