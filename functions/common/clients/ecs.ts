import { ECSClient } from '@aws-sdk/client-ecs';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const ecsClient = (region: string, options: ClientOptions = ON_PATH): ECSClient =>
  cachedClient('ecs', region, options, (config) => new ECSClient(config));
