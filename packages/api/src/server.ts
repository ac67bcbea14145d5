/** Listens: serves the API built by ./yoga.ts over node:http. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from './yoga.ts';

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `http://localhost:4000`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `api` on `port` (0 = any free port) on every interface. */
export async function listen(api: Api, port: number): Promise<RunningServer> {
  const server = createServer(api.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://localhost:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
