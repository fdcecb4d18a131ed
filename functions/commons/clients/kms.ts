import { KMSClient } from '@aws-sdk/client-kms';
import { CLIENT_CONFIG } from './config.js';

export const createKmsClient = () => new KMSClient(CLIENT_CONFIG);
