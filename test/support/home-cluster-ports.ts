import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { redshiftCredentialIssuer } from '#adapters/redshift-credential-issuer.js';
import { redshiftTargetDirectory } from '#adapters/redshift-target-directory.js';
import { targetClients } from '#adapters/target-clients.js';
import type { Grant } from '#domain/authorize.js';
import { type IssuingPorts, issueCredentials } from '#domain/issue.js';
import { exampleGrant } from '#fixtures/grant.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';

/**
 * The Redshift adapters (GetClusterCredentials, DescribeClusters) for the home account's example
 * cluster, wired as the functions wire them, behind issueCredentials, with the SDK mocked.
 */
export const redshiftMock = mockClient(RedshiftClient);
const factories = {
  redshift: () => new RedshiftClient({}),
  serverless: () => Promise.reject(new Error('no Serverless targets here')),
};
const noRoles = () => Promise.reject(new Error('no roles here'));
export const NOW = new Date('2026-11-26T20:00:00.000Z');

export const expiresIn = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

export function replyWith(reply: { DbUser?: string; DbPassword?: string; Expiration?: Date }) {
  redshiftMock.on(GetClusterCredentialsCommand).resolves(reply);
}

/** Fresh ports before each test of the calling file: a cluster that answers, a password issued. */
export function useHomeCluster() {
  let ports: IssuingPorts;
  beforeEach(() => {
    redshiftMock.reset();
    const redshift = new RedshiftClient({});
    const clients = targetClients(redshift, factories, noRoles);
    ports = {
      issuer: redshiftCredentialIssuer(clients),
      targets: redshiftTargetDirectory(clients),
    };
    redshiftMock.on(DescribeClustersCommand).resolves({
      Clusters: [
        {
          Endpoint: {
            Address: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
            Port: 5439,
          },
        },
      ],
    });
    replyWith({
      DbUser: 'IAMA:etl_loader:etl_rw',
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: expiresIn(900),
    });
  });
  return {
    get ports() {
      return ports;
    },
    issue: (g: Grant = exampleGrant()) => issueCredentials(ports, g, () => NOW),
  };
}
