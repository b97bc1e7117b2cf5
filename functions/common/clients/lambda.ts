import { LambdaClient } from '@aws-sdk/client-lambda';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const lambdaClient = (region: string, options: ClientOptions = ON_PATH): LambdaClient =>
  cachedClient('lambda', region, options, (config) => new LambdaClient(config));
