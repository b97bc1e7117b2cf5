import { SSMClient } from '@aws-sdk/client-ssm';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const ssmClient = (region: string, options: ClientOptions = ON_PATH): SSMClient =>
  cachedClient('ssm', region, options, (config) => new SSMClient(config));
