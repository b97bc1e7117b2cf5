import { RDSClient } from '@aws-sdk/client-rds';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const rdsClient = (region: string, options: ClientOptions = ON_PATH): RDSClient =>
  cachedClient('rds', region, options, (config) => new RDSClient(config));
