import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP stand-in for the Redshift Query API, for `npm run bench`: it answers
 * GetClusterCredentials and DescribeClusters with the XML Redshift sends, and prints its URL.
 */
const NAMESPACE = 'http://redshift.amazonaws.com/doc/2012-12-01/';

const getClusterCredentials = () => `<GetClusterCredentialsResponse xmlns="${NAMESPACE}">
  <GetClusterCredentialsResult>
    <DbUser>IAM:reporting</DbUser>
    <Expiration>${new Date(Date.now() + 900_000).toISOString().replace(/\.\d{3}/, '')}</Expiration>
    <DbPassword>EXAMPLEjArE3hcnQj8zt4XQj9Xtma8oxYEM8OyxpDHwXVPyJYBDm/gqX2Eeaq6P3DgTzgPg==</DbPassword>
  </GetClusterCredentialsResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</GetClusterCredentialsResponse>`;

const describeClusters = () => `<DescribeClustersResponse xmlns="${NAMESPACE}">
  <DescribeClustersResult>
    <Clusters>
      <Cluster>
        <ClusterIdentifier>examplecluster</ClusterIdentifier>
        <ClusterStatus>available</ClusterStatus>
        <DBName>exampledb</DBName>
        <Endpoint><Address>examplecluster.abc123.us-east-1.redshift.amazonaws.com</Address><Port>5439</Port></Endpoint>
      </Cluster>
    </Clusters>
  </DescribeClustersResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</DescribeClustersResponse>`;

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on('end', () => {
    const action = new URLSearchParams(body).get('Action');
    const xml = action === 'DescribeClusters' ? describeClusters() : getClusterCredentials();
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(xml);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
