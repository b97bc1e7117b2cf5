import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const cloudWatchClient = (region: string, options: ClientOptions = ON_PATH): CloudWatchClient =>
  cachedClient('cloudwatch', region, options, (config) => new CloudWatchClient(config));
