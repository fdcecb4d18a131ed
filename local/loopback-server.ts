import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in server listening on a free loopback port. */
export interface LoopbackServer {
  readonly endpoint: string;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts `server` on a free port of 127.0.0.1 and says where it listens. */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
