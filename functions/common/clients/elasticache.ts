import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const elastiCacheClient = (region: string, options: ClientOptions = ON_PATH): ElastiCacheClient =>
  cachedClient('elasticache', region, options, (config) => new ElastiCacheClient(config));
