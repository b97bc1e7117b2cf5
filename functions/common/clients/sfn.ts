import { SFNClient } from '@aws-sdk/client-sfn';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const sfnClient = (region: string, options: ClientOptions = ON_PATH): SFNClient =>
  cachedClient('sfn', region, options, (config) => new SFNClient(config));
