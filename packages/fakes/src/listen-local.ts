import type { Server } from 'node:http';
import type { Express } from 'express';

export interface ListeningFake {
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0 = any free port); `close()` also drops open streams, or a stalled one would hold it.
 * Closing again is harmless: a test may close early and its fixture close again when the test ends.
 */
export function listenLocal(app: Express, port: number, host: string): Promise<ListeningFake> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      let closed: Promise<void> | undefined;
      resolve({
        url: `http://${shownHost}:${actualPort}`,
        close: () => (closed ??= new Promise<void>((done, fail) => {
          server.close((error) => (error ? fail(error) : done()));
          server.closeAllConnections();
        })),
      });
    });
  });
}
