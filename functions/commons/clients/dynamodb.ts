import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLIENT_CONFIG } from './config.js';

export const createDynamoDbClient = () => new DynamoDBClient(CLIENT_CONFIG);
