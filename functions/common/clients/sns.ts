import { SNSClient } from '@aws-sdk/client-sns';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const snsClient = (region: string, options: ClientOptions = ON_PATH): SNSClient =>
  cachedClient('sns', region, options, (config) => new SNSClient(config));
