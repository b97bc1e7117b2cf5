import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const autoScalingClient = (region: string, options: ClientOptions = ON_PATH): AutoScalingClient =>
  cachedClient('autoscaling', region, options, (config) => new AutoScalingClient(config));
