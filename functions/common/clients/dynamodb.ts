import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cachedClient, ON_PATH, type ClientOptions } from '../aws-clients.js';

export const dynamoDbClient = (region: string, options: ClientOptions = ON_PATH): DynamoDBClient =>
  cachedClient('dynamodb', region, options, (config) => new DynamoDBClient(config));
