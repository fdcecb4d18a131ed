import { RedshiftClient } from '@aws-sdk/client-redshift';
import type { ClientOptions } from '../../adapters/target-clients.js';
import { CLIENT_CONFIG } from './config.js';

export const createRedshiftClient = (options: ClientOptions = {}) =>
  new RedshiftClient({ ...CLIENT_CONFIG, ...options });
