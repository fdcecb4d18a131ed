import { RedshiftClient } from '@aws-sdk/client-redshift';
import { CLIENT_CONFIG } from './config.js';

export const createRedshiftClient = () => new RedshiftClient(CLIENT_CONFIG);
