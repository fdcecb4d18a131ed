import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG } from './config.js';

export const createSfnClient = () => new SFNClient(CLIENT_CONFIG);
