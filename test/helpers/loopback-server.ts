// An HTTP server on 127.0.0.1 and a free port, for the carriers' fake REST APIs: a handler that
// throws answers 500 with the error, and stopping closes every connection at once.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Loopback {
  /** Its base URL, no trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function listenOnLoopback(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<Loopback> {
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      response.statusCode = 500;
      response.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}
